package arrowcheck

import "encoding/binary"

// fbVerifier checks flatbuffer tables within b before anything reads them,
// the way flatbuffers' generated Go code will: every offset it follows,
// every vtable slot and every vector it indexes lies within b.
type fbVerifier struct {
	b      []byte
	tables int
}

// fbTable is a table whose vtable lies within the buffer.
type fbTable struct {
	v     *fbVerifier
	pos   int
	vt    int
	vtLen int
	tLen  int
}

func (v *fbVerifier) root() (fbTable, error) {
	if len(v.b) < 4 {
		return fbTable{}, corrupt("message metadata of %d bytes", len(v.b))
	}
	return v.tableAtPos(int(binary.LittleEndian.Uint32(v.b)))
}

func (v *fbVerifier) tableAtPos(pos int) (fbTable, error) {
	if v.tables++; v.tables > maxTables {
		return fbTable{}, corrupt("metadata with more than %d tables", maxTables)
	}
	b := v.b
	if pos < 0 || pos > len(b)-4 {
		return fbTable{}, corrupt("metadata table at %d outside %d bytes", pos, len(b))
	}
	vt := pos - int(int32(binary.LittleEndian.Uint32(b[pos:])))
	if vt < 0 || vt > len(b)-4 {
		return fbTable{}, corrupt("metadata vtable at %d outside %d bytes", vt, len(b))
	}
	vtLen := int(binary.LittleEndian.Uint16(b[vt:]))
	tLen := int(binary.LittleEndian.Uint16(b[vt+2:]))
	if vtLen < 4 || vtLen%2 != 0 || vt+vtLen > len(b) || tLen < 4 || pos+tLen > len(b) {
		return fbTable{}, corrupt("metadata vtable (%d, %d) at %d does not fit %d bytes", vtLen, tLen, vt, len(b))
	}
	return fbTable{v: v, pos: pos, vt: vt, vtLen: vtLen, tLen: tLen}, nil
}

// tableAt verifies the i-th table of a vector of tables starting at start.
func (v *fbVerifier) tableAt(start, i int) (fbTable, error) {
	p := start + 4*i
	return v.tableAtPos(p + int(binary.LittleEndian.Uint32(v.b[p:])))
}

// keyValues verifies a vector of KeyValue tables in field id.
func (v *fbVerifier) keyValues(t fbTable, id int) error {
	start, n, _, err := t.vector(id, 4)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		kv, err := v.tableAt(start, i)
		if err != nil {
			return err
		}
		if _, _, err := kv.str(0); err != nil {
			return err
		}
		if _, _, err := kv.str(1); err != nil {
			return err
		}
	}
	return nil
}

// field returns the position of field id, checking that size bytes of it
// lie within the table; ok is false when the field is absent.
func (t fbTable) field(id, size int) (pos int, ok bool, err error) {
	slot := 4 + 2*id
	if slot+2 > t.vtLen {
		return 0, false, nil
	}
	o := int(binary.LittleEndian.Uint16(t.v.b[t.vt+slot:]))
	if o == 0 {
		return 0, false, nil
	}
	if o+size > t.tLen {
		return 0, false, corrupt("metadata field %d beyond its table", id)
	}
	return t.pos + o, true, nil
}

func (t fbTable) u8(id int) (uint8, error) {
	p, ok, err := t.field(id, 1)
	if !ok || err != nil {
		return 0, err
	}
	return t.v.b[p], nil
}

func (t fbTable) i16(id int, def int16) (int16, error) {
	p, ok, err := t.field(id, 2)
	if !ok || err != nil {
		return def, err
	}
	return int16(binary.LittleEndian.Uint16(t.v.b[p:])), nil
}

func (t fbTable) i32(id int, def int32) (int32, error) {
	p, ok, err := t.field(id, 4)
	if !ok || err != nil {
		return def, err
	}
	return int32(binary.LittleEndian.Uint32(t.v.b[p:])), nil
}

func (t fbTable) i64(id int, def int64) (int64, error) {
	p, ok, err := t.field(id, 8)
	if !ok || err != nil {
		return def, err
	}
	return int64(binary.LittleEndian.Uint64(t.v.b[p:])), nil
}

// indirect follows the offset in field id; the target has at least 4
// bytes within the buffer.
func (t fbTable) indirect(id int) (int, bool, error) {
	p, ok, err := t.field(id, 4)
	if !ok || err != nil {
		return 0, false, err
	}
	target := p + int(binary.LittleEndian.Uint32(t.v.b[p:]))
	if target > len(t.v.b)-4 {
		return 0, false, corrupt("metadata offset %d outside %d bytes", target, len(t.v.b))
	}
	return target, true, nil
}

func (t fbTable) table(id int) (fbTable, bool, error) {
	p, ok, err := t.indirect(id)
	if !ok || err != nil {
		return fbTable{}, false, err
	}
	tb, err := t.v.tableAtPos(p)
	return tb, err == nil, err
}

// vector returns the start and length of the vector in field id, whose
// elements are elem bytes each.
func (t fbTable) vector(id, elem int) (start, n int, ok bool, err error) {
	p, ok, err := t.indirect(id)
	if !ok || err != nil {
		return 0, 0, false, err
	}
	n = int(binary.LittleEndian.Uint32(t.v.b[p:]))
	start = p + 4
	if n > (len(t.v.b)-start)/elem {
		return 0, 0, false, corrupt("metadata vector of %d elements outside %d bytes", n, len(t.v.b))
	}
	return start, n, true, nil
}

func (t fbTable) str(id int) (string, bool, error) {
	start, n, ok, err := t.vector(id, 1)
	if !ok || err != nil {
		return "", false, err
	}
	return string(t.v.b[start : start+n]), true, nil
}
