package frame

import (
	"errors"
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
		get := FloatGetter(t)
		return series.Float, func(a arrow.Array, i int) interface{} { return get(a, i) }
	case arrow.INT64:
		return series.Int, func(a arrow.Array, i int) interface{} { return int(a.(*array.Int64).Value(i)) }
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		// Exact: these fit a float64's mantissa (FloatGetter).
		get := FloatGetter(t)
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

// dataFrameName is the file name in the errors of a DataFrame's reader.
const dataFrameName = "dataframe"

// FromDataFrame copies a gota DataFrame into a frame that the later stages
// treat as they treat a frame read from CSV: the transform package picks the
// time column, the tags and the fields. It reads the whole of
// NewDataFrameReader(df); see there for how columns map. To write a
// DataFrame to InfluxDB, hand that reader to transform.NewReader instead:
// it keeps declared tags as text ("00501" stays "00501"), which a frame
// already converted cannot.
func FromDataFrame(df dataframe.DataFrame) (*Frame, error) {
	r, err := NewDataFrameReader(df)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return ReadAll(r)
}

// DataFrameReader reads a gota DataFrame as a ChunkReader, the way a
// CSVReader reads a file: NewDataFrameReader infers the kind of every
// string column over every row, and Next converts records of
// DefaultChunkSize rows. Columns map by gota type:
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
// column that keeps its raw text, which the transform stage's mixed-type
// policy then refuses or drops, as for a CSV column. Missing string values
// and empty strings are empty cells (nulls); gota makes the string "NaN" a
// missing value, so unlike a CSV cell it is never a float NaN. In Stats,
// Sample.Line is the 1-based row number of the DataFrame. Typed columns have
// no Stats. Like a CSVReader it is a TextKeeper: KeepText keeps string
// columns as their text, before the first Next.
//
// Its name is "dataframe"; it has no lines. Roles are RoleNone and the
// measurement is empty. A DataFrame with an error (df.Err) is an error,
// wrapped; a duplicate or empty column name is a *ParseError.
type DataFrameReader struct {
	df     dataframe.DataFrame
	schema *Schema
	cols   []gotaColumnReader
	bld    *array.RecordBuilder
	cur    arrow.Record
	next   int // first row of the next record
	err    error
}

var (
	_ ChunkReader = (*DataFrameReader)(nil)
	_ TextKeeper  = (*DataFrameReader)(nil)
)

// gotaColumnReader is one column of a DataFrameReader: its text cells, for
// a string column, and the appender of its current kind.
type gotaColumnReader struct {
	cells []string // string columns only
	app   gotaAppender
}

// gotaAppender appends row i of one DataFrame column to b.
type gotaAppender func(b array.Builder, row int) error

// NewDataFrameReader infers the kinds of df's columns and returns a reader
// of its records. It holds df until released.
func NewDataFrameReader(df dataframe.DataFrame) (*DataFrameReader, error) {
	if df.Err != nil {
		return nil, fmt.Errorf("frame: dataframe: %w", df.Err)
	}
	names := df.Names()
	cols := make([]Column, len(names))
	fields := make([]arrow.Field, len(names))
	r := &DataFrameReader{df: df, cols: make([]gotaColumnReader, len(names))}
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
		cols[i], fields[i], r.cols[i], err = gotaImport(s, i)
		if err != nil {
			return nil, err
		}
	}
	schema, err := NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return nil, err
	}
	r.schema = schema
	r.bld = array.NewRecordBuilder(memory.DefaultAllocator, schema.Arrow())
	return r, nil
}

// KeepText makes the named string columns text (KindText), keeping each
// cell as it is, whatever inference found. It must be called before the
// first Next; unknown names are an error, and so are columns that were not
// strings in the DataFrame.
func (r *DataFrameReader) KeepText(names ...string) error {
	if r.next > 0 || r.cur != nil {
		return errors.New("frame: KeepText after the first Next")
	}
	cols := append([]Column(nil), r.schema.Columns...)
	fields := append([]arrow.Field(nil), r.schema.Arrow().Fields()...)
	for _, n := range names {
		i := r.schema.Index(n)
		if i < 0 {
			return fmt.Errorf("frame: %s: no column %q", dataFrameName, n)
		}
		if cols[i].Kind == KindText {
			continue
		}
		if r.cols[i].cells == nil && r.df.Nrow() > 0 {
			return fmt.Errorf("frame: %s: column %q is not a string series: it has no text to keep", dataFrameName, n)
		}
		var conv converter
		cols[i], fields[i], conv = textColumn(n, KindText, cols[i].Stats)
		r.cols[i].app = stringAppender(r.cols[i].cells, conv, cols[i], i)
	}
	s, err := NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return err
	}
	r.schema = s
	r.bld.Release()
	r.bld = array.NewRecordBuilder(memory.DefaultAllocator, s.Arrow())
	return nil
}

