package frame

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// --- IPC message checks ---

// ipcMessages reads the messages of an Arrow IPC stream for ipc.Reader, and
// checks each one before handing it over: the flatbuffer metadata is
// verified (every table, vector and string the arrow library reads lies
// within the metadata), every buffer lies within the message body and is
// large enough for the lengths its field node claims, compressed buffers
// really decompress to the size they claim, and messages come in an order
// the reader handles. Lengths read from the input are trusted only as far
// as data actually arrives, so a corrupt length fails with an error instead
// of a huge allocation.
type ipcMessages struct {
	r    io.Reader
	file bool // the stream of an IPC file: a footer follows it
	refs atomic.Int64
	cur  *ipc.Message
	body []byte // reused: the arrow library copies buffers out of bodies
	done bool

	schema      bool
	fields      []*ipcField
	dictTypes   map[int64]*ipcField // dictionary id -> field with the value type
	dictSeen    map[int64]bool
	dictLen     map[int64]int64 // values in each dictionary so far
	dictsNeeded int
	dictMsgs    int
	zstd        *zstd.Decoder
	lz4         *lz4.Reader
}

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

// Message header types.
const (
	msgSchema      = 1
	msgDictionary  = 2
	msgRecordBatch = 3
)

const (
	maxNesting    = 64      // depth of nested types, as the arrow library allows
	maxFields     = 1 << 17 // fields in a schema, nested ones included
	maxTables     = 1 << 20 // flatbuffer tables verified in one message
	freeValues    = 1 << 16 // values a batch may have with no bytes behind them
	maxBatchRows  = math.MaxInt32
	ipcContinue   = 0xFFFFFFFF
	metadataV4    = 3
	metadataV5    = 4
	codecLZ4Frame = 0
	codecZstd     = 1
)

func newIPCMessages(r io.Reader, file bool) *ipcMessages {
	m := &ipcMessages{r: r, file: file, dictTypes: map[int64]*ipcField{}, dictSeen: map[int64]bool{},
		dictLen: map[int64]int64{}}
	m.refs.Store(1)
	return m
}

// Retain adds a reference.
func (m *ipcMessages) Retain() { m.refs.Add(1) }

// Release drops a reference; the last one frees the current message.
func (m *ipcMessages) Release() {
	if m.refs.Add(-1) != 0 {
		return
	}
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.zstd != nil {
		m.zstd.Close()
		m.zstd = nil
	}
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// readFull reads n bytes into buf's storage, growing it only as the data
// arrives, so that a corrupt length costs at most about twice the input.
func readFull(r io.Reader, buf []byte, n int64) ([]byte, error) {
	if n < 0 {
		return nil, corrupt("negative length %d", n)
	}
	if n <= int64(cap(buf)) {
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpected(err)
		}
		return buf, nil
	}
	buf = buf[:0]
	for int64(len(buf)) < n {
		step := max(int64(len(buf)), 1<<20)
		step = min(step, n-int64(len(buf)))
		old := len(buf)
		buf = append(buf, make([]byte, step)...)
		if _, err := io.ReadFull(r, buf[old:]); err != nil {
			return nil, unexpected(err)
		}
	}
	return buf, nil
}

// unexpected turns an end of input inside a message into an error that
// does not pass for the clean end of the stream.
func unexpected(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("input ends inside a message")
	}
	return err
}

