package frame

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/float16"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	flatbuffers "github.com/google/flatbuffers/go"
)

// checkedMem returns an allocator that fails the test if anything it
// allocated is still held when the test ends.
func checkedMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// everyKindCSV has a column of each Kind: null, bool, int, float, time,
// text and mixed.
const everyKindCSV = `n,b,i,f,t,s,m
,true,1,1.5,2024-01-01T00:00:00Z,a,1
,false,-2,,2024-01-02T00:00:00Z,,x
,,3,2.25,,b c,2.5
,true,,NaN,2024-01-03T12:00:00.5Z,"q""uote",
,false,5,-1e300,2024-01-04T00:00:00Z,é,7
`

var everyKind = []Kind{KindNull, KindBool, KindInt, KindFloat, KindTime, KindText, KindMixed}

// everyKindFrame reads everyKindCSV in chunks of two rows.
func everyKindFrame(t testing.TB, mem memory.Allocator) *Frame {
	t.Helper()
	f, err := ReadCSV(strings.NewReader(everyKindCSV), "every.csv", CSVOptions{ChunkSize: 2, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// typedFrame holds Arrow types a CSV never produces, in two chunks.
func typedFrame(t testing.TB, mem memory.Allocator) *Frame {
	t.Helper()
	as := arrow.NewSchema([]arrow.Field{
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Paris"}, Nullable: true},
		{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "str", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	// Chunks take the frame schema's Arrow form, metadata included: the
	// writers want records and schema to match exactly.
	s := SchemaFromArrow(as)
	var chunks []arrow.Record
	for c := 0; c < 2; c++ {
		b := array.NewRecordBuilder(mem, s.Arrow())
		for r := 0; r < 3; r++ {
			v := c*3 + r
			if v == 4 {
				for i := range as.Fields() {
					b.Field(i).AppendNull()
				}
				continue
			}
			b.Field(0).(*array.Int8Builder).Append(int8(-v))
			b.Field(1).(*array.Int32Builder).Append(int32(v * 1000))
			b.Field(2).(*array.Uint16Builder).Append(uint16(v))
			b.Field(3).(*array.Uint64Builder).Append(math.MaxUint64 - uint64(v))
			b.Field(4).(*array.Float32Builder).Append(float32(v) / 4)
			b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(1700000000000 + int64(v)))
			b.Field(6).(*array.TimestampBuilder).Append(arrow.Timestamp(1700000000000000000 + int64(v)))
			b.Field(7).(*array.StringBuilder).Append(fmt.Sprint("s", v))
		}
		chunks = append(chunks, b.NewRecord())
		b.Release()
	}
	f, err := New(s, chunks...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		c.Release()
	}
	return f
}

// cells renders every value of a record as FormatValue does.
func cells(rec arrow.Record) [][]string {
	var rows [][]string
	for i := 0; i < int(rec.NumRows()); i++ {
		row := make([]string, rec.NumCols())
		for j, c := range rec.Columns() {
			row[j] = FormatValue(c, i)
		}
		rows = append(rows, row)
	}
	return rows
}

func frameCells(f *Frame) [][]string {
	var rows [][]string
	for _, c := range f.Chunks() {
		rows = append(rows, cells(c)...)
	}
	return rows
}

// readAll drains a ChunkReader, returning its rows as text and the number
// of records.
func readAll(t testing.TB, r ChunkReader) ([][]string, int) {
	t.Helper()
	var rows [][]string
	n := 0
	for r.Next() {
		rec := r.Record()
		if !rec.Schema().Equal(r.FrameSchema().Arrow()) {
			t.Fatalf("record schema %s differs from the frame schema %s", rec.Schema(), r.FrameSchema().Arrow())
		}
		rows = append(rows, cells(rec)...)
		n++
	}
	if err := r.Err(); err != nil {
		t.Fatalf("reading: %v", err)
	}
	return rows, n
}

func writeFile(t testing.TB, dir, name string, format Format, f *Frame) string {
	t.Helper()
	path := filepath.Join(dir, name)
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := WriteFile(fh, format, f); err != nil {
		t.Fatal(err)
	}
	return path
}

// onlyReader (csvreader_test.go) hides every method but Read, as a pipe would.

func TestReadersRoundTrip(t *testing.T) {
	type opener func(t *testing.T, path string, mem memory.Allocator) ChunkReader
	openArrow := func(seekable bool) opener {
		return func(t *testing.T, path string, mem memory.Allocator) ChunkReader {
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fh.Close() })
			var in io.Reader = fh
			if !seekable {
				in = onlyReader{fh}
			}
			r, err := NewArrowReader(in, filepath.Base(path), ArrowOptions{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	openParquet := func(batch int) opener {
		return func(t *testing.T, path string, mem memory.Allocator) ChunkReader {
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fh.Close() })
			r, err := NewParquetReader(fh, filepath.Base(path), ParquetOptions{BatchSize: batch, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	frames := []struct {
		name  string
		build func(testing.TB, memory.Allocator) *Frame
	}{
		{"every-kind", everyKindFrame},
		{"typed", typedFrame},
	}
	formats := []struct {
		name    string
		format  Format
		ext     string
		open    opener
		records func(f *Frame) int // records expected back
	}{
		{"arrow-file", FormatArrow, ".arrow", openArrow(true), (*Frame).NumChunks},
		{"arrow-file-unseekable", FormatArrow, ".feather", openArrow(false), (*Frame).NumChunks},
		{"arrow-stream", FormatArrowStream, ".arrows", openArrow(false), (*Frame).NumChunks},
		{"arrow-stream-seekable", FormatArrowStream, ".arrows", openArrow(true), (*Frame).NumChunks},
		{"parquet", FormatParquet, ".parquet", openParquet(0), func(*Frame) int { return 1 }},
		{"parquet-batch-2", FormatParquet, ".parquet", openParquet(2),
			func(f *Frame) int { return int(f.NumRows()+1) / 2 }},
	}
	for _, fr := range frames {
		for _, fm := range formats {
			t.Run(fr.name+"/"+fm.name, func(t *testing.T) {
				mem := checkedMem(t)
				src := fr.build(t, mem)
				defer src.Release()
				path := writeFile(t, t.TempDir(), fr.name+fm.ext, fm.format, src)
				r := fm.open(t, path, mem)
				defer r.Release()
				got, n := readAll(t, r)
				if want := frameCells(src); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("values\n got %q\nwant %q", got, want)
				}
				if want := fm.records(src); n != want {
					t.Errorf("%d records, want %d", n, want)
				}
				if r.Lines() != nil {
					t.Errorf("Lines() = %v, want nil", r.Lines())
				}
				fs := r.FrameSchema()
				for i, c := range src.Schema().Columns {
					g := fs.Columns[i]
					if g.Name != c.Name || g.Kind != c.Kind || g.Role != RoleNone {
						t.Errorf("column %d: got %s %s %q, want %s %s none", i, g.Name, g.Kind, g.Role, c.Name, c.Kind)
					}
				}
			})
		}
	}
}

// A frame written after normalisation carries roles: readers report none,
// for the transform stage to decide again.
func TestReaderRolesNone(t *testing.T) {
	mem := checkedMem(t)
	src := everyKindFrame(t, mem)
	defer src.Release()
	cols := append([]Column(nil), src.Schema().Columns...)
	for i := range cols {
		cols[i].Role = RoleTag
	}
	s, err := NewSchema(cols, "m1", src.Schema().Arrow())
	if err != nil {
		t.Fatal(err)
	}
	var chunks []arrow.Record
	for _, c := range src.Chunks() {
		chunks = append(chunks, array.NewRecord(s.Arrow(), c.Columns(), c.NumRows()))
	}
	tagged, err := New(s, chunks...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		c.Release()
	}
	defer tagged.Release()
	var buf bytes.Buffer
	if err := WriteFile(&buf, FormatArrowStream, tagged); err != nil {
		t.Fatal(err)
	}
	r, err := NewArrowReader(&buf, "tagged.arrows", ArrowOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	for _, c := range r.FrameSchema().Columns {
		if c.Role != RoleNone {
			t.Errorf("%s: role %q, want none", c.Name, c.Role)
		}
	}
	if m := r.FrameSchema().Measurement; m != "m1" {
		t.Errorf("measurement %q, want m1", m)
	}
}

// streamBytes writes records with one schema as an IPC stream, or an IPC
// file when file is set, with extra writer options.
func streamBytes(t testing.TB, file bool, recs []arrow.Record, opts ...ipc.Option) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts = append(opts, ipc.WithSchema(recs[0].Schema()))
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	if file {
		fw, err := ipc.NewFileWriter(&offsetWriter{w: &buf}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	} else {
		w = ipc.NewWriter(&buf, opts...)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func record(t testing.TB, mem memory.Allocator, fields []arrow.Field, cols ...arrow.Array) arrow.Record {
	t.Helper()
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, -1)
	for _, c := range cols {
		c.Release()
	}
	return rec
}

func dictArray(t testing.TB, mem memory.Allocator, dt *arrow.DictionaryType, indices, dict arrow.Array) arrow.Array {
	t.Helper()
	d := array.NewDictionaryArray(dt, indices, dict)
	indices.Release()
	dict.Release()
	return d
}

// TestArrowConversions covers the columns the reader converts: what comes
// out must be the types the transform stage takes.
func TestArrowConversions(t *testing.T) {
	checked := checkedMem(t)
	rec1, rec2 := conversionRecords(t, checked)
	defer rec1.Release()
	defer rec2.Release()
	// arrow's IPC FileWriter never releases the dictionaries it remembers:
	// the file case gets records of its own from an unchecked allocator.
	frec1, _ := conversionRecords(t, memory.NewGoAllocator())
	wantTypes := []arrow.DataType{arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64, tsNanoUTC, tsNanoUTC, tsNanoUTC,
		arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String, arrow.BinaryTypes.String}
	wantKinds := []Kind{KindText, KindInt, KindTime, KindTime, KindTime, KindFloat, KindFloat, KindText, KindText}
	want := [][]string{
		{"red", "-8", "2024-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "1.5", "123.45", "large", "raw"},
		{"green", "", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "", "-2", "-0.05", "", ""},
		{"", "7", "", "", "1969-12-31T00:00:00Z", "", "", "", "x"},
		{"blue", "9", "1970-01-02T00:00:00Z", "1970-01-02T00:00:00Z", "1970-01-01T00:00:00Z", "0.25", "0.01", "z", "y"},
	}
	twice := append(append([][]string(nil), want[:3]...), want[:3]...)
	mem := checked
	for _, tc := range []struct {
		name string
		data []byte
		want [][]string
	}{
		{"stream-deltas", streamBytes(t, false, []arrow.Record{rec1, rec2}, ipc.WithDictionaryDeltas(true), ipc.WithAllocator(mem)), want},
		{"stream-replacements", streamBytes(t, false, []arrow.Record{rec1, rec2}, ipc.WithAllocator(mem)), want},
		{"stream-lz4", streamBytes(t, false, []arrow.Record{rec1, rec2}, ipc.WithLZ4(), ipc.WithAllocator(mem)), want},
		{"stream-zstd", streamBytes(t, false, []arrow.Record{rec1, rec2}, ipc.WithZstd(), ipc.WithAllocator(mem)), want},
		// IPC files allow one dictionary per field.
		{"file-zstd", streamBytes(t, true, []arrow.Record{frec1, frec1}, ipc.WithZstd()), twice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewArrowReader(bytes.NewReader(tc.data), "conv.arrows", ArrowOptions{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			for i, c := range r.FrameSchema().Columns {
				if typ := r.Schema().Field(i).Type; !arrow.TypeEqual(typ, wantTypes[i]) || c.Kind != wantKinds[i] {
					t.Errorf("%s: %s %s, want %s %s", c.Name, typ, c.Kind, wantTypes[i], wantKinds[i])
				}
			}
			got, n := readAll(t, r)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("values\n got %q\nwant %q", got, tc.want)
			}
			if n != 2 {
				t.Errorf("%d records, want 2", n)
			}
		})
	}
}

// conversionRecords returns two batches of columns that the reader
// converts; the second extends the dictionaries of the first.
func conversionRecords(t testing.TB, mem memory.Allocator) (arrow.Record, arrow.Record) {
	strs := func(vs ...string) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for _, v := range vs {
			if v == "<nil>" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewArray()
	}
	ints := func(b array.Builder, vs ...any) arrow.Array {
		defer b.Release()
		for _, v := range vs {
			if v == nil {
				b.AppendNull()
				continue
			}
			switch b := b.(type) {
			case *array.Int8Builder:
				b.Append(int8(v.(int)))
			case *array.Uint16Builder:
				b.Append(uint16(v.(int)))
			case *array.Int32Builder:
				b.Append(int32(v.(int)))
			case *array.Int64Builder:
				b.Append(int64(v.(int)))
			case *array.Date32Builder:
				b.Append(arrow.Date32(v.(int)))
			case *array.Date64Builder:
				b.Append(arrow.Date64(v.(int)))
			}
		}
		return b.NewArray()
	}
	day := 19723 // 2024-01-01
	catType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	numType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint16, ValueType: arrow.PrimitiveTypes.Int64}
	dateDict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.FixedWidthTypes.Date32}

	f16 := array.NewFloat16Builder(mem)
	f16.AppendValues([]float16.Num{float16.New(1.5), float16.New(-2)}, nil)
	f16.AppendNull()
	dec := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 10, Scale: 2})
	dec.AppendValues([]decimal128.Num{decimal128.FromI64(12345), decimal128.FromI64(-5)}, nil)
	dec.AppendNull()
	ls := array.NewLargeStringBuilder(mem)
	ls.AppendValues([]string{"large", ""}, []bool{true, true})
	ls.AppendNull()
	bin := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	bin.AppendValues([][]byte{[]byte("raw"), nil}, []bool{true, false})
	bin.Append([]byte("x"))

	fields := []arrow.Field{
		{Name: "cat", Type: catType, Nullable: true},
		{Name: "num", Type: numType, Nullable: true},
		{Name: "dday", Type: dateDict, Nullable: true},
		{Name: "d32", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "d64", Type: arrow.FixedWidthTypes.Date64, Nullable: true},
		{Name: "f16", Type: arrow.FixedWidthTypes.Float16, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}
	rec1 := record(t, mem, fields,
		dictArray(t, mem, catType, ints(array.NewInt8Builder(mem), 0, 1, nil), strs("red", "green")),
		dictArray(t, mem, numType, ints(array.NewUint16Builder(mem), 1, nil, 0), ints(array.NewInt64Builder(mem), 7, -8)),
		dictArray(t, mem, dateDict, ints(array.NewInt32Builder(mem), 0, 0, 1), ints(array.NewDate32Builder(mem), day, nil)),
		ints(array.NewDate32Builder(mem), 0, day, nil),
		ints(array.NewDate64Builder(mem), day*86400000, nil, -86400000),
		f16.NewArray(), dec.NewArray(), ls.NewArray(), bin.NewArray(),
	)
	f16.Release()
	dec.Release()
	ls.Release()
	bin.Release()
	// The second batch extends the dictionaries: written as deltas.
	f16 = array.NewFloat16Builder(mem)
	f16.Append(float16.New(0.25))
	dec = array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 10, Scale: 2})
	dec.Append(decimal128.FromI64(1))
	ls = array.NewLargeStringBuilder(mem)
	ls.Append("z")
	bin = array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	bin.Append([]byte("y"))
	rec2 := record(t, mem, fields,
		dictArray(t, mem, catType, ints(array.NewInt8Builder(mem), 2), strs("red", "green", "blue")),
		dictArray(t, mem, numType, ints(array.NewUint16Builder(mem), 2), ints(array.NewInt64Builder(mem), 7, -8, 9)),
		dictArray(t, mem, dateDict, ints(array.NewInt32Builder(mem), 2), ints(array.NewDate32Builder(mem), day, nil, 1)),
		ints(array.NewDate32Builder(mem), 1),
		ints(array.NewDate64Builder(mem), 0),
		f16.NewArray(), dec.NewArray(), ls.NewArray(), bin.NewArray(),
	)
	f16.Release()
	dec.Release()
	ls.Release()
	bin.Release()
	return rec1, rec2
}

// Nested columns come out as JSON text, NaN included (arrow's own
// ValueStr panics on it).
func TestArrowNestedAsText(t *testing.T) {
	mem := checkedMem(t)
	lt := arrow.ListOf(arrow.PrimitiveTypes.Float64)
	st := arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true})
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
	vb := lb.ValueBuilder().(*array.Float64Builder)
	lb.Append(true)
	vb.AppendValues([]float64{1.5, math.NaN()}, nil)
	vb.AppendNull()
	lb.AppendNull()
	lb.Append(true)
	sb := array.NewStructBuilder(mem, st)
	sb.Append(true)
	sb.FieldBuilder(0).(*array.Int64Builder).Append(1)
	sb.FieldBuilder(1).(*array.StringBuilder).Append(`x"y`)
	sb.Append(true)
	sb.FieldBuilder(0).(*array.Int64Builder).AppendNull()
	sb.FieldBuilder(1).(*array.StringBuilder).Append("")
	sb.AppendNull()
	rec := record(t, mem, []arrow.Field{{Name: "l", Type: lt, Nullable: true}, {Name: "s", Type: st, Nullable: true}},
		lb.NewArray(), sb.NewArray())
	lb.Release()
	sb.Release()
	defer rec.Release()
	r, err := NewArrowReader(bytes.NewReader(streamBytes(t, false, []arrow.Record{rec})), "nested.arrows", ArrowOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	got, _ := readAll(t, r)
	want := [][]string{{"[1.5,NaN,null]", `{"a":1,"b":"x\"y"}`}, {"", `{"a":null,"b":""}`}, {"[]", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, c := range r.FrameSchema().Columns {
		if c.Kind != KindText {
			t.Errorf("%s: kind %s, want text", c.Name, c.Kind)
		}
	}
}

func TestArrowReaderErrors(t *testing.T) {
	mem := checkedMem(t)
	date := func(days int32) []byte {
		b := array.NewDate32Builder(mem)
		b.Append(arrow.Date32(days))
		rec := record(t, mem, []arrow.Field{{Name: "day", Type: arrow.FixedWidthTypes.Date32}}, b.NewArray())
		b.Release()
		defer rec.Release()
		return streamBytes(t, false, []arrow.Record{rec})
	}
	ree := func() []byte {
		re := array.NewInt32Builder(mem)
		re.Append(2)
		vals := array.NewInt64Builder(mem)
		vals.Append(5)
		rea, va := re.NewArray(), vals.NewArray()
		re.Release()
		vals.Release()
		arr := array.NewRunEndEncodedArray(rea, va, 2, 0)
		rea.Release()
		va.Release()
		rec := record(t, mem, []arrow.Field{{Name: "ok", Type: arrow.PrimitiveTypes.Int64}}, func() arrow.Array {
			b := array.NewInt64Builder(mem)
			defer b.Release()
			b.AppendValues([]int64{1, 2}, nil)
			return b.NewArray()
		}())
		defer rec.Release()
		rec2 := array.NewRecord(arrow.NewSchema([]arrow.Field{rec.Schema().Field(0), {Name: "runs", Type: arr.DataType()}}, nil),
			[]arrow.Array{rec.Column(0), arr}, 2)
		arr.Release()
		defer rec2.Release()
		return streamBytes(t, false, []arrow.Record{rec2})
	}
	dupNames := func() []byte {
		b := array.NewInt64Builder(mem)
		b.Append(1)
		a := b.NewArray()
		b.Release()
		a.Retain()
		rec := record(t, mem, []arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}, {Name: "x", Type: arrow.PrimitiveTypes.Int64}}, a, a)
		defer rec.Release()
		return streamBytes(t, false, []arrow.Record{rec})
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		column string
		cause  error
		msg    string
	}{
		{"empty", nil, "", nil, "schema"},
		{"not arrow", []byte("time,value\n1,2\n"), "", ErrCorrupt, ""},
		{"date beyond 2262", date(200000), "day", ErrBadValue, "2517-08-01"},
		{"date before 1677", date(-200000), "day", ErrBadValue, "outside the years"},
		{"run-end encoded", ree(), "runs", ErrUnsupportedType, "run-end encoded"},
		{"duplicate names", dupNames(), "x", ErrDupColumn, "also column 1"},
		{"truncated file", []byte("ARROW1\x00\x00\xff\xff\xff\xff"), "", ErrCorrupt, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := readArrowErr(bytes.NewReader(tc.data), "bad.arrows", mem)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *ParseError", err, err)
			}
			if pe.File != "bad.arrows" || pe.ColumnName != tc.column {
				t.Errorf("error %v: file %q column %q, want bad.arrows %q", err, pe.File, pe.ColumnName, tc.column)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %v does not wrap %v", err, tc.cause)
			}
			if !strings.HasPrefix(err.Error(), "frame: bad.arrows") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want it to start with %q and mention %q", err, "frame: bad.arrows", tc.msg)
			}
		})
	}
}

// readArrowErr reads everything from r and returns the first error.
func readArrowErr(r io.Reader, name string, mem memory.Allocator) error {
	ar, err := NewArrowReader(r, name, ArrowOptions{Allocator: mem})
	if err != nil {
		return err
	}
	defer ar.Release()
	for ar.Next() {
		cells(ar.Record()) // every value must be readable
	}
	return ar.Err()
}

// checkCorruptErr fails unless err is nil or a *ParseError naming the
// file, and not a panic that the arrow library recovered itself: the checks
// in front of it must have caught the input first.
func checkCorruptErr(t testing.TB, err error, name string) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != name {
		t.Fatalf("error %v (%T), want a *ParseError naming %s", err, err, name)
	}
	if strings.Contains(err.Error(), "unknown error while reading") {
		t.Fatalf("the arrow library panicked (and recovered): %v", err)
	}
}

// TestArrowCorrupt truncates IPC files and streams at every byte, flips
// every byte and overwrites every aligned word with extreme lengths: every
// outcome is rows or a *ParseError naming the file, never a panic.
func TestArrowCorrupt(t *testing.T) {
	mem := checkedMem(t)
	src := everyKindFrame(t, mem)
	defer src.Release()
	typed := typedFrame(t, mem)
	defer typed.Release()
	stride := 1
	if testing.Short() {
		stride = 7
	}
	for _, in := range []struct {
		name       string
		file, comp bool
		step       int // arrow makes a zstd decoder per batch: slow
		data       []byte
	}{
		{"stream", false, false, 1, streamBytes(t, false, src.Chunks(), ipc.WithAllocator(mem))},
		{"file", true, false, 1, streamBytes(t, true, src.Chunks(), ipc.WithAllocator(mem))},
		{"stream-lz4", false, true, 1, streamBytes(t, false, typed.Chunks(), ipc.WithLZ4(), ipc.WithAllocator(mem))},
		{"file-zstd", true, true, 3, streamBytes(t, true, src.Chunks(), ipc.WithZstd(), ipc.WithAllocator(mem))},
	} {
		t.Run(in.name, func(t *testing.T) {
			stride := stride * in.step
			full := in.data
			name := in.name + ".arrow"
			for n := 0; n < len(full); n += stride {
				for _, seekable := range []bool{false, true} {
					if seekable && in.comp {
						continue
					}
					var r io.Reader = bytes.NewReader(full[:n])
					if !seekable {
						r = onlyReader{r}
					}
					err := readArrowErr(r, name, mem)
					checkCorruptErr(t, err, name)
					if in.file && err == nil {
						t.Fatalf("file truncated to %d of %d bytes read without error", n, len(full))
					}
				}
			}
			damaged := make([]byte, len(full))
			try := func() {
				checkCorruptErr(t, readArrowErr(onlyReader{bytes.NewReader(damaged)}, name, mem), name)
			}
			for i := 0; i < len(full); i += stride {
				copy(damaged, full)
				damaged[i] ^= 0xff
				try()
			}
			words := []uint64{0, 1, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 40, 1<<63 - 1, 1 << 63, 1<<64 - 1}
			for i := 0; i+8 <= len(full); i += 4 * stride {
				for _, w := range words {
					copy(damaged, full)
					binary.LittleEndian.PutUint64(damaged[i:], w)
					try()
				}
			}
		})
	}
}

// FuzzArrowStream feeds arbitrary bytes to NewArrowReader as a stream
// (nothing to seek) and reads every value of every record: it must never
// panic, nor let the arrow library panic and recover, and must return every
// byte it allocated.
func FuzzArrowStream(f *testing.F) {
	mem := memory.NewGoAllocator()
	src, err := ReadCSV(strings.NewReader(everyKindCSV), "every.csv", CSVOptions{ChunkSize: 2})
	if err != nil {
		f.Fatal(err)
	}
	typed := typedFrame(f, mem)
	b := array.NewStringBuilder(mem)
	b.AppendValues([]string{"a", "b"}, nil)
	dict := b.NewArray()
	b.Release()
	ib := array.NewInt8Builder(mem)
	ib.AppendValues([]int8{1, 0, 1}, []bool{true, false, true})
	idx := ib.NewArray()
	ib.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	drec := record(f, mem, []arrow.Field{{Name: "cat", Type: dt, Nullable: true}}, dictArray(f, mem, dt, idx, dict))
	for _, fr := range []*Frame{src, typed} {
		f.Add(streamBytes(f, false, fr.Chunks()))
		f.Add(streamBytes(f, false, fr.Chunks(), ipc.WithLZ4()))
		f.Add(streamBytes(f, false, fr.Chunks(), ipc.WithZstd()))
		f.Add(streamBytes(f, true, fr.Chunks()))
	}
	f.Add(streamBytes(f, false, []arrow.Record{drec, drec}, ipc.WithDictionaryDeltas(true)))
	f.Add([]byte{})
	f.Add([]byte("ARROW1\x00\x00"))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0})
	src.Release()
	typed.Release()
	drec.Release()
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		err := readArrowErr(onlyReader{bytes.NewReader(data)}, "fuzz.arrows", mem)
		checkCorruptErr(t, err, "fuzz.arrows")
		mem.AssertSize(t, 0)
	})
}

