package frame

import (
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// FormatValue renders the i-th value of arr as CSV text: "" for null,
// RFC 3339 with nanoseconds (UTC) for timestamps, the shortest exact
// decimal for floats, true/false for bools.
func FormatValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Float64:
		return formatFloat(a.Value(i))
	case *array.Float32:
		return formatFloat(float64(a.Value(i)))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
	case *array.Duration:
		unit := a.DataType().(*arrow.DurationType).Unit
		return time.Duration(int64(a.Value(i)) * int64(unit.Multiplier())).String()
	default:
		return a.ValueStr(i)
	}
}

// formatFloat renders f in the shortest form that reads back exactly,
// without an exponent for ordinary magnitudes.
func formatFloat(f float64) string {
	if a := math.Abs(f); a != 0 && (a >= 1e21 || a < 1e-7) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// FloatGetter returns a function reading value i, not null, of an array
// of type t as a float64: the floats and the integers, signed or not;
// exact but for integers beyond 2^53, which round to the nearest float64.
// It returns nil for any other type.
func FloatGetter(t arrow.DataType) func(a arrow.Array, i int) float64 {
	switch t.ID() {
	case arrow.INT8:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int8).Value(i)) }
	case arrow.INT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int16).Value(i)) }
	case arrow.INT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int32).Value(i)) }
	case arrow.INT64:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Int64).Value(i)) }
	case arrow.UINT8:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint8).Value(i)) }
	case arrow.UINT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint16).Value(i)) }
	case arrow.UINT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint32).Value(i)) }
	case arrow.UINT64:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Uint64).Value(i)) }
	case arrow.FLOAT16:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Float16).Value(i).Float32()) }
	case arrow.FLOAT32:
		return func(a arrow.Array, i int) float64 { return float64(a.(*array.Float32).Value(i)) }
	case arrow.FLOAT64:
		return func(a arrow.Array, i int) float64 { return a.(*array.Float64).Value(i) }
	}
	return nil
}
