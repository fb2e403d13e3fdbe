package query

import (
	"context"
	"math"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxframe/influxframe/frame"
)

// DataFrame runs a Flux query and returns its result as one gota DataFrame,
// as influxdb-client-python's query_data_frame does for pandas: the
// annotation column is dropped; result, table and every other column of the
// response are kept. Where query_data_frame returns a list of DataFrames for
// a result with several column sets, DataFrame returns one, the Combine of
// the frames (union of the columns, null where a table lacks one). An
// empty result is a DataFrame without columns. Column types are those of
// ToDataFrame.
func DataFrame(ctx context.Context, client influxdb2.Client, org, flux string, opts ...Option) (dataframe.DataFrame, error) {
	frames, err := Frames(ctx, client, org, flux, opts...)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	defer func() {
		for _, f := range frames {
			f.Release()
		}
	}()
	if len(frames) == 0 {
		return dataframe.DataFrame{}, nil
	}
	f, err := Combine(frames, opts...)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	defer f.Release()
	return ToDataFrame(f), nil
}

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
func ToDataFrame(f *frame.Frame) dataframe.DataFrame {
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
func gotaColumn(t arrow.DataType, f *frame.Frame, c int) (series.Type, func(arrow.Array, int) interface{}) {
	text := func(a arrow.Array, i int) interface{} { return frame.FormatValue(a, i) }
	switch t.ID() {
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		get := floatGetter(t)
		return series.Float, func(a arrow.Array, i int) interface{} { return get(a, i) }
	case arrow.INT64:
		return series.Int, func(a arrow.Array, i int) interface{} { return int(a.(*array.Int64).Value(i)) }
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		// Exact: these fit a float64's mantissa.
		get := floatGetter(t)
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
