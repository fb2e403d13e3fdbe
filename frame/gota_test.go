package frame_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/influxframe/influxframe/frame"
)

// allTypes builds, in chunks of two rows, the frame that query's decoder
// makes of query/testdata/all_types.csv, plus narrow numeric columns.
func allTypes(t *testing.T, mem memory.Allocator) *frame.Frame {
	t.Helper()
	ts := func(s string) arrow.Timestamp {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return arrow.Timestamp(v.UnixNano())
	}
	valid := []bool{true, true, false, true}
	var arrs []arrow.Array
	var fields []arrow.Field
	add := func(name string, b array.Builder, appendValues func()) {
		appendValues()
		arrs = append(arrs, b.NewArray())
		fields = append(fields, arrow.Field{Name: name, Type: arrs[len(arrs)-1].DataType(), Nullable: true})
		b.Release()
	}
	str := func(name string, vals []string, valid []bool) {
		b := array.NewStringBuilder(mem)
		add(name, b, func() { b.AppendValues(vals, valid) })
	}
	str("result", []string{"_result", "_result", "_result", "_result"}, nil)
	{
		b := array.NewInt64Builder(mem)
		add("table", b, func() { b.AppendValues([]int64{0, 0, 0, 0}, nil) })
	}
	{
		b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"})
		add("_time", b, func() {
			b.AppendValues([]arrow.Timestamp{ts("2021-01-01T00:00:00.123456789Z"), ts("2021-01-01T00:00:01Z"),
				0, ts("2021-01-01T02:00:00+02:00")}, valid)
		})
	}
	{
		b := array.NewFloat64Builder(mem)
		add("d", b, func() { b.AppendValues([]float64{1.25, math.NaN(), 0, math.Inf(1)}, valid) })
	}
	{
		b := array.NewInt64Builder(mem)
		add("l", b, func() { b.AppendValues([]int64{-42, 0, 0, math.MaxInt64}, valid) })
	}
	{
		b := array.NewUint64Builder(mem)
		add("u", b, func() { b.AppendValues([]uint64{math.MaxUint64, 0, 0, 1}, valid) })
	}
	{
		b := array.NewBooleanBuilder(mem)
		add("b", b, func() { b.AppendValues([]bool{true, false, false, true}, valid) })
	}
	str("s", []string{"hello", `with, comma "quoted"`, "", "multi\nline"}, valid)
	{
		b := array.NewDurationBuilder(mem, &arrow.DurationType{Unit: arrow.Nanosecond})
		add("dur", b, func() {
			b.AppendValues([]arrow.Duration{1500000000, arrow.Duration(90 * time.Minute), 0,
				arrow.Duration(48 * time.Hour)}, valid)
		})
	}
	{
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		add("bin", b, func() { b.AppendValues([][]byte{[]byte("hello"), nil, nil, {0}}, []bool{true, false, false, true}) })
	}
	str("tag", []string{"x", "dflt", "y", "z"}, nil)
	{
		b := array.NewInt32Builder(mem)
		add("i32", b, func() { b.AppendValues([]int32{-7, 0, 0, math.MaxInt32}, valid) })
	}
	{
		b := array.NewFloat32Builder(mem)
		add("f32", b, func() { b.AppendValues([]float32{0.5, -1, 0, 2}, valid) })
	}
	{
		b := array.NewUint64Builder(mem)
		add("u_small", b, func() { b.AppendValues([]uint64{1, 2, 0, 3}, valid) })
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, 4)
	for _, a := range arrs {
		a.Release()
	}
	defer rec.Release()
	s := frame.SchemaFromArrow(rec.Schema())
	c1, c2 := rec.NewSlice(0, 2), rec.NewSlice(2, 4)
	defer c1.Release()
	defer c2.Release()
	f, err := frame.New(s, c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestToDataFrame(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f := allTypes(t, mem)
	defer f.Release()
	df := frame.ToDataFrame(f)
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	if df.Nrow() != 4 || df.Ncol() != 14 {
		t.Fatalf("%d x %d", df.Nrow(), df.Ncol())
	}
	wantTypes := map[string]series.Type{
		"result": series.String, "table": series.Int, "_time": series.String, "d": series.Float,
		"l": series.Int, "u": series.String, "b": series.Bool, "s": series.String, "dur": series.Int,
		"bin": series.String, "tag": series.String, "i32": series.Int, "f32": series.Float,
		"u_small": series.Int,
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
	if got := df.Col("bin").Elem(0).String(); got != "aGVsbG8=" {
		t.Errorf("bin[0] = %q", got)
	}
	for name, want := range map[string]interface{}{"i32": math.MaxInt32, "f32": 2.0, "u_small": 3} {
		if got := df.Col(name).Elem(3).Val(); got != want {
			t.Errorf("%s[3] = %v (%T), want %v", name, got, got, want)
		}
	}
	for _, name := range []string{"_time", "d", "l", "b", "s", "dur", "i32", "f32", "u_small"} {
		if !df.Col(name).Elem(2).IsNA() {
			t.Errorf("%s[2] = %v, want NaN (null)", name, df.Col(name).Elem(2))
		}
	}
	if got := df.Col("s").Elem(3).String(); got != "multi\nline" {
		t.Errorf("s[3] = %q", got)
	}

	empty, err := frame.New(frame.SchemaFromArrow(arrow.NewSchema(nil, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Release()
	if df := frame.ToDataFrame(empty); df.Ncol() != 0 {
		t.Errorf("empty frame gives %d columns", df.Ncol())
	}
}

// values returns the values of a frame's column across its chunks, nil
// for nulls.
func values(t *testing.T, f *frame.Frame, name string) []any {
	t.Helper()
	c := f.Schema().Index(name)
	if c < 0 {
		t.Fatalf("no column %q in %v", name, f.Schema().Names())
	}
	out := []any{}
	for _, rec := range f.Chunks() {
		arr := rec.Column(c)
		for i := 0; i < arr.Len(); i++ {
			if arr.IsNull(i) {
				out = append(out, nil)
				continue
			}
			switch a := arr.(type) {
			case *array.Float64:
				out = append(out, a.Value(i))
			case *array.Int64:
				out = append(out, a.Value(i))
			case *array.Boolean:
				out = append(out, a.Value(i))
			case *array.String:
				out = append(out, a.Value(i))
			default:
				t.Fatalf("column %s: unexpected array %T", name, arr)
			}
		}
	}
	return out
}

func TestFromDataFrame(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z", "NaN", "2024-03-01T02:00:00.5+01:00"}, series.String, "time"),
		series.New([]string{"B02512", "B02598", "B02617", "B02512"}, series.String, "base"),
		series.New([]string{"00501", "00544", "01001", "NaN"}, series.String, "zip"),
		series.New([]string{"1.5", " 2 ", "", "Inf"}, series.String, "ratio"),
		series.New([]string{"true", "FALSE", "NaN", "True"}, series.String, "flag"),
		series.New([]string{"", "NaN", "", ""}, series.String, "none"),
		series.New([]float64{1.5, math.NaN(), -2, math.Inf(1)}, series.Float, "temp"),
		series.New([]interface{}{1, nil, 3, math.MinInt64}, series.Int, "count"),
		series.New([]interface{}{true, false, nil, true}, series.Bool, "ok"),
	)
	f, err := frame.FromDataFrame(df)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	if f.NumRows() != 4 || f.NumCols() != 9 || f.NumChunks() != 1 {
		t.Fatalf("%d rows, %d columns, %d chunks", f.NumRows(), f.NumCols(), f.NumChunks())
	}
	if f.Schema().Measurement != "" {
		t.Errorf("measurement %q", f.Schema().Measurement)
	}
	tests := []struct {
		name  string
		kind  frame.Kind
		typ   arrow.DataType
		want  []any
		stats bool // the column has inference Stats
	}{
		{"time", frame.KindTime, arrow.BinaryTypes.String,
			[]any{"2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z", nil, "2024-03-01T02:00:00.5+01:00"}, true},
		{"base", frame.KindText, arrow.BinaryTypes.String, []any{"B02512", "B02598", "B02617", "B02512"}, true},
		// Numbers as text are numbers, as in CSV: declaring the column a
		// tag is the transform stage's business. The text is in the Stats.
		{"zip", frame.KindInt, arrow.PrimitiveTypes.Int64, []any{int64(501), int64(544), int64(1001), nil}, true},
		{"ratio", frame.KindFloat, arrow.PrimitiveTypes.Float64, []any{1.5, 2.0, nil, math.Inf(1)}, true},
		{"flag", frame.KindBool, arrow.FixedWidthTypes.Boolean, []any{true, false, nil, true}, true},
		{"none", frame.KindNull, arrow.BinaryTypes.String, []any{nil, nil, nil, nil}, true},
		{"temp", frame.KindFloat, arrow.PrimitiveTypes.Float64, []any{1.5, nil, -2.0, math.Inf(1)}, false},
		{"count", frame.KindInt, arrow.PrimitiveTypes.Int64, []any{int64(1), nil, int64(3), int64(math.MinInt64)}, false},
		{"ok", frame.KindBool, arrow.FixedWidthTypes.Boolean, []any{true, false, nil, true}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.Schema().Columns[i]
			if c.Name != tt.name || c.Kind != tt.kind || c.Role != frame.RoleNone {
				t.Errorf("column %d = %s %s %q, want %s %s", i, c.Name, c.Kind, c.Role, tt.name, tt.kind)
			}
			if got := f.Schema().Arrow().Field(i).Type; !arrow.TypeEqual(got, tt.typ) {
				t.Errorf("arrow type %s, want %s", got, tt.typ)
			}
			if (c.Stats != nil) != tt.stats {
				t.Errorf("stats %v, want stats: %v", c.Stats, tt.stats)
			}
			if got := values(t, f, tt.name); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("values %v, want %v", got, tt.want)
			}
		})
	}
	s := f.Schema().Columns
	if st := s[0].Stats; st.Count(frame.CellTime) != 3 || st.Count(frame.CellEmpty) != 1 ||
		st.Layouts == 0 || st.FracDigits != 1 || st.First[frame.CellTime] != (frame.Sample{Line: 1, Value: "2024-03-01T00:00:00Z"}) {
		t.Errorf("time stats %+v", st)
	}
	if got := s[2].Stats.First[frame.CellInt]; got != (frame.Sample{Line: 1, Value: "00501"}) {
		t.Errorf("zip first int %+v", got)
	}
	if st := s[3].Stats; st.NaN != 1 || st.Count(frame.CellInt) != 1 || st.Count(frame.CellFloat) != 2 ||
		st.First[frame.CellInt] != (frame.Sample{Line: 2, Value: " 2 "}) {
		t.Errorf("ratio stats %+v", st)
	}
	if got := s[5].Stats.Count(frame.CellEmpty); got != 4 {
		t.Errorf("none: %d empty cells, want 4", got)
	}
}

func TestFromDataFrameMixed(t *testing.T) {
	df := dataframe.New(series.New([]string{"1.5", "2", "N/A", "3", "NaN", "x", "2024-01-01", "true"}, series.String, "reading"))
	f, err := frame.FromDataFrame(df)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	c := f.Schema().Columns[0]
	if c.Kind != frame.KindMixed {
		t.Fatalf("kind %s, want mixed", c.Kind)
	}
	first := map[frame.CellKind]frame.Sample{
		frame.CellFloat: {Line: 1, Value: "1.5"},
		frame.CellInt:   {Line: 2, Value: "2"},
		frame.CellText:  {Line: 3, Value: "N/A"},
		frame.CellTime:  {Line: 7, Value: "2024-01-01"},
		frame.CellBool:  {Line: 8, Value: "true"},
	}
	for k, want := range first {
		if got := c.Stats.First[k]; got != want {
			t.Errorf("first %s = %+v, want %+v", k, got, want)
		}
	}
	counts := map[frame.CellKind]int64{frame.CellEmpty: 1, frame.CellFloat: 1, frame.CellInt: 2,
		frame.CellText: 2, frame.CellTime: 1, frame.CellBool: 1}
	for k, want := range counts {
		if got := c.Stats.Count(k); got != want {
			t.Errorf("%d %s cells, want %d", got, k, want)
		}
	}
	want := []any{"1.5", "2", "N/A", "3", nil, "x", "2024-01-01", "true"}
	if got := values(t, f, "reading"); !reflect.DeepEqual(got, want) {
		t.Errorf("values %v, want the raw text %v", got, want)
	}
}

// TestFromDataFrameLikeCSV checks that a string column gets the kind,
// Stats and values that the same cells get in a CSV file, whose lines are
// one more than the rows (the header is line 1).
func TestFromDataFrameLikeCSV(t *testing.T) {
	cols := map[string][]string{
		"ints":   {"1", "-2", "", "+3"},
		"floats": {"1", "2.5", "1e999", " 4 "},
		"times":  {"2019-01-01 00:00:02", "2019-01-01 00:00:03.25", "", "2019-01-01"},
		"text":   {"a", "b,c", "", "d\"e"},
		"mixed":  {"1", "N/A", "2.5", "false"},
		"bools":  {"true", "", "FALSE", " True "},
		"big":    {"99999999999999999999", "1", "", "2"},
	}
	var names []string
	var ss []series.Series
	for _, n := range []string{"ints", "floats", "times", "text", "mixed", "bools", "big"} {
		names = append(names, n)
		ss = append(ss, series.New(cols[n], series.String, n))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(names)
	for row := range cols["ints"] {
		rec := make([]string, len(names))
		for i, n := range names {
			rec[i] = cols[n][row]
		}
		w.Write(rec)
	}
	w.Flush()
	fromCSV, err := frame.ReadCSV(&buf, "cells.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fromCSV.Release()
	fromDF, err := frame.FromDataFrame(dataframe.New(ss...))
	if err != nil {
		t.Fatal(err)
	}
	defer fromDF.Release()
	for i, n := range names {
		t.Run(n, func(t *testing.T) {
			a, b := fromCSV.Schema().Columns[i], fromDF.Schema().Columns[i]
			if a.Kind != b.Kind {
				t.Errorf("kind %s from a DataFrame, %s from CSV", b.Kind, a.Kind)
			}
			want := *a.Stats
			for k := range want.First {
				if want.First[k].Line > 0 {
					want.First[k].Line-- // CSV line to row
				}
			}
			if *b.Stats != want {
				t.Errorf("stats %+v from a DataFrame, %+v from CSV", *b.Stats, want)
			}
			if !arrow.TypeEqual(fromCSV.Schema().Arrow().Field(i).Type, fromDF.Schema().Arrow().Field(i).Type) {
				t.Errorf("arrow type %s from a DataFrame, %s from CSV",
					fromDF.Schema().Arrow().Field(i).Type, fromCSV.Schema().Arrow().Field(i).Type)
			}
			if got, want := values(t, fromDF, n), values(t, fromCSV, n); !reflect.DeepEqual(got, want) {
				t.Errorf("values %v from a DataFrame, %v from CSV", got, want)
			}
		})
	}
}

// TestFromDataFrameRoundTrip copies a frame to a DataFrame and back.
// Timestamps come back as RFC 3339 text of KindTime, as from CSV: gota has
// no time type, and parsing them is the transform stage's job.
func TestFromDataFrameRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f := allTypes(t, mem)
	defer f.Release()
	back, err := frame.FromDataFrame(frame.ToDataFrame(f))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	tests := []struct {
		name string
		kind frame.Kind
		want []any
	}{
		// NaN is gota's missing value: it comes back as a null.
		{"d", frame.KindFloat, []any{1.25, nil, nil, math.Inf(1)}},
		{"l", frame.KindInt, []any{int64(-42), int64(0), nil, int64(math.MaxInt64)}},
		{"b", frame.KindBool, []any{true, false, nil, true}},
		{"s", frame.KindText, []any{"hello", `with, comma "quoted"`, nil, "multi\nline"}},
		{"tag", frame.KindText, []any{"x", "dflt", "y", "z"}},
		{"_time", frame.KindTime, []any{"2021-01-01T00:00:00.123456789Z", "2021-01-01T00:00:01Z", nil, "2021-01-01T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := back.Schema().Columns[back.Schema().Index(tt.name)]
			if c.Kind != tt.kind {
				t.Errorf("kind %s, want %s", c.Kind, tt.kind)
			}
			if got := values(t, back, tt.name); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("values %v, want %v", got, tt.want)
			}
		})
	}
	if got, want := back.Schema().Names(), f.Schema().Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
}

func TestFromDataFrameChunks(t *testing.T) {
	n := frame.DefaultChunkSize + 3
	ints := make([]int, n)
	for i := range ints {
		ints[i] = i
	}
	f, err := frame.FromDataFrame(dataframe.New(series.New(ints, series.Int, "i")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	if f.NumChunks() != 2 || f.Chunk(0).NumRows() != int64(frame.DefaultChunkSize) || f.NumRows() != int64(n) {
		t.Errorf("%d chunks, first of %d rows, %d rows", f.NumChunks(), f.Chunk(0).NumRows(), f.NumRows())
	}
	if got := f.Chunk(1).Column(0).(*array.Int64).Value(2); got != int64(n-1) {
		t.Errorf("last value %d", got)
	}

	for _, df := range []dataframe.DataFrame{
		{}, // no columns
		dataframe.New(series.New([]string{}, series.String, "a"), series.New([]float64{}, series.Float, "b")),
	} {
		f, err := frame.FromDataFrame(df)
		if err != nil {
			t.Fatal(err)
		}
		if f.NumRows() != 0 || f.NumChunks() != 0 || f.NumCols() != df.Ncol() {
			t.Errorf("%d columns: %d rows in %d chunks, %d columns", df.Ncol(), f.NumRows(), f.NumChunks(), f.NumCols())
		}
		f.Release()
	}
}

func TestFromDataFrameErrors(t *testing.T) {
	dup := dataframe.New(series.New([]int{1}, series.Int, "a"), series.New([]int{2}, series.Int, "b"))
	if err := dup.SetNames("a", "a"); err != nil {
		t.Fatal(err)
	}
	noName := dataframe.New(series.New([]int{1}, series.Int, "a"), series.New([]int{2}, series.Int, "b"))
	if err := noName.SetNames("a", ""); err != nil {
		t.Fatal(err)
	}
	uneven := dataframe.New(series.New([]int{1}, series.Int, "a"), series.New([]int{1, 2}, series.Int, "b"))
	tests := []struct {
		name string
		df   dataframe.DataFrame
		is   error // the cause, or nil to check df.Err
		col  int   // the *ParseError's column, or 0
	}{
		{"uneven", uneven, nil, 0},
		{"empty New", dataframe.New(), nil, 0},
		{"duplicate", dup, frame.ErrDupColumn, 2},
		{"no name", noName, frame.ErrEmptyName, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := frame.FromDataFrame(tt.df)
			if err == nil {
				f.Release()
				t.Fatal("no error")
			}
			is := tt.is
			if is == nil {
				is = tt.df.Err
				if !strings.HasPrefix(err.Error(), "frame: dataframe: ") {
					t.Errorf("error %q lacks the prefix", err)
				}
			}
			if !errors.Is(err, is) {
				t.Errorf("error %v is not %v", err, is)
			}
			var pe *frame.ParseError
			if tt.col > 0 && (!errors.As(err, &pe) || pe.Column != tt.col) {
				t.Errorf("error %v: want a *ParseError at column %d", err, tt.col)
			}
		})
	}
}

func ExampleFromDataFrame() {
	df := dataframe.New(
		series.New([]string{"2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z", "2024-03-01T02:00:00Z"}, series.String, "time"),
		series.New([]string{"north", "south", "north"}, series.String, "station"),
		series.New([]string{"1.5", "N/A", "2"}, series.String, "reading"),
		series.New([]float64{1.5, math.NaN(), 2.25}, series.Float, "temp"),
		series.New([]int{3, 4, 5}, series.Int, "count"),
	)
	f, err := frame.FromDataFrame(df)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Release()
	for i, c := range f.Schema().Columns {
		fmt.Printf("%s: %s (%s)\n", c.Name, c.Kind, f.Schema().Arrow().Field(i).Type)
	}
	mixed := f.Schema().Columns[2].Stats.First[frame.CellText]
	fmt.Printf("first text in reading: %q at row %d\n", mixed.Value, mixed.Line)
	// Output:
	// time: time (utf8)
	// station: text (utf8)
	// reading: mixed (utf8)
	// temp: float (float64)
	// count: int (int64)
	// first text in reading: "N/A" at row 2
}

// TestDataFrameReaderKeepText keeps a string column of numbers as its text
// when asked before the first Next, as transform does for declared tags.
func TestDataFrameReaderKeepText(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"00501", "02134"}, series.String, "zip"),
		series.New([]float64{1.5, 2}, series.Float, "v"),
	)
	r, err := frame.NewDataFrameReader(df)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if k := r.FrameSchema().Columns[0].Kind; k != frame.KindInt {
		t.Fatalf("zip inferred as %s, want int", k)
	}
	if err := r.KeepText("v"); err == nil {
		t.Error("KeepText of a float series: no error")
	}
	if err := r.KeepText("zip"); err != nil {
		t.Fatal(err)
	}
	if !r.Next() {
		t.Fatal(r.Err())
	}
	zip := r.Record().Column(0)
	if got := frame.FormatValue(zip, 0) + " " + frame.FormatValue(zip, 1); got != "00501 02134" {
		t.Errorf("zip %q", got)
	}
	if err := r.KeepText("zip"); err == nil {
		t.Error("KeepText after Next: no error")
	}
	if r.Next() {
		t.Error("a second record")
	}
}