// benchFrame is a frame of n rows shaped like a sensor export: a timestamp,
// a category (dictionary-encoded when dict is set), two floats, an integer
// and a text column, in chunks of DefaultChunkSize rows.
func benchFrame(b *testing.B, n int, dict bool) *Frame {
	b.Helper()
	mem := memory.DefaultAllocator
	var dt arrow.DataType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	if !dict {
		dt = arrow.BinaryTypes.String
	}
	as := SchemaFromArrow(arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "station", Type: dt, Nullable: true},
		{Name: "temp", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "humidity", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil))
	var chunks []arrow.Record
	for start := 0; start < n; start += DefaultChunkSize {
		rb := array.NewRecordBuilder(mem, as.Arrow())
		for i := start; i < min(n, start+DefaultChunkSize); i++ {
			rb.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(1700000000e9 + int64(i)*1e9))
			station := []string{"north", "south", "east", "west"}[i%4]
			if dict {
				rb.Field(1).(*array.BinaryDictionaryBuilder).AppendString(station)
			} else {
				rb.Field(1).(*array.StringBuilder).Append(station)
			}
			rb.Field(2).(*array.Float64Builder).Append(float64(i%400) / 10)
			rb.Field(3).(*array.Float64Builder).Append(float64(i % 100))
			rb.Field(4).(*array.Int64Builder).Append(int64(i))
			rb.Field(5).(*array.StringBuilder).Append(fmt.Sprintf("reading %d", i))
		}
		chunks = append(chunks, rb.NewRecord())
		rb.Release()
	}
	f, err := New(as, chunks...)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range chunks {
		c.Release()
	}
	return f
}

