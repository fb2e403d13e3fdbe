package query_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

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
		frame.WriteFile(&b, frame.FormatCSV, f)
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
		if err := query.Export(path, f); !errors.Is(err, frame.ErrFormat) {
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

var _ = parquet.V2_LATEST
