package arrowcheck

import "fmt"

// ipcField is the buffer layout of one field, as the arrow library's loader
// consumes field nodes and buffers.
type ipcField struct {
	col      int    // top-level column index
	name     string // top-level column name
	layout   ipcLayout
	width    int64 // bytes per value (layoutFixed), byte width or list size
	children []*ipcField
	dictID   int64
	index    int64 // bytes per dictionary index; 0 when not dictionary-encoded
	signed   bool  // dictionary indices are signed
}

type ipcLayout uint8

const (
	layoutNull      ipcLayout = iota
	layoutBool                // validity, bits
	layoutFixed               // validity, width bytes per value
	layoutBinary              // validity, int32 offsets, data
	layoutLarge               // validity, int64 offsets, data
	layoutFixedBin            // validity, width bytes per value, always read
	layoutList                // validity, int32 offsets, one child
	layoutLargeList           // validity, int64 offsets, one child
	layoutFixedList           // validity, one child of width values per list
	layoutStruct              // validity, children
)

// Flatbuffer type tags of the Arrow schema (Schema.fbs).
const (
	fbNull = iota + 1
	fbInt
	fbFloatingPoint
	fbBinary
	fbUtf8
	fbBool
	fbDecimal
	fbDate
	fbTime
	fbTimestamp
	fbInterval
	fbList
	fbStruct
	fbUnion
	fbFixedSizeBinary
	fbFixedSizeList
	fbMap
	fbDuration
	fbLargeBinary
	fbLargeUtf8
	fbLargeList
)

// field.
func (m *MessageReader) readSchema(v *fbVerifier, s fbTable) error {
	endian, err := s.i16(0, 0)
	if err != nil {
		return err
	}
	if endian != 0 {
		// The checks below read offsets and indices as little-endian.
		return fmt.Errorf("%w: big-endian Arrow data", ErrUnsupported)
	}
	if err := v.keyValues(s, 2); err != nil {
		return err
	}
	if _, _, _, err := s.vector(3, 8); err != nil {
		return err
	}
	start, n, _, err := s.vector(1, 4)
	if err != nil {
		return err
	}
	m.fields = make([]*ipcField, n)
	nfields := 0
	for i := 0; i < n; i++ {
		ft, err := v.tableAt(start, i)
		if err != nil {
			return err
		}
		name, _, err := ft.str(0)
		if err != nil {
			return err
		}
		f, err := m.readField(v, ft, i, name, 0, &nfields)
		if err != nil {
			return err
		}
		m.fields[i] = f
	}
	return nil
}