func benchmarkArrow(b *testing.B, format Format) {
	src := benchFrame(b, 200_000, true)
	var buf bytes.Buffer
	if err := WriteFile(&buf, format, src); err != nil {
		b.Fatal(err)
	}
	src.Release()
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewArrowReader(bytes.NewReader(data), "bench.arrow", ArrowOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rows := int64(0)
		for r.Next() {
			rows += r.Record().NumRows()
		}
		if err := r.Err(); err != nil || rows != 200_000 {
			b.Fatalf("%d rows, %v", rows, err)
		}
		r.Release()
	}
}

func BenchmarkArrowReaderFile(b *testing.B)   { benchmarkArrow(b, FormatArrow) }
func BenchmarkArrowReaderStream(b *testing.B) { benchmarkArrow(b, FormatArrowStream) }

func BenchmarkParquetReader(b *testing.B) {
	// pqarrow v15 fails to write large dictionary columns ("index out of
	// range"): the category is plain text here.
	src := benchFrame(b, 200_000, false)
	var buf bytes.Buffer
	if err := WriteFile(&buf, FormatParquet, src); err != nil {
		b.Fatal(err)
	}
	src.Release()
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewParquetReader(bytes.NewReader(data), "bench.parquet", ParquetOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rows := int64(0)
		for r.Next() {
			rows += r.Record().NumRows()
		}
		if err := r.Err(); err != nil || rows != 200_000 {
			b.Fatalf("%d rows, %v", rows, err)
		}
		r.Release()
	}
}