// Message returns the next message, checked; io.EOF at the end of the
// stream. It is valid until the next call.
func (m *ipcMessages) Message() (*ipc.Message, error) {
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.done {
		return nil, io.EOF
	}
	meta, err := m.readMetadata()
	if err != nil {
		return nil, err
	}
	if meta == nil {
		m.done = true
		return nil, io.EOF
	}
	v := &fbVerifier{b: meta}
	msg, err := v.root()
	if err != nil {
		return nil, err
	}
	version, err := msg.i16(0, 0)
	if err != nil {
		return nil, err
	}
	htype, err := msg.u8(1)
	if err != nil {
		return nil, err
	}
	bodyLen, err := msg.i64(3, 0)
	if err != nil {
		return nil, err
	}
	if err := v.keyValues(msg, 4); err != nil {
		return nil, err
	}
	if version != metadataV4 && version != metadataV5 {
		return nil, corrupt("IPC metadata version %d is not supported (V4 or V5)", int(version)+1)
	}
	hdr, ok, err := msg.table(2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, corrupt("message without header")
	}
	if bodyLen < 0 {
		return nil, corrupt("negative body length %d", bodyLen)
	}
	m.body, err = readFull(m.r, m.body, bodyLen)
	if err != nil {
		return nil, err
	}
	switch htype {
	case msgSchema:
		if m.schema {
			return nil, corrupt("a second schema in the stream")
		}
		if err := m.readSchema(v, hdr); err != nil {
			return nil, err
		}
		m.schema = true
	case msgDictionary:
		if !m.schema {
			return nil, corrupt("dictionary before the schema")
		}
		if err := m.checkDictionary(v, hdr); err != nil {
			return nil, err
		}
	case msgRecordBatch:
		if !m.schema {
			return nil, corrupt("record batch before the schema")
		}
		if m.dictMsgs < m.dictsNeeded {
			return nil, corrupt("record batch before the %d dictionaries the schema needs", m.dictsNeeded)
		}
		for id := range m.dictTypes {
			if !m.dictSeen[id] {
				return nil, corrupt("record batch before dictionary %d", id)
			}
		}
		if _, err := m.checkBatch(v, hdr, m.fields, false); err != nil {
			return nil, err
		}
	default:
		return nil, corrupt("unsupported IPC message type %d", htype)
	}
	mb := memory.NewBufferBytes(meta)
	bb := memory.NewBufferBytes(m.body)
	m.cur = ipc.NewMessage(mb, bb)
	mb.Release()
	bb.Release()
	return m.cur, nil
}

// readMetadata reads a message's framing and metadata; nil at the end of
// the stream.
func (m *ipcMessages) readMetadata() ([]byte, error) {
	var hdr [4]byte
	n, err := io.ReadFull(m.r, hdr[:])
	if n == 0 && err == io.EOF {
		if m.file {
			return nil, corrupt("Arrow file ends without its footer (truncated?)")
		}
		return nil, nil // a stream may end without an end-of-stream marker
	}
	if err != nil {
		return nil, unexpected(err)
	}
	size := binary.LittleEndian.Uint32(hdr[:])
	switch {
	case size == ipcContinue:
		if _, err := io.ReadFull(m.r, hdr[:]); err != nil {
			return nil, unexpected(err)
		}
		size = binary.LittleEndian.Uint32(hdr[:])
	case m.file && size != 0:
		// Files from writers that skip the end-of-stream marker go
		// straight on to the footer.
		return nil, m.checkFooter(hdr[:])
	}
	if size == 0 {
		if m.file {
			return nil, m.checkFooter(nil)
		}
		return nil, nil
	}
	if int32(size) < 0 {
		return nil, corrupt("message metadata length %d", int32(size))
	}
	return readFull(m.r, nil, int64(size))
}

