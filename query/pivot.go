package query

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
)

// Pivot turns the _field/_value rows of query results into one column per
// field name, like Flux's
//
//	pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
//
// but over all the frames of a result together, so that fields whose values
// have different types (and so came in different frames) land in the same
// rows.
//
// Rows are keyed by _time plus the key columns: every column that is not a
// field (role other than frame.RoleField), except table, _field and _value;
// for decoded frames these are the group key (_start, _stop,
// _measurement, the tags) and result. Frames with the same key columns
// (names and types) pivot into one frame; frames with other key columns into
// other frames, in order of first appearance. The table column, whose number
// differs from field to field, and other non-key field columns are dropped,
// as Flux drops columns outside the row key, column key and group key.
//
// Each output frame has the key columns in their order, then one column per
// field name in order of first appearance, typed like its _value (different
// types for one field name are unified as Combine does). Rows come series by
// series (a series is a combination of key values other than _time) in order
// of first appearance, and by ascending _time within a series.
//
// Nulls: a row that lacks a field is null in that field's column; a null
// _value leaves the cell as it was; when the same row and field come twice,
// the last non-null value wins. A row whose _field is null is an error, as
// is a field named like a key column. Frames without a _field or a _value
// column are returned as they are (with a new reference).
//
// The caller releases the result. Options: WithAllocator and
// WithChunkSize.
func Pivot(frames []*frame.Frame, opts ...Option) ([]*frame.Frame, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	type item struct {
		pass *frame.Frame
		grp  *pivotGroup
	}
	var items []item
	groups := map[string]*pivotGroup{}
	release := func() {
		for _, it := range items {
			if it.pass != nil {
				it.pass.Release()
			}
		}
	}
	for _, f := range frames {
		s := f.Schema()
		fi, vi := s.Index("_field"), s.Index("_value")
		if fi < 0 || vi < 0 || s.Arrow().Field(fi).Type.ID() != arrow.STRING {
			f.Retain()
			items = append(items, item{pass: f})
			continue
		}
		var keys []int
		sig := ""
		for i, c := range s.Columns {
			if i == fi || i == vi || c.Name == "table" || (c.Role == frame.RoleField && c.Name != "_time") {
				continue
			}
			keys = append(keys, i)
			sig += fmt.Sprintf("%d:%s=%s;", len(c.Name), c.Name, s.Arrow().Field(i).Type)
		}
		g, ok := groups[sig]
		if !ok {
			g = newPivotGroup(s, keys)
			groups[sig] = g
			items = append(items, item{grp: g})
		}
		if err := g.add(f, keys, fi, vi); err != nil {
			release()
			return nil, err
		}
	}
	out := make([]*frame.Frame, 0, len(items))
	for _, it := range items {
		if it.pass != nil {
			out = append(out, it.pass)
			continue
		}
		f, err := it.grp.build(o)
		if err != nil {
			for _, f := range out {
				f.Release()
			}
			for _, it := range items[len(out):] {
				if it.pass != nil {
					it.pass.Release()
				}
			}
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// pivotGroup gathers the rows of the frames that share key columns.
type pivotGroup struct {
	keyCols   []frame.Column
	keyFields []arrow.Field
	keyNames  map[string]bool
	timePos   int // position of _time among the key columns, -1 if none

	fields     []string
	fieldTypes []arrow.DataType
	fieldIndex map[string]int

	srcs      []pivotSource
	valTypes  []arrow.DataType // distinct _value types
	series    map[string]int
	seriesOf  [][]int32 // rows of each series
	rowIndex  map[string]int32
	rows      []pivotRow
	cells     [][]cellRef // per field, per row
	keyBuf    []byte
	keyEncode []keyEncoder
}

type pivotSource struct {
	rec     arrow.Record
	keys    []int // key column indices in rec
	value   int   // _value column index
	valType int   // index into valTypes
}

type pivotRow struct {
	src, row int32
	time     int64
	hasTime  bool
}

// cellRef points at a _value: source and row, src -1 for none.
type cellRef struct{ src, row int32 }

func newPivotGroup(s *frame.Schema, keys []int) *pivotGroup {
	g := &pivotGroup{
		keyNames:   map[string]bool{},
		timePos:    -1,
		fieldIndex: map[string]int{},
		series:     map[string]int{},
		rowIndex:   map[string]int32{},
	}
	for j, i := range keys {
		c := s.Columns[i]
		f := s.Arrow().Field(i)
		g.keyCols = append(g.keyCols, frame.Column{Name: c.Name, Kind: c.Kind, Role: c.Role})
		g.keyFields = append(g.keyFields, arrow.Field{Name: f.Name, Type: f.Type, Nullable: true})
		g.keyNames[c.Name] = true
		if c.Name == "_time" && f.Type.ID() == arrow.TIMESTAMP {
			g.timePos = j
		}
		g.keyEncode = append(g.keyEncode, newKeyEncoder(f.Type))
	}
	return g
}

// add gathers the rows of f.
func (g *pivotGroup) add(f *frame.Frame, keys []int, fi, vi int) error {
	vt := f.Schema().Arrow().Field(vi).Type
	vti := -1
	for i, t := range g.valTypes {
		if arrow.TypeEqual(t, vt) {
			vti = i
		}
	}
	if vti < 0 {
		vti = len(g.valTypes)
		g.valTypes = append(g.valTypes, vt)
	}
	for _, rec := range f.Chunks() {
		if len(g.srcs) >= math.MaxInt32 {
			return fmt.Errorf("query: pivot: too many chunks")
		}
		src := int32(len(g.srcs))
		g.srcs = append(g.srcs, pivotSource{rec: rec, keys: keys, value: vi, valType: vti})
		fields := rec.Column(fi).(*array.String)
		values := rec.Column(vi)
		keyArrs := make([]arrow.Array, len(keys))
		for j, k := range keys {
			keyArrs[j] = rec.Column(k)
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			if fields.IsNull(r) {
				return fmt.Errorf("query: pivot: null _field in row %d of a chunk", r)
			}
			name := fields.Value(r)
			fj, ok := g.fieldIndex[name]
			if !ok {
				if g.keyNames[name] {
					return fmt.Errorf("query: pivot: field %q has the name of a key column", name)
				}
				fj = len(g.fields)
				g.fieldIndex[name] = fj
				g.fields = append(g.fields, name)
				g.fieldTypes = append(g.fieldTypes, vt)
				g.cells = append(g.cells, nil)
			} else {
				g.fieldTypes[fj] = unify(g.fieldTypes[fj], vt)
			}
			// Series key: the key values other than _time.
			buf := g.keyBuf[:0]
			for j, a := range keyArrs {
				if j != g.timePos {
					buf = g.keyEncode[j](buf, a, r)
				}
			}
			seriesLen := len(buf)
			pr := pivotRow{src: src, row: int32(r)}
			if g.timePos >= 0 {
				ta := keyArrs[g.timePos].(*array.Timestamp)
				if ta.IsValid(r) {
					pr.hasTime = true
					pr.time = int64(ta.Value(r))
					buf = append(buf, 1)
					buf = binary.LittleEndian.AppendUint64(buf, uint64(pr.time))
				} else {
					buf = append(buf, 0)
				}
			}
			g.keyBuf = buf
			id, ok := g.rowIndex[string(buf)]
			if !ok {
				if len(g.rows) >= math.MaxInt32 {
					return fmt.Errorf("query: pivot: too many rows")
				}
				id = int32(len(g.rows))
				g.rows = append(g.rows, pr)
				g.rowIndex[string(buf)] = id
				sid, ok := g.series[string(buf[:seriesLen])]
				if !ok {
					sid = len(g.seriesOf)
					g.series[string(buf[:seriesLen])] = sid
					g.seriesOf = append(g.seriesOf, nil)
				}
				g.seriesOf[sid] = append(g.seriesOf[sid], id)
			}
			if values.IsNull(r) {
				continue
			}
			cells := g.cells[fj]
			for len(cells) <= int(id) {
				cells = append(cells, cellRef{src: -1})
			}
			cells[id] = cellRef{src: src, row: int32(r)}
			g.cells[fj] = cells
		}
	}
	return nil
}

// build assembles the pivoted frame.
func (g *pivotGroup) build(o options) (*frame.Frame, error) {
	cols := append([]frame.Column(nil), g.keyCols...)
	fields := append([]arrow.Field(nil), g.keyFields...)
	for j, name := range g.fields {
		t := g.fieldTypes[j]
		cols = append(cols, frame.Column{Name: name, Kind: frame.KindOfType(t), Role: frame.RoleField})
		fields = append(fields, arrow.Field{Name: name, Type: t, Nullable: true})
	}
	s, err := frame.NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return nil, fmt.Errorf("query: pivot: %w", err)
	}
	// Appenders chosen once: keys per type, fields per _value type.
	keyApp := make([]appender, len(g.keyFields))
	for j, f := range g.keyFields {
		keyApp[j] = sameAppender(f.Type)
	}
	fieldApp := make([][]appender, len(g.fields))
	for j := range g.fields {
		fieldApp[j] = make([]appender, len(g.valTypes))
		for k, vt := range g.valTypes {
			app, err := newAppender(g.fieldTypes[j], vt)
			if err == nil {
				fieldApp[j][k] = app
			}
		}
	}
	// Row order: series by series, _time ascending (nulls first).
	order := make([]int32, 0, len(g.rows))
	for _, rows := range g.seriesOf {
		if g.timePos >= 0 {
			sort.SliceStable(rows, func(a, b int) bool {
				ra, rb := g.rows[rows[a]], g.rows[rows[b]]
				if ra.hasTime != rb.hasTime {
					return !ra.hasTime
				}
				return ra.time < rb.time
			})
		}
		order = append(order, rows...)
	}
	bld := array.NewRecordBuilder(o.mem, s.Arrow())
	defer bld.Release()
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	nk := len(g.keyFields)
	pending := 0
	for _, id := range order {
		pr := g.rows[id]
		src := g.srcs[pr.src]
		for j, app := range keyApp {
			app(bld.Field(j), src.rec.Column(src.keys[j]), int(pr.row))
		}
		for j := range g.fields {
			b := bld.Field(nk + j)
			cells := g.cells[j]
			if int(id) >= len(cells) || cells[id].src < 0 {
				b.AppendNull()
				continue
			}
			c := cells[id]
			vs := g.srcs[c.src]
			app := fieldApp[j][vs.valType]
			if app == nil {
				return nil, fmt.Errorf("query: pivot: field %q: cannot convert %s to %s", g.fields[j], g.valTypes[vs.valType], g.fieldTypes[j])
			}
			app(b, vs.rec.Column(vs.value), int(c.row))
		}
		pending++
		if pending == o.chunk {
			recs = append(recs, bld.NewRecord())
			pending = 0
		}
	}
	if pending > 0 || len(recs) == 0 {
		recs = append(recs, bld.NewRecord())
	}
	f, err := frame.New(s, recs...)
	if err != nil {
		return nil, fmt.Errorf("query: pivot: %w", err)
	}
	return f, nil
}

// keyEncoder appends an unambiguous encoding of value i of a to buf.
type keyEncoder func(buf []byte, a arrow.Array, i int) []byte

func newKeyEncoder(t arrow.DataType) keyEncoder {
	switch t.ID() {
	case arrow.STRING:
		return func(buf []byte, a arrow.Array, i int) []byte {
			if a.IsNull(i) {
				return append(buf, 0)
			}
			v := a.(*array.String).Value(i)
			buf = append(buf, 1)
			buf = binary.AppendUvarint(buf, uint64(len(v)))
			return append(buf, v...)
		}
	case arrow.TIMESTAMP:
		return func(buf []byte, a arrow.Array, i int) []byte {
			if a.IsNull(i) {
				return append(buf, 0)
			}
			buf = append(buf, 1)
			return binary.LittleEndian.AppendUint64(buf, uint64(a.(*array.Timestamp).Value(i)))
		}
	case arrow.INT64:
		return func(buf []byte, a arrow.Array, i int) []byte {
			if a.IsNull(i) {
				return append(buf, 0)
			}
			buf = append(buf, 1)
			return binary.LittleEndian.AppendUint64(buf, uint64(a.(*array.Int64).Value(i)))
		}
	}
	return func(buf []byte, a arrow.Array, i int) []byte {
		if a.IsNull(i) {
			return append(buf, 0)
		}
		v := a.ValueStr(i)
		buf = append(buf, 1)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		return append(buf, v...)
	}
}
