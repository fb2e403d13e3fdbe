package frame

import (
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// noClose hides a writer's Close from the Parquet writer, which closes
// what it writes to.
type noClose struct{ io.Writer }

// durationsAsInt returns rec with the duration columns at idx reinterpreted
// as int64 (same buffers, nanoseconds for decoded frames; other units are
// scaled).
func durationsAsInt(schema *arrow.Schema, rec arrow.Record, idx []int) arrow.Record {
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		cols[i] = rec.Column(i)
		cols[i].Retain()
	}
	for _, i := range idx {
		d := cols[i].(*array.Duration)
		mul := int64(d.DataType().(*arrow.DurationType).Unit.Multiplier())
		b := array.NewInt64Builder(memory.DefaultAllocator)
		b.Reserve(d.Len())
		for j := 0; j < d.Len(); j++ {
			if d.IsNull(j) {
				b.AppendNull()
			} else {
				b.Append(int64(d.Value(j)) * mul)
			}
		}
		cols[i].Release()
		cols[i] = b.NewArray()
		b.Release()
	}
	out := array.NewRecord(schema, cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out
}