// TestParquetGuards covers the metadata the parquet library trusts and
// that the reader checks first: without the checks, the first two crash
// the process (a nil dereference in a goroutine of the library's, an
// allocation of the claimed size) and the third runs out of memory.
func TestParquetGuards(t *testing.T) {
	mem := checkedMem(t)
	src := everyKindFrame(t, mem)
	defer src.Release()
	var buf bytes.Buffer
	if err := WriteFile(&buf, FormatParquet, src); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	open := func(t *testing.T) *file.Reader {
		pf, err := file.NewParquetReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return pf
	}
	t.Run("column chunk without metadata", func(t *testing.T) {
		md := open(t).MetaData()
		md.RowGroups[0].Columns[3].MetaData = nil
		if err := checkParquetMeta(md, int64(len(data))); !errors.Is(err, ErrCorrupt) {
			t.Errorf("error %v, want ErrCorrupt", err)
		}
	})
	t.Run("column chunk beyond the file", func(t *testing.T) {
		md := open(t).MetaData()
		md.RowGroups[0].Columns[1].MetaData.TotalCompressedSize = 1 << 40
		if err := checkParquetMeta(md, int64(len(data))); !errors.Is(err, ErrCorrupt) {
			t.Errorf("error %v, want ErrCorrupt", err)
		}
	})
	t.Run("valid", func(t *testing.T) {
		md := open(t).MetaData()
		if err := checkParquetMeta(md, int64(len(data))); err != nil {
			t.Error(err)
		}
		if err := checkStoredSchema(md); err != nil {
			t.Error(err)
		}
	})
	t.Run("stored schema", func(t *testing.T) {
		// A schema message whose field vector claims 2^31 fields.
		b := flatbuffers.NewBuilder(64)
		b.StartVector(4, 0, 4)
		fields := b.EndVector(0)
		b.StartObject(4)
		b.PrependUOffsetTSlot(1, fields, 0)
		schema := b.EndObject()
		b.StartObject(5)
		b.PrependInt16Slot(0, 4, 0)
		b.PrependByteSlot(1, 1, 0)
		b.PrependUOffsetTSlot(2, schema, 0)
		b.Finish(b.EndObject())
		meta := b.FinishedBytes()
		at := len(meta) - int(fields) // offsets count from the buffer's end
		binary.LittleEndian.PutUint32(meta[at:], 1<<31-1)
		msg := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 0xFFFFFFFF), uint32(len(meta)))
		msg = append(msg, meta...)
		md := open(t).MetaData()
		for _, kv := range md.FileMetaData.KeyValueMetadata {
			if kv.Key == "ARROW:schema" {
				v := base64.StdEncoding.EncodeToString(msg)
				kv.Value = &v
			}
		}
		if err := checkStoredSchema(md); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "vector of 2147483647") {
			t.Errorf("error %v, want ErrCorrupt about the vector", err)
		}
	})
}

