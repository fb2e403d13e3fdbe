package frame

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// ToDataFrame copies a frame into a gota DataFrame, one series per column:
//
//	float64 (and other floats)      series.Float
//	int64 (and other signed ints)   series.Int
//	uint64 and other unsigned ints  series.Int, or series.String when a value exceeds math.MaxInt
//	boolean                         series.Bool
//	string                          series.String
//	timestamp                       series.String, RFC 3339 with nanoseconds, UTC
//	duration                        series.Int, nanoseconds (as query_data_frame)
//	anything else (binary: base64)  series.String, the value's text
//
// gota has no time type: timestamps are strings that time.Parse with
// time.RFC3339Nano reads back, and that sort in time order. Nulls are gota's
// missing values (NaN). gota also takes the string "NaN" for a missing value.
// A frame without columns gives a DataFrame without columns.
func ToDataFrame(f *Frame) dataframe.DataFrame {
	n := int(f.NumRows())
	if f.NumCols() == 0 {
		return dataframe.DataFrame{}
	}
	ss := make([]series.Series, f.NumCols())
	for c, col := range f.Schema().Columns {
		t := f.Schema().Arrow().Field(c).Type
		st, get := gotaColumn(t, f, c)
		vals := make([]interface{}, 0, n)
		for _, chunk := range f.Chunks() {
			a := chunk.Column(c)
			for i := 0; i < a.Len(); i++ {
				if a.IsNull(i) {
					vals = append(vals, nil)
					continue
				}
				vals = append(vals, get(a, i))
			}
		}
		ss[c] = series.New(vals, st, col.Name)
	}
	return dataframe.New(ss...)
}

// gotaColumn returns the gota type of column c of f and the function that
// reads a non-null value for it.
func gotaColumn(t arrow.DataType, f *Frame, c int) (series.Type, func(arrow.Array, int) interface{}) {
	text := func(a arrow.Array, i int) interface{} { return FormatValue(a, i) }
	switch t.ID() {
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		get := smallNumber(t)
		return series.Float, func(a arrow.Array, i int) interface{} { return get(a, i) }
	case arrow.INT64:
		return series.Int, func(a arrow.Array, i int) interface{} { return int(a.(*array.Int64).Value(i)) }
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		// Exact: these fit a float64's mantissa.
		get := smallNumber(t)
		return series.Int, func(a arrow.Array, i int) interface{} { return int(get(a, i)) }
	case arrow.UINT64:
		for _, chunk := range f.Chunks() {
			a := chunk.Column(c).(*array.Uint64)
			for i := 0; i < a.Len(); i++ {
				if a.IsValid(i) && a.Value(i) > math.MaxInt {
					return series.String, text
				}
			}
		}
		return series.Int, func(a arrow.Array, i int) interface{} { return int(a.(*array.Uint64).Value(i)) }
	case arrow.BOOL:
		return series.Bool, func(a arrow.Array, i int) interface{} { return a.(*array.Boolean).Value(i) }
	case arrow.DURATION:
		unit := t.(*arrow.DurationType).Unit
		return series.Int, func(a arrow.Array, i int) interface{} {
			return int(int64(a.(*array.Duration).Value(i)) * int64(unit.Multiplier()/time.Nanosecond))
		}
	}
	return series.String, text
}

// smallNumber returns a function reading value i of an array of type t as a
// float64, for the floats and the integers narrower than 64 bits (exact).
func smallNumber(t arrow.DataType) func(a arrow.Array, i int) float64 {
	switch t.ID() {
	case arrow.INT8:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int8).Value(i)) }
	case arrow.INT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int16).Value(i)) }
	case arrow.INT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int32).Value(i)) }
	case arrow.UINT8:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint8).Value(i)) }
	case arrow.UINT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint16).Value(i)) }
	case arrow.UINT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint32).Value(i)) }
	case arrow.FLOAT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Float16).Value(i).Float32()) }
	case arrow.FLOAT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Float32).Value(i)) }
	case arrow.FLOAT64:
		return func(a arrow.Array, i int) float64 { return a.(*array.Float64).Value(i) }
	}
	return nil
}

// dataFrameName is the file name in the errors of FromDataFrame.
const dataFrameName = "dataframe"

// FromDataFrame copies a gota DataFrame into a frame that the later stages
// treat as they treat a frame read from CSV: the transform package picks the
// time column, the tags and the fields. Columns map by gota type:
//
//	series.Float   float64, KindFloat; missing values (NaN) are nulls
//	series.Int     int64, KindInt; missing values are nulls
//	series.Bool    boolean, KindBool; missing values are nulls
//	series.String  inferred exactly as a CSV column of text
//
// A string column goes through the CSV reader's inference over every row:
// each cell is classified, the column's Stats are gathered and its Kind is
// decided by the promotion ladder, and its cells are converted as CSV cells
// are. So "1", "2" make a KindInt column, RFC 3339 strings a KindTime column
// kept as text, and numbers mixed with other text ("1.5", "N/A") a KindMixed
// column that keeps its raw text. Missing string values and empty strings
// are empty cells (nulls); gota makes the string "NaN" a missing value, so
// unlike a CSV cell it is never a float NaN. In Stats, Sample.Line is the
// 1-based row number of the DataFrame. Typed columns have no Stats.
//
// Which columns are tags is the transform stage's decision, which
// FromDataFrame cannot know: a column of "00501" strings is KindInt here,
// its values lose their leading zeros, and only its Stats keep the text of
// its first cell.
//
// The frame's rows are in records of DefaultChunkSize rows, its roles are
// RoleNone and its measurement is empty; its memory comes from
// memory.DefaultAllocator. A DataFrame with an error (df.Err) returns that
// error, wrapped; a duplicate or empty column name is a *ParseError.
func FromDataFrame(df dataframe.DataFrame) (*Frame, error) {
	return fromDataFrame(memory.DefaultAllocator, df)
}

