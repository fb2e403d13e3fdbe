package query

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/influxframe/influxframe/frame"
)

// Index returns f keyed by one of its columns, as pandas' set_index and
// sort_index would leave it: that column first, and the rows in ascending
// order of its values (timestamps and numbers by value, text by bytes,
// false before true), nulls last, rows with equal keys in their order. The
// caller releases the result. Options: WithAllocator and WithChunkSize.
func Index(f *frame.Frame, column string, opts ...Option) (*frame.Frame, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	s := f.Schema()
	ki := s.Index(column)
	if ki < 0 {
		return nil, fmt.Errorf("query: index: no column %q (columns: %v)", column, s.Names())
	}
	// The rows, as (chunk, row) pairs, in key order.
	type ref struct{ chunk, row int }
	var refs []ref
	for c, rec := range f.Chunks() {
		for r := 0; r < int(rec.NumRows()); r++ {
			refs = append(refs, ref{c, r})
		}
	}
	compare := keyComparer(s.Arrow().Field(ki).Type)
	slices.SortStableFunc(refs, func(a, b ref) int {
		x, y := f.Chunk(a.chunk).Column(ki), f.Chunk(b.chunk).Column(ki)
		switch xn, yn := x.IsNull(a.row), y.IsNull(b.row); {
		case xn && yn:
			return 0
		case xn:
			return 1
		case yn:
			return -1
		}
		return compare(x, a.row, y, b.row)
	})

	order := append([]int{ki}, without(len(s.Columns), ki)...)
	cols := make([]frame.Column, len(order))
	fields := make([]arrow.Field, len(order))
	apps := make([]appender, len(order))
	for j, i := range order {
		cols[j] = s.Columns[i]
		fields[j] = s.Arrow().Field(i)
		apps[j] = sameAppender(fields[j].Type)
	}
	md := s.Arrow().Metadata()
	out, err := frame.NewSchema(cols, s.Measurement, arrow.NewSchema(fields, &md))
	if err != nil {
		return nil, fmt.Errorf("query: index: %w", err)
	}
	if s.Precision != 0 {
		out = out.WithPrecision(s.Precision)
	}
	b := array.NewRecordBuilder(o.mem, out.Arrow())
	defer b.Release()
	var chunks []arrow.Record
	defer func() {
		for _, c := range chunks {
			c.Release()
		}
	}()
	for lo := 0; lo < len(refs); lo += o.chunk {
		for _, r := range refs[lo:min(lo+o.chunk, len(refs))] {
			rec := f.Chunk(r.chunk)
			for j, i := range order {
				apps[j](b.Field(j), rec.Column(i), r.row)
			}
		}
		chunks = append(chunks, b.NewRecord())
	}
	return frame.New(out, chunks...)
}

// without returns 0..n-1 without i.
func without(n, i int) []int {
	out := make([]int, 0, n-1)
	for j := range n {
		if j != i {
			out = append(out, j)
		}
	}
	return out
}

// keyComparer returns the comparison of two non-null values of arrays of
// type t.
func keyComparer(t arrow.DataType) func(x arrow.Array, i int, y arrow.Array, j int) int {
	switch t.ID() {
	case arrow.TIMESTAMP:
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			return cmp.Compare(x.(*array.Timestamp).Value(i), y.(*array.Timestamp).Value(j))
		}
	case arrow.INT64:
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			return cmp.Compare(x.(*array.Int64).Value(i), y.(*array.Int64).Value(j))
		}
	case arrow.UINT64:
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			return cmp.Compare(x.(*array.Uint64).Value(i), y.(*array.Uint64).Value(j))
		}
	case arrow.STRING:
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			return cmp.Compare(x.(*array.String).Value(i), y.(*array.String).Value(j))
		}
	case arrow.BOOL:
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			a, b := x.(*array.Boolean).Value(i), y.(*array.Boolean).Value(j)
			switch {
			case a == b:
				return 0
			case !a:
				return -1
			}
			return 1
		}
	}
	if get := frame.FloatGetter(t); get != nil {
		return func(x arrow.Array, i int, y arrow.Array, j int) int {
			return cmp.Compare(get(x, i), get(y, j))
		}
	}
	return func(x arrow.Array, i int, y arrow.Array, j int) int {
		return cmp.Compare(frame.FormatValue(x, i), frame.FormatValue(y, j))
	}
}
