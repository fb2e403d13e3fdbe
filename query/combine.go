package query

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
)

// Combine returns one frame holding the rows of every frame in order: its
// columns are the union of the frames' columns in order of first appearance,
// and a row from a frame that lacks a column is null there.
//
// A column name with different types in different frames gets one type by
// this rule: equal types stay; integers and floats of any width become
// float64 (integers beyond 2^53 lose precision); any other mix becomes
// string, each value as frame.FormatValue writes it (timestamps in RFC 3339
// with nanoseconds, UTC). A column's kind follows its type and its role is
// the one it has in the first frame that holds it.
//
// Columns whose type does not change share the frames' memory. With one
// frame, Combine returns it with a new reference; with none, an empty frame
// without columns. The caller releases the result. Option: WithAllocator.
func Combine(frames []*frame.Frame, opts ...Option) (*frame.Frame, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	if len(frames) == 1 {
		frames[0].Retain()
		return frames[0], nil
	}
	var (
		cols  []frame.Column
		types []arrow.DataType
		index = map[string]int{}
	)
	for _, f := range frames {
		for i, c := range f.Schema().Columns {
			t := f.Schema().Arrow().Field(i).Type
			j, ok := index[c.Name]
			if !ok {
				index[c.Name] = len(cols)
				cols = append(cols, frame.Column{Name: c.Name, Role: c.Role})
				types = append(types, t)
				continue
			}
			types[j] = unify(types[j], t)
		}
	}
	fields := make([]arrow.Field, len(cols))
	for i := range cols {
		cols[i].Kind = frame.KindOfType(types[i])
		fields[i] = arrow.Field{Name: cols[i].Name, Type: types[i], Nullable: true}
	}
	s, err := frame.NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return nil, fmt.Errorf("query: combine: %w", err)
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, f := range frames {
		for _, chunk := range f.Chunks() {
			rec, err := conform(o, s.Arrow(), chunk)
			if err != nil {
				return nil, fmt.Errorf("query: combine: %w", err)
			}
			recs = append(recs, rec)
		}
	}
	out, err := frame.New(s, recs...)
	if err != nil {
		return nil, fmt.Errorf("query: combine: %w", err)
	}
	return out, nil
}

// conform returns rec with the columns of schema: its own arrays where the
// types agree, converted ones where they do not, nulls where it lacks one.
func conform(o options, schema *arrow.Schema, rec arrow.Record) (arrow.Record, error) {
	n := rec.NumRows()
	arrs := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	rs := rec.Schema()
	for i, f := range schema.Fields() {
		idx := rs.FieldIndices(f.Name)
		switch {
		case len(idx) == 0:
			arrs[i] = array.MakeArrayOfNull(o.mem, f.Type, int(n))
		case arrow.TypeEqual(rs.Field(idx[0]).Type, f.Type):
			a := rec.Column(idx[0])
			a.Retain()
			arrs[i] = a
		default:
			a, err := convertArray(o.mem, f.Type, rec.Column(idx[0]))
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", f.Name, err)
			}
			arrs[i] = a
		}
	}
	return array.NewRecord(schema, arrs, n), nil
}