// gotaAppender appends row i of one DataFrame column to b.
type gotaAppender func(b array.Builder, row int) error

func fromDataFrame(mem memory.Allocator, df dataframe.DataFrame) (*Frame, error) {
	if df.Err != nil {
		return nil, fmt.Errorf("frame: dataframe: %w", df.Err)
	}
	names := df.Names()
	cols := make([]Column, len(names))
	fields := make([]arrow.Field, len(names))
	apps := make([]gotaAppender, len(names))
	seen := make(map[string]int, len(names))
	for i, name := range names {
		if name == "" {
			return nil, &ParseError{File: dataFrameName, Column: i + 1, Err: ErrEmptyName}
		}
		if j, dup := seen[name]; dup {
			// gota renames duplicates in dataframe.New, but SetNames does not.
			return nil, &ParseError{File: dataFrameName, Column: i + 1, ColumnName: name,
				Err: fmt.Errorf("%w (also column %d)", ErrDupColumn, j+1)}
		}
		seen[name] = i
		s := df.Col(name)
		if err := s.Error(); err != nil {
			return nil, fmt.Errorf("frame: dataframe: column %d (%s): %w", i+1, name, err)
		}
		var err error
		cols[i], fields[i], apps[i], err = gotaImport(s, i)
		if err != nil {
			return nil, err
		}
	}
	schema, err := NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return nil, err
	}
	rb := array.NewRecordBuilder(mem, schema.Arrow())
	defer rb.Release()
	var chunks []arrow.Record
	defer func() {
		for _, c := range chunks {
			c.Release()
		}
	}()
	n := df.Nrow()
	for lo := 0; lo < n && len(apps) > 0; lo += DefaultChunkSize {
		hi := min(lo+DefaultChunkSize, n)
		for c, app := range apps {
			b := rb.Field(c)
			b.Reserve(hi - lo)
			for row := lo; row < hi; row++ {
				if err := app(b, row); err != nil {
					return nil, err
				}
			}
		}
		chunks = append(chunks, rb.NewRecord())
	}
	return New(schema, chunks...)
}

// gotaImport returns the column, Arrow field and appender of s, column col
// (0-based) of a DataFrame. A string column is inferred as CSV text is.
func gotaImport(s series.Series, col int) (Column, arrow.Field, gotaAppender, error) {
	name := s.Name
	switch s.Type() {
	case series.Float:
		vals := s.Float() // NaN for missing values
		return Column{Name: name, Kind: KindFloat},
			arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
			func(b array.Builder, row int) error {
				if v := vals[row]; !math.IsNaN(v) {
					b.(*array.Float64Builder).Append(v)
				} else {
					b.AppendNull()
				}
				return nil
			}, nil
	case series.Int:
		return Column{Name: name, Kind: KindInt},
			arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			func(b array.Builder, row int) error {
				e := s.Elem(row)
				if e.IsNA() {
					b.AppendNull()
					return nil
				}
				v, _ := e.Int() // cannot fail: not NA
				b.(*array.Int64Builder).Append(int64(v))
				return nil
			}, nil
	case series.Bool:
		return Column{Name: name, Kind: KindBool},
			arrow.Field{Name: name, Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
			func(b array.Builder, row int) error {
				e := s.Elem(row)
				if e.IsNA() {
					b.AppendNull()
					return nil
				}
				v, _ := e.Bool() // cannot fail: not NA
				b.(*array.BooleanBuilder).Append(v)
				return nil
			}, nil
	case series.String:
		cells := make([]string, s.Len())
		st := &Stats{}
		for i := range cells {
			if e := s.Elem(i); !e.IsNA() {
				cells[i] = e.String()
			}
			st.observe(cells[i], int64(i+1))
		}
		c, f, conv := textColumn(name, st.kind(), st)
		return c, f, func(b array.Builder, row int) error {
			if err := conv(b, cells[row]); err != nil {
				return &ParseError{File: dataFrameName, Line: int64(row + 1), Column: col + 1,
					ColumnName: name, Value: cells[row], Err: fmt.Errorf("%w: %s", err, c.Kind)}
			}
			return nil
		}, nil
	}
	return Column{}, arrow.Field{}, nil, fmt.Errorf("frame: dataframe: column %d (%s): unsupported series type %q", col+1, name, s.Type())
}
