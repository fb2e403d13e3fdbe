package frame_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/transform"
)

// pandasMeta is the "pandas" schema metadata that DataFrame.to_parquet
// stores (abridged): readers that do not know it must ignore it.
const pandasMeta = `{"index_columns": [{"kind": "range", "name": null, "start": 0, "stop": 4, "step": 1}],` +
	` "columns": [{"name": "time", "pandas_type": "datetime", "numpy_type": "datetime64[ns]"},` +
	` {"name": "station", "pandas_type": "categorical", "numpy_type": "int8"},` +
	` {"name": "temp", "pandas_type": "float64", "numpy_type": "float64"},` +
	` {"name": "day", "pandas_type": "date", "numpy_type": "object"}], "pandas_version": "2.2.3"}`

// writePandasLike writes the Parquet file pandas and pyarrow make of a
// DataFrame with a datetime64[ns] column (timestamp[ns], no zone), a
// category column (dictionary<int8, string>), a float column with NaN and
// a null, and a column of datetime.date (date32), with the Arrow schema
// stored in the file.
func writePandasLike(t testing.TB, path string) {
	t.Helper()
	mem := memory.NewGoAllocator()
	md := arrow.NewMetadata([]string{"pandas"}, []string{pandasMeta})
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	as := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "station", Type: dt, Nullable: true},
		{Name: "temp", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, &md)
	b := array.NewRecordBuilder(mem, as)
	defer b.Release()
	base := int64(1709251200e9) // 2024-03-01T00:00:00Z
	for i, st := range []string{"north", "south", "north", "east"} {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(base + int64(i)*3600e9 + 123))
		if err := b.Field(1).(*array.BinaryDictionaryBuilder).AppendString(st); err != nil {
			t.Fatal(err)
		}
		b.Field(3).(*array.Date32Builder).Append(arrow.Date32(19783 + i))
	}
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1.5, math.NaN(), 0, -3}, []bool{true, true, false, true})
	rec := b.NewRecord()
	defer rec.Release()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w, err := pqarrow.NewFileWriter(as, fh, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestParquetPandasImport reads a pandas-like Parquet file and normalises
// it as the import command does: the datetime column is the time column,
// the category column a tag, NaN and null are left out of their points.
func TestParquetPandasImport(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	path := filepath.Join(t.TempDir(), "weather.parquet")
	writePandasLike(t, path)

	fr, err := frame.Open(context.Background(), path, frame.OpenOptions{CSVOptions: frame.CSVOptions{Allocator: mem}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range fr.FrameSchema().Columns {
		kinds = append(kinds, c.Name+":"+c.Kind.String())
	}
	if got, want := strings.Join(kinds, " "), "time:time station:text temp:float day:time"; got != want {
		t.Errorf("kinds %q, want %q", got, want)
	}
	opts := transform.Options{Tags: []string{"station"}, TimeColumn: "time", Measurement: "weather"}
	r, err := transform.NewReader(fr, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var points, rejects []string
	for r.Next() {
		out := r.Record()
		for _, rej := range r.Rejects() {
			rejects = append(rejects, rej.Reason)
		}
		for i := 0; i < int(out.NumRows()); i++ {
			var row []string
			for j, c := range out.Columns() {
				row = append(row, out.Schema().Field(j).Name+"="+frame.FormatValue(c, i))
			}
			points = append(points, strings.Join(row, " "))
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"time=2024-03-01T00:00:00.000000123Z station=north temp=1.5",
		"time=2024-03-01T03:00:00.000000123Z station=east temp=-3",
	}
	if fmt.Sprint(points) != fmt.Sprint(want) {
		t.Errorf("points\n got %q\nwant %q", points, want)
	}
	// The NaN row and the null row have no field left.
	if want := []string{"no field values", "no field values"}; fmt.Sprint(rejects) != fmt.Sprint(want) {
		t.Errorf("rejects %q, want %q", rejects, want)
	}
	if rep := r.Report(); rep.TimeColumn != "time" || rep.Precision != frame.Nanosecond {
		t.Errorf("time column %q precision %q, want time ns", rep.TimeColumn, rep.Precision)
	}

	// The date column can be the time column too.
	fr2, err := frame.Open(context.Background(), path, frame.OpenOptions{CSVOptions: frame.CSVOptions{Allocator: mem}})
	if err != nil {
		t.Fatal(err)
	}
	day, err := transform.NewReader(fr2, transform.Options{TimeColumn: "day", Duplicates: transform.DuplicatesLast})
	if err != nil {
		t.Fatalf("date column as time: %v", err)
	}
	defer day.Release()
	if rep := day.Report(); !strings.HasPrefix(rep.TimeFormat, "arrow timestamp") {
		t.Errorf("date column read as %q", rep.TimeFormat)
	}
}

// TestParquetTruncated cuts a Parquet file at every length: each is a
// *frame.ParseError naming the file.
func TestParquetTruncated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.parquet")
	writePandasLike(t, path)
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for n := 0; n < len(full); n++ {
		r, err := frame.NewParquetReader(bytes.NewReader(full[:n]), "cut.parquet", frame.ParquetOptions{Allocator: mem})
		if err == nil {
			for r.Next() {
			}
			err = r.Err()
			r.Release()
		}
		var pe *frame.ParseError
		if !errors.As(err, &pe) || pe.File != "cut.parquet" || !strings.HasPrefix(err.Error(), "frame: cut.parquet: ") {
			t.Fatalf("cut to %d bytes: error %v (%T), want a *ParseError naming cut.parquet", n, err, err)
		}
	}
}

func ExampleNewArrowReader() {
	csv := "time,station,temp\n2024-03-01T00:00:00Z,north,1.5\n2024-03-01T01:00:00Z,south,\n"
	f, err := frame.ReadCSV(strings.NewReader(csv), "weather.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var stream bytes.Buffer // what a .arrows file holds
	if err := frame.WriteFile(&stream, frame.FormatArrowStream, f); err != nil {
		fmt.Println(err)
		return
	}
	f.Release()

	r, err := frame.NewArrowReader(&stream, "weather.arrows", frame.ArrowOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	var cols []string
	for _, c := range r.FrameSchema().Columns {
		cols = append(cols, c.Name+" "+c.Kind.String())
	}
	fmt.Println(strings.Join(cols, ", "))
	for r.Next() {
		rec := r.Record() // valid until the next call to Next
		fmt.Println(rec.NumRows(), "rows, temp:", frame.FormatValue(rec.Column(2), 0), frame.FormatValue(rec.Column(2), 1))
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// time time, station text, temp float
	// 2 rows, temp: 1.5
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "weather.parquet")
	f, _ := frame.ReadCSV(strings.NewReader("time,temp\n2024-03-01T00:00:00Z,1.5\n"), "weather.csv", frame.CSVOptions{})
	out, _ := os.Create(path)
	frame.WriteFile(out, frame.FormatParquet, f)
	out.Close()
	f.Release()

	r, err := frame.Open(context.Background(), path, frame.OpenOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release() // closes the file too
	for _, c := range r.FrameSchema().Columns {
		fmt.Println(c.Name, c.Kind)
	}
	for r.Next() {
		fmt.Println(r.Record().NumRows(), "row, lines:", r.Lines())
	}
	// Output:
	// time time
	// temp float
	// 1 row, lines: []
}

// TestParquetCorruptionNeverPanics flips bytes all over a Parquet file:
// every read ends in a *frame.ParseError or succeeds, never a panic.
func TestParquetCorruptionNeverPanics(t *testing.T) {
	f, err := frame.ReadCSV(strings.NewReader("t,a,b,c\n2020-01-01T00:00:00Z,x,1,1.5\n2020-01-01T00:00:01Z,y,2,\n2020-01-01T00:00:02Z,x,,2.5\n"), "in.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	var buf bytes.Buffer
	if err := frame.WriteFile(&buf, frame.FormatParquet, f); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for i := 0; i < len(good); i++ {
		for _, v := range []byte{0x00, 0xff, good[i] ^ 0x55} {
			bad := append([]byte(nil), good...)
			bad[i] = v
			r, err := frame.NewParquetReader(bytes.NewReader(bad), "bad.parquet", frame.ParquetOptions{})
			if err != nil {
				var pe *frame.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("byte %d = %#x: %T %v", i, v, err, err)
				}
				continue
			}
			for r.Next() {
			}
			if err := r.Err(); err != nil {
				var pe *frame.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("byte %d = %#x: %T %v", i, v, err, err)
				}
			}
			r.Release()
		}
	}
}
