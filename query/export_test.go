package query_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/go-gota/gota/series"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

func TestFormatOf(t *testing.T) {
	for in, want := range map[string]string{
		"a.csv": "csv", "b.CSV": "csv", "c.arrow": "arrow", "d.feather": "arrow",
		"e.arrows": "arrows", "f.parquet": "parquet", "g.lp": "lp", "h.txt": "", "-": "",
	} {
		got, err := query.FormatOf(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", in, got, err, want)
		}
		if err != nil && !errors.Is(err, query.ErrFormat) {
			t.Errorf("FormatOf(%q) error %v is not ErrFormat", in, err)
		}
	}
}

// TestExportRoundTrip writes every file format and reads the files back.
func TestExportRoundTrip(t *testing.T) {
	frames := decodeFile(t, "all_types.csv", query.WithChunkSize(3))
	defer release(frames)
	f := frames[0]
	want := values(t, frames)
	dir := t.TempDir()

	t.Run("csv", func(t *testing.T) {
		path := filepath.Join(dir, "out.csv")
		if err := query.Export(path, f); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		frame.WriteCSV(&b, f)
		if string(got) != b.String() {
			t.Errorf("got\n%s\nwant\n%s", got, b.String())
		}
	})
	for _, ext := range []string{".arrow", ".feather"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(dir, "out"+ext)
			if err := query.Export(path, f); err != nil {
				t.Fatal(err)
			}
			back, err := frame.ReadArrowFile(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer back.Release()
			if got := values(t, []*frame.Frame{back}); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if back.Schema().Columns[2].Role != frame.RoleTime {
				t.Errorf("_time role %v after the round trip", back.Schema().Columns[2].Role)
			}
		})
	}
	t.Run("parquet", func(t *testing.T) {
		path := filepath.Join(dir, "out.parquet")
		if err := query.Export(path, f); err != nil {
			t.Fatal(err)
		}
		rd, err := file.OpenParquetFile(path, false)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		tr := array.NewTableReader(tbl, -1)
		defer tr.Release()
		var recs []arrow.Record
		for tr.Next() {
			tr.Record().Retain()
			recs = append(recs, tr.Record())
		}
		back, err := frame.New(frame.SchemaFromArrow(tbl.Schema()), recs...)
		for _, r := range recs {
			r.Release()
		}
		if err != nil {
			t.Fatal(err)
		}
		defer back.Release()
		// Durations come back as int64 nanoseconds.
		wantPQ := strings.NewReplacer("1.5s", "1500000000", "1h30m0s", "5400000000000", "48h0m0s", "172800000000000",
			"dur: type=duration[ns]", "dur: type=int64").Replace(want)
		if got := values(t, []*frame.Frame{back}); got != wantPQ {
			t.Errorf("got\n%s\nwant\n%s", got, wantPQ)
		}
	})
	t.Run("arrows", func(t *testing.T) {
		var b bytes.Buffer
		if err := query.ExportTo(&b, "arrows", f); err != nil {
			t.Fatal(err)
		}
		if b.Len() == 0 {
			t.Error("empty stream")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		path := filepath.Join(dir, "out.xlsx")
		if err := query.Export(path, f); !errors.Is(err, query.ErrFormat) {
			t.Errorf("error %v, want ErrFormat", err)
		}
		if _, err := os.Stat(path); err == nil {
			t.Error("file created for an unknown format")
		}
	})
}

func TestLineProtocol(t *testing.T) {
	long := decodeFile(t, "two_sets.csv")
	defer release(long)
	wide, err := query.Pivot(long)
	if err != nil {
		t.Fatal(err)
	}
	defer release(wide)
	empty := decodeString(t, "#datatype,string,dateTime:RFC3339,double,string\n#group,true,false,false,true\n"+
		",_measurement,_time,_value,_field\n,m,2021-01-01T00:00:00Z,,f\n,m,,NaN,f\n,m,,2,\"a b\"\n")
	defer release(empty)
	var b bytes.Buffer
	for _, f := range []*frame.Frame{long[0], long[1], wide[0], empty[0]} {
		if err := query.ExportTo(&b, "lp", f); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "lineprotocol.lp", b.String())

	noMeas := decodeString(t, head)
	defer release(noMeas)
	if err := query.WriteLineProtocol(&b, noMeas[0]); err == nil {
		t.Error("no error without a measurement")
	}
}

func TestToDataFrame(t *testing.T) {
	frames := decodeFile(t, "all_types.csv", query.WithChunkSize(2))
	defer release(frames)
	df := query.ToDataFrame(frames[0])
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	if df.Nrow() != 4 || df.Ncol() != 11 {
		t.Fatalf("%d x %d", df.Nrow(), df.Ncol())
	}
	wantTypes := map[string]series.Type{
		"result": series.String, "table": series.Int, "_time": series.String, "d": series.Float,
		"l": series.Int, "u": series.String, "b": series.Bool, "s": series.String, "dur": series.Int,
		"bin": series.String, "tag": series.String,
	}
	for name, typ := range wantTypes {
		if got := df.Col(name).Type(); got != typ {
			t.Errorf("column %s is %s, want %s", name, got, typ)
		}
	}
	if got := df.Col("_time").Elem(0).String(); got != "2021-01-01T00:00:00.123456789Z" {
		t.Errorf("_time[0] = %q", got)
	}
	if ts, err := time.Parse(time.RFC3339Nano, df.Col("_time").Elem(3).String()); err != nil || ts.Unix() != 1609459200 {
		t.Errorf("_time[3] = %v, %v", ts, err)
	}
	if got := df.Col("l").Elem(3).Val(); got != math.MaxInt64 {
		t.Errorf("l[3] = %v", got)
	}
	if got := df.Col("u").Elem(0).String(); got != "18446744073709551615" {
		t.Errorf("u[0] = %v", got)
	}
	if got := df.Col("dur").Elem(0).Val(); got != 1500000000 {
		t.Errorf("dur[0] = %v", got)
	}
	for _, name := range []string{"_time", "d", "l", "b", "s", "dur"} {
		if !df.Col(name).Elem(2).IsNA() {
			t.Errorf("%s[2] = %v, want NaN (null)", name, df.Col(name).Elem(2))
		}
	}
	if got := df.Col("s").Elem(3).String(); got != "multi\nline" {
		t.Errorf("s[3] = %q", got)
	}
	if empty := query.ToDataFrame(mustCombine(t, nil)); empty.Ncol() != 0 {
		t.Errorf("empty frame gives %d columns", empty.Ncol())
	}
}

func mustCombine(t *testing.T, frames []*frame.Frame) *frame.Frame {
	t.Helper()
	f, err := query.Combine(frames)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Release)
	return f
}

var _ = parquet.V2_LATEST