// Name returns "dataframe".
func (r *DataFrameReader) Name() string { return dataFrameName }

// FrameSchema returns the inferred schema, with Stats for string columns.
func (r *DataFrameReader) FrameSchema() *Schema { return r.schema }

// TotalRows returns the number of rows of the DataFrame.
func (r *DataFrameReader) TotalRows() int64 { return int64(r.df.Nrow()) }

// Lines returns nil: a DataFrame has no lines.
func (r *DataFrameReader) Lines() []int64 { return nil }

// Record returns the current record, valid until the next Next or Release.
func (r *DataFrameReader) Record() arrow.Record { return r.cur }

// Err returns the error that stopped Next, if any.
func (r *DataFrameReader) Err() error { return r.err }

// Next converts the next DefaultChunkSize rows.
func (r *DataFrameReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	n := r.df.Nrow()
	if r.err != nil || r.next >= n || len(r.cols) == 0 || r.bld == nil {
		return false
	}
	lo, hi := r.next, min(r.next+DefaultChunkSize, n)
	for c, col := range r.cols {
		b := r.bld.Field(c)
		b.Reserve(hi - lo)
		for row := lo; row < hi; row++ {
			if err := col.app(b, row); err != nil {
				r.err = err
				return false
			}
		}
	}
	r.next = hi
	r.cur = r.bld.NewRecord()
	return true
}

// Release frees the current record and the builder.
func (r *DataFrameReader) Release() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.bld != nil {
		r.bld.Release()
		r.bld = nil
	}
}

// gotaImport returns the column, Arrow field and reader of s, column col
// (0-based) of a DataFrame. A string column is inferred as CSV text is.
func gotaImport(s series.Series, col int) (Column, arrow.Field, gotaColumnReader, error) {
	name := s.Name
	switch s.Type() {
	case series.Float:
		vals := s.Float() // NaN for missing values
		return Column{Name: name, Kind: KindFloat},
			arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
			gotaColumnReader{app: func(b array.Builder, row int) error {
				if v := vals[row]; !math.IsNaN(v) {
					b.(*array.Float64Builder).Append(v)
				} else {
					b.AppendNull()
				}
				return nil
			}}, nil
	case series.Int:
		return Column{Name: name, Kind: KindInt},
			arrow.Field{Name: name, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			gotaColumnReader{app: func(b array.Builder, row int) error {
				e := s.Elem(row)
				if e.IsNA() {
					b.AppendNull()
					return nil
				}
				v, _ := e.Int() // cannot fail: not NA
				b.(*array.Int64Builder).Append(int64(v))
				return nil
			}}, nil
	case series.Bool:
		return Column{Name: name, Kind: KindBool},
			arrow.Field{Name: name, Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
			gotaColumnReader{app: func(b array.Builder, row int) error {
				e := s.Elem(row)
				if e.IsNA() {
					b.AppendNull()
					return nil
				}
				v, _ := e.Bool() // cannot fail: not NA
				b.(*array.BooleanBuilder).Append(v)
				return nil
			}}, nil
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
		return c, f, gotaColumnReader{cells: cells, app: stringAppender(cells, conv, c, col)}, nil
	}
	return Column{}, arrow.Field{}, gotaColumnReader{}, fmt.Errorf("frame: dataframe: column %d (%s): unsupported series type %q", col+1, name, s.Type())
}

// stringAppender converts the text cells of a string column, column col of
// a DataFrame, with conv.
func stringAppender(cells []string, conv converter, c Column, col int) gotaAppender {
	return func(b array.Builder, row int) error {
		if err := conv(b, cells[row]); err != nil {
			return &ParseError{File: dataFrameName, Line: int64(row + 1), Column: col + 1,
				ColumnName: c.Name, Value: cells[row], Err: fmt.Errorf("%w: %s", err, c.Kind)}
		}
		return nil
	}
}
