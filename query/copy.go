package query

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/frame"
)

// appender appends value i of an array to a builder; a null stays null. It
// is chosen once per pair of source and destination types.
type appender func(b array.Builder, src arrow.Array, i int)

// numeric reports whether values of t convert to float64 exactly enough for
// the promotion rule (integers and floats).
func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// unify returns the type that holds the values of columns of types a and b
// with the same name: the type itself when they are equal, float64 when
// both are numbers (integers beyond 2^53 lose precision), and string (the
// values' text, as frame.FormatValue writes it) otherwise.
func unify(a, b arrow.DataType) arrow.DataType {
	switch {
	case arrow.TypeEqual(a, b):
		return a
	case numeric(a) && numeric(b):
		return arrow.PrimitiveTypes.Float64
	default:
		return arrow.BinaryTypes.String
	}
}

// newAppender returns the appender from arrays of type src to builders of
// type dst, which must be src, float64 for a numeric src, or string.
func newAppender(dst, src arrow.DataType) (appender, error) {
	if arrow.TypeEqual(dst, src) {
		return sameAppender(dst), nil
	}
	switch dst.ID() {
	case arrow.FLOAT64:
		get := frame.FloatGetter(src)
		if get == nil {
			break
		}
		return func(b array.Builder, a arrow.Array, i int) {
			if a.IsNull(i) {
				b.AppendNull()
				return
			}
			b.(*array.Float64Builder).Append(get(a, i))
		}, nil
	case arrow.STRING:
		return func(b array.Builder, a arrow.Array, i int) {
			if a.IsNull(i) {
				b.AppendNull()
				return
			}
			b.(*array.StringBuilder).Append(frame.FormatValue(a, i))
		}, nil
	}
	return nil, fmt.Errorf("query: cannot convert %s to %s", src, dst)
}

// sameAppender copies values between arrays and builders of type t.
func sameAppender(t arrow.DataType) appender {
	switch t.ID() {
	case arrow.BOOL:
		return copier[bool, *array.Boolean, *array.BooleanBuilder]
	case arrow.INT64:
		return copier[int64, *array.Int64, *array.Int64Builder]
	case arrow.UINT64:
		return copier[uint64, *array.Uint64, *array.Uint64Builder]
	case arrow.FLOAT64:
		return copier[float64, *array.Float64, *array.Float64Builder]
	case arrow.STRING:
		return copier[string, *array.String, *array.StringBuilder]
	case arrow.BINARY:
		return copier[[]byte, *array.Binary, *array.BinaryBuilder]
	case arrow.TIMESTAMP:
		return copier[arrow.Timestamp, *array.Timestamp, *array.TimestampBuilder]
	case arrow.DURATION:
		return copier[arrow.Duration, *array.Duration, *array.DurationBuilder]
	}
	// Other types, from frames that were not decoded here: through the
	// value's text, which Arrow builders read back.
	return func(b array.Builder, a arrow.Array, i int) {
		if a.IsNull(i) {
			b.AppendNull()
			return
		}
		if err := b.AppendValueFromString(a.ValueStr(i)); err != nil {
			b.AppendNull()
		}
	}
}

// copier copies value i of a (an A) to b (a B), or a null.
func copier[T any, A interface{ Value(int) T }, B interface{ Append(T) }](b array.Builder, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	b.(B).Append(a.(A).Value(i))
}

// convertArray returns a new array of type dst holding the values of a,
// converted by newAppender's rule.
func convertArray(mem memory.Allocator, dst arrow.DataType, a arrow.Array) (arrow.Array, error) {
	app, err := newAppender(dst, a.DataType())
	if err != nil {
		return nil, err
	}
	b := array.NewBuilder(mem, dst)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		app(b, a, i)
	}
	return b.NewArray(), nil
}
