package arrowcheck

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// checkDictionary verifies a DictionaryBatch message.
func (m *MessageReader) checkDictionary(v *fbVerifier, d fbTable) error {
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
	m        *MessageReader
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
func (m *MessageReader) checkBatch(v *fbVerifier, rb fbTable, fields []*ipcField, asValues bool) ([]int64, error) {
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
	return &ColumnError{Column: c.col, Name: c.colName, Err: corrupt(format, args...)}
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
func (m *MessageReader) decompressor(codec int, src []byte) (io.Reader, error) {
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