// readArrowFileBound is the most one ReadArrowFile call may allocate on a
// damaged copy of a file of a few KB. Without the checks, lengths read
// from the damaged file are allocated as they claim: gigabytes.
const readArrowFileBound = 64 << 20

// TestReadArrowFileCorruption writes a small Arrow file (two record
// batches; int64, float64, string with nulls, timestamp, bool and
// dictionary columns) and damages every byte of it three ways: each time
// ReadArrowFile returns a frame whose every value can be read or a
// *ParseError naming the file and wrapping ErrCorrupt or
// ErrUnsupportedType, never panics nor crashes, and allocates at most
// readArrowFileBound. The intact file reads back as it was written,
// types and roles included.
func TestReadArrowFileCorruption(t *testing.T) {
	build := memory.NewGoAllocator()
	catType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	as := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "cat", Type: catType, Nullable: true},
	}, nil)
	cols := SchemaFromArrow(as).Columns
	cols[3].Role = RoleTime
	schema, err := NewSchema(cols, "m", as)
	if err != nil {
		t.Fatal(err)
	}
	var chunks []arrow.Record
	for c := 0; c < 2; c++ {
		ib := array.NewInt64Builder(build)
		fb := array.NewFloat64Builder(build)
		sb := array.NewStringBuilder(build)
		tb := array.NewTimestampBuilder(build, as.Field(3).Type.(*arrow.TimestampType))
		bb := array.NewBooleanBuilder(build)
		xb := array.NewInt16Builder(build)
		for r := 0; r < 4; r++ {
			v := c*4 + r
			ib.Append(int64(v) - 3)
			fb.Append(float64(v) / 8)
			if v%3 == 1 {
				sb.AppendNull()
				xb.AppendNull()
			} else {
				sb.Append(strings.Repeat("é", v))
				xb.Append(int16(v % 3))
			}
			tb.Append(arrow.Timestamp(1700000000000000000 + int64(v)*1e9))
			bb.Append(v%2 == 0)
		}
		db := array.NewStringBuilder(build)
		db.AppendValues([]string{"red", "green", "blue"}, nil) // the same in both batches
		arrs := []arrow.Array{ib.NewArray(), fb.NewArray(), sb.NewArray(), tb.NewArray(), bb.NewArray(),
			dictArray(t, build, catType, xb.NewArray(), db.NewArray())}
		for _, b := range []array.Builder{ib, fb, sb, tb, bb, xb, db} {
			b.Release()
		}
		// The records take the frame schema's Arrow form, metadata included.
		chunks = append(chunks, array.NewRecord(schema.Arrow(), arrs, -1))
		for _, a := range arrs {
			a.Release()
		}
	}
	src, err := New(schema, chunks...)
	for _, c := range chunks {
		c.Release()
	}
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	var buf bytes.Buffer
	if err := WriteFile(&buf, FormatArrow, src); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	dir := t.TempDir()
	mem := checkedMem(t)

	t.Run("intact", func(t *testing.T) {
		path := filepath.Join(dir, "intact.arrow")
		if err := os.WriteFile(path, full, 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := ReadArrowFile(path, mem)
		if err != nil {
			t.Fatal(err)
		}
		defer back.Release()
		if got, want := fmt.Sprint(frameCells(back)), fmt.Sprint(frameCells(src)); got != want {
			t.Errorf("values\n got %s\nwant %s", got, want)
		}
		if back.NumChunks() != 2 || !sameFields(back.Schema().Arrow(), as) {
			t.Errorf("%d chunks of %s, want 2 of %s", back.NumChunks(), back.Schema().Arrow(), as)
		}
		if s := back.Schema(); s.Columns[3].Role != RoleTime || s.Measurement != "m" {
			t.Errorf("roles and measurement %v %q, want time on column t and m", s.Columns, s.Measurement)
		}
	})

	t.Run("damaged", func(t *testing.T) {
		stride := 1
		if testing.Short() {
			stride = 7
		}
		patterns := []struct {
			name   string
			damage func(byte) byte
		}{
			{"xor 0xff", func(b byte) byte { return b ^ 0xff }},
			{"xor 0x01", func(b byte) byte { return b ^ 0x01 }},
			{"set 0x7f", func(byte) byte { return 0x7f }},
		}
		path := filepath.Join(dir, "damaged.arrow")
		damaged := make([]byte, len(full))
		var ms runtime.MemStats
		var most uint64 // the most one call allocated
		read := func(at int, pattern string) {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("byte %d, %s: panic: %v", at, pattern, p)
				}
			}()
			runtime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			f, err := ReadArrowFile(path, mem)
			runtime.ReadMemStats(&ms)
			n := ms.TotalAlloc - before
			if n > readArrowFileBound {
				t.Fatalf("byte %d, %s: ReadArrowFile allocated %d MiB for a %d-byte file", at, pattern, n>>20, len(full))
			}
			most = max(most, n)
			if err != nil {
				checkCorruptErr(t, err, path)
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedType) {
					t.Fatalf("byte %d, %s: error %v wraps neither ErrCorrupt nor ErrUnsupportedType", at, pattern, err)
				}
				return
			}
			frameCells(f) // every value must be readable
			f.Release()
		}
		calls := 0
		for at := 0; at < len(full); at += stride {
			for _, p := range patterns {
				copy(damaged, full)
				if damaged[at] = p.damage(full[at]); damaged[at] == full[at] {
					continue
				}
				if err := os.WriteFile(path, damaged, 0o644); err != nil {
					t.Fatal(err)
				}
				read(at, p.name)
				calls++
			}
		}
		t.Logf("%d damaged copies of a %d-byte file read, allocating at most %d KiB each", calls, len(full), most>>10)
	})
}