// checkFooter reads the rest of an IPC file, which must be its footer: the
// footer flatbuffer, its length and the closing magic. seen holds footer
// bytes already read.
func (m *ipcMessages) checkFooter(seen []byte) error {
	tail := append([]byte(nil), seen...)
	total := int64(len(seen))
	buf := make([]byte, 32<<10)
	for {
		n, err := m.r.Read(buf)
		total += int64(n)
		tail = append(tail, buf[:n]...)
		if len(tail) > 10 {
			tail = append(tail[:0], tail[len(tail)-10:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(tail) < 10 || string(tail[4:]) != arrowMagic {
		return corrupt("Arrow file does not end with its footer (truncated?)")
	}
	if size := int64(binary.LittleEndian.Uint32(tail[:4])); size <= 0 || size+10 > total {
		return corrupt("Arrow file footer length %d does not fit the %d bytes after the data", size, total)
	}
	m.done = true
	return nil
}

// readSchema verifies a Schema message and records the layout of every
// field.
func (m *ipcMessages) readSchema(v *fbVerifier, s fbTable) error {
	endian, err := s.i16(0, 0)
	if err != nil {
		return err
	}
	if endian != 0 {
		// The checks below read offsets and indices as little-endian.
		return fmt.Errorf("%w: big-endian Arrow data", ErrUnsupportedType)
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
func (m *ipcMessages) readField(v *fbVerifier, t fbTable, col int, colName string, depth int, nfields *int) (*ipcField, error) {
	colErr := func(format string, args ...any) error {
		return &columnError{col: col, name: colName, err: fmt.Errorf(format, args...)}
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
			return nil, colErr("%w: dictionary-encoded nested field", ErrUnsupportedType)
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
			return nil, colErr("%w: dictionary id %d used twice", ErrUnsupportedType, f.dictID)
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
		return nil, colErr("%w: union", ErrUnsupportedType)
	case 22:
		return nil, colErr("%w: run-end encoded", ErrUnsupportedType)
	case 23, 24:
		return nil, colErr("%w: binary or string view", ErrUnsupportedType)
	case 25, 26:
		return nil, colErr("%w: list view", ErrUnsupportedType)
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

// checkDictionary verifies a DictionaryBatch message.
func (m *ipcMessages) checkDictionary(v *fbVerifier, d fbTable) error {
	id, err := d.i64(0, 0)
	if err != nil {
		return err
	}
	delta, err := d.u8(2)
	if err != nil {
		return err
	}
	data, ok, err := d.table(1)
	if err != nil {
		return err
	}
	if !ok {
		return corrupt("dictionary batch without data")
	}
	f := m.dictTypes[id]
	if f == nil {
		return corrupt("dictionary batch for unknown id %d", id)
	}
	if delta != 0 && !m.dictSeen[id] {
		return corrupt("dictionary delta before dictionary %d", id)
	}
	lens, err := m.checkBatch(v, data, []*ipcField{f}, true)
	if err != nil {
		return err
	}
	if delta != 0 {
		m.dictLen[id] += lens[0]
	} else {
		m.dictLen[id] = lens[0]
	}
	m.dictSeen[id] = true
	m.dictMsgs++
	return nil
}

// batchCheck walks a RecordBatch's field nodes and buffers in the order the
// arrow library's loader consumes them.
type batchCheck struct {
	m        *ipcMessages
	meta     []byte
	nodes    int // start of the FieldNode vector
	nnodes   int
	bufs     int // start of the Buffer vector
	nbufs    int
	inode    int
	ibuf     int
	body     []byte
	codec    int // -1: uncompressed
	col      int
	colName  string
	asValues bool  // a dictionary batch: fields hold the values
	used     int64 // body bytes of the buffers read so far
	unbacked int64 // values so far that no buffer holds (null type and the like)
}

type ipcNode struct{ length, nulls int64 }

// checkBatch verifies a RecordBatch table against the fields it carries
// and returns the length of each field's top node.
func (m *ipcMessages) checkBatch(v *fbVerifier, rb fbTable, fields []*ipcField, asValues bool) ([]int64, error) {
	length, err := rb.i64(0, 0)
	if err != nil {
		return nil, err
	}
	if length < 0 || length > maxBatchRows {
		return nil, corrupt("record batch of %d rows", length)
	}
	c := &batchCheck{m: m, meta: v.b, body: m.body, codec: -1, asValues: asValues}
	if len(fields) == 0 {
		if err := c.free(length); err != nil {
			return nil, err
		}
	}
	if c.nodes, c.nnodes, _, err = rb.vector(1, 16); err != nil {
		return nil, err
	}
	if c.bufs, c.nbufs, _, err = rb.vector(2, 16); err != nil {
		return nil, err
	}
	if _, _, _, err = rb.vector(4, 8); err != nil {
		return nil, err
	}
	if comp, ok, err := rb.table(3); err != nil {
		return nil, err
	} else if ok {
		codec, err := comp.u8(0)
		if err != nil {
			return nil, err
		}
		method, err := comp.u8(1)
		if err != nil {
			return nil, err
		}
		if codec != codecLZ4Frame && codec != codecZstd || method != 0 {
			return nil, corrupt("unsupported compression codec %d, method %d", codec, method)
		}
		c.codec = int(codec)
	}
	lens := make([]int64, len(fields))
	for i, f := range fields {
		c.col, c.colName = f.col, f.name
		n, err := c.node()
		if err != nil {
			return nil, err
		}
		if n.length < length {
			return nil, c.errf("%d values in a batch of %d rows", n.length, length)
		}
		if err := c.field(f, n, 0); err != nil {
			return nil, err
		}
		lens[i] = n.length
	}
	return lens, nil
}

func (c *batchCheck) errf(format string, args ...any) error {
	return &columnError{col: c.col, name: c.colName, err: corrupt(format, args...)}
}

func (c *batchCheck) node() (ipcNode, error) {
	if c.inode >= c.nnodes {
		return ipcNode{}, c.errf("record batch has only %d field nodes", c.nnodes)
	}
	p := c.nodes + 16*c.inode
	c.inode++
	n := ipcNode{int64(binary.LittleEndian.Uint64(c.meta[p:])), int64(binary.LittleEndian.Uint64(c.meta[p+8:]))}
	if n.length < 0 || n.length > maxBatchRows || n.nulls < 0 || n.nulls > n.length {
		return n, c.errf("field node of %d values with %d nulls", n.length, n.nulls)
	}
	return n, nil
}

// buffer consumes the next buffer. When read is true the arrow library
// will read it: it must lie within the body and, compressed, really
// decompress to the size it claims, which is returned. With content, its
// bytes are returned too (decompressed if need be).
func (c *batchCheck) buffer(read, content bool) (int64, []byte, error) {
	if c.ibuf >= c.nbufs {
		return 0, nil, c.errf("record batch has only %d buffers", c.nbufs)
	}
	p := c.bufs + 16*c.ibuf
	c.ibuf++
	if !read {
		return 0, nil, nil
	}
	off := int64(binary.LittleEndian.Uint64(c.meta[p:]))
	size := int64(binary.LittleEndian.Uint64(c.meta[p+8:]))
	if size == 0 {
		return 0, nil, nil
	}
	if off < 0 || size < 0 || off > int64(len(c.body)) || size > int64(len(c.body))-off {
		return 0, nil, c.errf("buffer [%d, +%d) outside the %d-byte body", off, size, len(c.body))
	}
	// The loader copies each buffer out of the body: buffers that overlap
	// would multiply the memory a small input costs.
	if c.used += size; c.used > int64(len(c.body)) {
		return 0, nil, c.errf("buffers of %d bytes overlap in a %d-byte body", c.used, len(c.body))
	}
	raw := c.body[off : off+size]
	if c.codec < 0 {
		return size, raw, nil
	}
	if size < 8 {
		return 0, nil, c.errf("compressed buffer of %d bytes", size)
	}
	want := int64(binary.LittleEndian.Uint64(raw))
	if want == -1 {
		return size - 8, raw[8:], nil
	}
	if want < 0 {
		return 0, nil, c.errf("compressed buffer claims %d bytes", want)
	}
	r, err := c.m.decompressor(c.codec, raw[8:])
	if err != nil {
		return 0, nil, c.errf("compressed buffer: %v", err)
	}
	if content {
		data, err := readFull(r, nil, want)
		if err != nil {
			return 0, nil, c.errf("compressed buffer does not hold the %d bytes it claims: %v", want, err)
		}
		return want, data, nil
	}
	if got, err := io.CopyN(io.Discard, r, want); got < want {
		return 0, nil, c.errf("compressed buffer holds %d of the %d bytes it claims (%v)", got, want, err)
	}
	return want, nil, nil
}

// decompressor returns a reader of the decompressed form of src.
func (m *ipcMessages) decompressor(codec int, src []byte) (io.Reader, error) {
	if codec == codecZstd {
		if m.zstd == nil {
			// A bounded window keeps a corrupt frame header from
			// making the decoder allocate much.
			d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(64<<20))
			if err != nil {
				return nil, err
			}
			m.zstd = d
		}
		if err := m.zstd.Reset(bytes.NewReader(src)); err != nil {
			return nil, err
		}
		return m.zstd, nil
	}
	if m.lz4 == nil {
		m.lz4 = lz4.NewReader(nil)
	}
	m.lz4.Reset(bytes.NewReader(src))
	return m.lz4, nil
}

// free counts n values that no buffer holds, such as those of the null
// type: a batch may have freeValues of them, plus 8 per body byte, so that
// a few bytes of input cannot claim billions of rows.
func (c *batchCheck) free(n int64) error {
	if c.unbacked += n; c.unbacked > freeValues+8*int64(len(c.body)) {
		return c.errf("%d values with no data behind them in a %d-byte body", c.unbacked, len(c.body))
	}
	return nil
}

// validity checks a validity bitmap, which the loader reads only when the
// node has nulls; with content, it returns the bitmap.
func (c *batchCheck) validity(n ipcNode, content bool) ([]byte, error) {
	size, bits, err := c.buffer(n.nulls > 0, content && n.nulls > 0)
	if err != nil {
		return nil, err
	}
	if n.nulls > 0 && size < (n.length+7)/8 {
		return nil, c.errf("validity bitmap of %d bytes for %d values", size, n.length)
	}
	return bits, nil
}

// fixed checks a buffer of n.length values of w bytes each (w 0: bits),
// which the loader reads when always is set or there are values.
func (c *batchCheck) fixed(n ipcNode, w int64, always, content bool) ([]byte, error) {
	size, data, err := c.buffer(always || n.length > 0, content && n.length > 0)
	if err != nil {
		return nil, err
	}
	need := (n.length + 7) / 8
	if w > 0 {
		need = n.length * w // lengths are at most maxBatchRows: no overflow
	}
	if n.length > 0 && size < need {
		return nil, c.errf("buffer of %d bytes for %d values (%d needed)", size, n.length, need)
	}
	return data, nil
}

// offsets checks an offsets buffer of w-byte offsets for n values and the
// size of what they index, read by next (the data buffer's size, or the
// child node's length); the offsets must not decrease nor go past it.
func (c *batchCheck) offsets(n ipcNode, w int64, next func() (int64, error)) error {
	size, offs, err := c.buffer(true, n.length > 0)
	if err != nil {
		return err
	}
	limit, err := next()
	if err != nil {
		return err
	}
	if n.length == 0 {
		return nil
	}
	if size/w < n.length+1 {
		return c.errf("offsets buffer of %d bytes for %d values", size, n.length)
	}
	at := func(i int64) int64 {
		if w == 4 {
			return int64(int32(binary.LittleEndian.Uint32(offs[4*i:])))
		}
		return int64(binary.LittleEndian.Uint64(offs[8*i:]))
	}
	prev := at(0)
	if prev < 0 {
		return c.errf("negative offset %d", prev)
	}
	for i := int64(1); i <= n.length; i++ {
		o := at(i)
		if o < prev {
			return c.errf("offsets decrease at value %d", i-1)
		}
		prev = o
	}
	if prev > limit {
		return c.errf("offset %d beyond the %d it indexes", prev, limit)
	}
	return nil
}

// indices checks the dictionary indices of f: every one not null must be
// within the dictionary received so far.
func (c *batchCheck) indices(f *ipcField, n ipcNode) error {
	bits, err := c.validity(n, true)
	if err != nil {
		return err
	}
	idx, err := c.fixed(n, f.index, false, true)
	if err != nil || n.length == 0 {
		return err
	}
	size := uint64(c.m.dictLen[f.dictID])
	for i := int64(0); i < n.length; i++ {
		if n.nulls > 0 && !bitutil.BitIsSet(bits, int(i)) {
			continue
		}
		var v uint64
		switch f.index {
		case 1:
			v = uint64(idx[i])
			if f.signed {
				v = uint64(int64(int8(idx[i])))
			}
		case 2:
			v = uint64(binary.LittleEndian.Uint16(idx[2*i:]))
			if f.signed {
				v = uint64(int64(int16(v)))
			}
		case 4:
			v = uint64(binary.LittleEndian.Uint32(idx[4*i:]))
			if f.signed {
				v = uint64(int64(int32(v)))
			}
		default:
			v = binary.LittleEndian.Uint64(idx[8*i:])
		}
		if v >= size { // negative indices wrap to huge values
			return c.errf("dictionary index %d out of range (dictionary of %d values)", int64(v), size)
		}
	}
	return nil
}

func (c *batchCheck) field(f *ipcField, n ipcNode, depth int) error {
	if f.index > 0 && !c.asValues {
		return c.indices(f, n)
	}
	var err error
	if f.layout != layoutNull {
		if _, err = c.validity(n, false); err != nil {
			return err
		}
	}
	switch f.layout {
	case layoutNull:
		return c.free(n.length)
	case layoutBool:
		_, err = c.fixed(n, 0, false, false)
		return err
	case layoutFixed:
		_, err = c.fixed(n, f.width, false, false)
		return err
	case layoutFixedBin:
		_, err = c.fixed(n, f.width, true, false)
		return err
	case layoutBinary, layoutLarge:
		w := int64(4)
		if f.layout == layoutLarge {
			w = 8
		}
		return c.offsets(n, w, func() (int64, error) {
			size, _, err := c.buffer(true, false)
			return size, err
		})
	case layoutList, layoutLargeList:
		w := int64(4)
		if f.layout == layoutLargeList {
			w = 8
		}
		var cn ipcNode
		if err := c.offsets(n, w, func() (int64, error) {
			cn, err = c.node()
			return cn.length, err
		}); err != nil {
			return err
		}
		return c.field(f.children[0], cn, depth+1)
	case layoutFixedList:
		cn, err := c.node()
		if err != nil {
			return err
		}
		if f.width == 0 {
			if err := c.free(n.length); err != nil {
				return err
			}
		}
		if f.width > 0 && n.length > cn.length/f.width {
			return c.errf("fixed-size list child of %d values for %d lists of %d", cn.length, n.length, f.width)
		}
		return c.field(f.children[0], cn, depth+1)
	case layoutStruct:
		if len(f.children) == 0 {
			if err := c.free(n.length); err != nil {
				return err
			}
		}
		for _, ch := range f.children {
			cn, err := c.node()
			if err != nil {
				return err
			}
			if cn.length < n.length {
				return c.errf("struct field of %d values for %d structs", cn.length, n.length)
			}
			if err := c.field(ch, cn, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return c.errf("unknown layout %d", f.layout)
}