// readField verifies a Field table and returns its layout.
func (m *MessageReader) readField(v *fbVerifier, t fbTable, col int, colName string, depth int, nfields *int) (*ipcField, error) {
	colErr := func(format string, args ...any) error {
		return &ColumnError{Column: col, Name: colName, Err: fmt.Errorf(format, args...)}
	}
	if depth > maxNesting {
		return nil, colErr("%w: types nested more than %d deep", ErrCorrupt, maxNesting)
	}
	if *nfields++; *nfields > maxFields {
		return nil, corrupt("more than %d fields", maxFields)
	}
	if _, _, err := t.str(0); err != nil {
		return nil, err
	}
	if _, err := t.u8(1); err != nil {
		return nil, err
	}
	tag, err := t.u8(2)
	if err != nil {
		return nil, err
	}
	typ, ok, err := t.table(3)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, colErr("%w: field without a type", ErrCorrupt)
	}
	if err := v.keyValues(t, 6); err != nil {
		return nil, err
	}
	f := &ipcField{col: col, name: colName}
	if enc, ok, err := t.table(4); err != nil {
		return nil, err
	} else if ok {
		if depth > 0 {
			return nil, colErr("%w: dictionary-encoded nested field", ErrUnsupported)
		}
		if f.dictID, err = enc.i64(0, 0); err != nil {
			return nil, err
		}
		it, ok, err := enc.table(1)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, colErr("%w: dictionary without an index type", ErrCorrupt)
		}
		bw, err := it.i32(0, 0)
		if err != nil {
			return nil, err
		}
		signed, err := it.u8(1)
		if err != nil {
			return nil, err
		}
		if bw != 8 && bw != 16 && bw != 32 && bw != 64 {
			return nil, colErr("%w: dictionary index of %d bits", ErrCorrupt, bw)
		}
		f.signed = signed != 0
		if _, err := enc.u8(2); err != nil {
			return nil, err
		}
		if _, err := enc.i16(3, 0); err != nil {
			return nil, err
		}
		if _, dup := m.dictTypes[f.dictID]; dup {
			return nil, colErr("%w: dictionary id %d used twice", ErrUnsupported, f.dictID)
		}
		f.index = int64(bw / 8)
		m.dictTypes[f.dictID] = f
		m.dictsNeeded++
	}
	cstart, nchildren, _, err := t.vector(5, 4)
	if err != nil {
		return nil, err
	}
	for i := 0; i < nchildren; i++ {
		ct, err := v.tableAt(cstart, i)
		if err != nil {
			return nil, err
		}
		c, err := m.readField(v, ct, col, colName, depth+1, nfields)
		if err != nil {
			return nil, err
		}
		f.children = append(f.children, c)
	}
	wantChildren := -1
	switch tag {
	case fbNull:
		f.layout = layoutNull
	case fbBool:
		f.layout = layoutBool
	case fbInt:
		bw, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if _, err := typ.u8(1); err != nil {
			return nil, err
		}
		if bw != 8 && bw != 16 && bw != 32 && bw != 64 {
			return nil, colErr("%w: integer of %d bits", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbFloatingPoint:
		p, err := typ.i16(0, 0)
		if err != nil {
			return nil, err
		}
		if p < 0 || p > 2 {
			return nil, colErr("%w: floating point precision %d", ErrCorrupt, p)
		}
		f.layout, f.width = layoutFixed, 2<<p
	case fbDecimal:
		if _, err := typ.i32(0, 0); err != nil {
			return nil, err
		}
		if _, err := typ.i32(1, 0); err != nil {
			return nil, err
		}
		bw, err := typ.i32(2, 128)
		if err != nil {
			return nil, err
		}
		if bw != 128 && bw != 256 {
			return nil, colErr("%w: decimal of %d bits", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbDate:
		u, err := typ.i16(0, 1)
		if err != nil {
			return nil, err
		}
		if u != 0 && u != 1 {
			return nil, colErr("%w: date unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, 4<<u
	case fbTime:
		u, err := typ.i16(0, 1)
		if err != nil {
			return nil, err
		}
		bw, err := typ.i32(1, 32)
		if err != nil {
			return nil, err
		}
		if !(bw == 32 && (u == 0 || u == 1) || bw == 64 && (u == 2 || u == 3)) {
			return nil, colErr("%w: time of %d bits with unit %d", ErrCorrupt, bw, u)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbTimestamp, fbDuration:
		def := int16(0)
		if tag == fbDuration {
			def = 1
		}
		u, err := typ.i16(0, def)
		if err != nil {
			return nil, err
		}
		if tag == fbTimestamp {
			if _, _, err := typ.str(1); err != nil {
				return nil, err
			}
		}
		if u < 0 || u > 3 {
			return nil, colErr("%w: time unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, 8
	case fbInterval:
		u, err := typ.i16(0, 0)
		if err != nil {
			return nil, err
		}
		if u < 0 || u > 2 {
			return nil, colErr("%w: interval unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, []int64{4, 8, 16}[u]
	case fbBinary, fbUtf8:
		f.layout = layoutBinary
	case fbLargeBinary, fbLargeUtf8:
		f.layout = layoutLarge
	case fbFixedSizeBinary:
		bw, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if bw <= 0 {
			return nil, colErr("%w: fixed-size binary of width %d", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixedBin, int64(bw)
	case fbList, fbMap:
		if tag == fbMap {
			if _, err := typ.u8(0); err != nil {
				return nil, err
			}
		}
		f.layout, wantChildren = layoutList, 1
	case fbLargeList:
		f.layout, wantChildren = layoutLargeList, 1
	case fbFixedSizeList:
		size, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if size < 0 {
			return nil, colErr("%w: fixed-size list of size %d", ErrCorrupt, size)
		}
		f.layout, f.width, wantChildren = layoutFixedList, int64(size), 1
	case fbStruct:
		f.layout = layoutStruct
	case fbUnion:
		return nil, colErr("%w: union", ErrUnsupported)
	case 22:
		return nil, colErr("%w: run-end encoded", ErrUnsupported)
	case 23, 24:
		return nil, colErr("%w: binary or string view", ErrUnsupported)
	case 25, 26:
		return nil, colErr("%w: list view", ErrUnsupported)
	default:
		return nil, colErr("%w: unknown type tag %d", ErrCorrupt, tag)
	}
	if wantChildren >= 0 && len(f.children) != wantChildren {
		return nil, colErr("%w: type with %d children instead of %d", ErrCorrupt, len(f.children), wantChildren)
	}
	if tag == fbMap && (f.children[0].layout != layoutStruct || len(f.children[0].children) != 2) {
		return nil, colErr("%w: map entries that are not key-value structs", ErrCorrupt)
	}
	if f.layout != layoutStruct && f.layout != layoutList && f.layout != layoutLargeList &&
		f.layout != layoutFixedList && len(f.children) != 0 {
		return nil, colErr("%w: %d children on a type that has none", ErrCorrupt, len(f.children))
	}
	return f, nil
}
