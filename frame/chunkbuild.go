package frame

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/internal/csvscan"
	"github.com/influxframe/influxframe/internal/fastnum"
)

// chunkBuilder converts the cells of a chunk of CSV records, read in
// batches, into one Arrow record. Inference has counted the chunk's rows,
// so every column's buffers are allocated once at their final size (a
// string column's bytes as inference counted or estimated them, grown
// when that was short), and the cells of a batch are converted column by column, in a loop of one
// kind each, straight into the buffers: no builder call and no indirect
// call per cell. It appends what converterOf's converters append, and
// empty cells (blank ones for numbers and bools) are nulls.
//
// The rows of a chunk are filled in pieces (see pieceRows), which
// several goroutines may fill at once: the pieces share the columns'
// values and validity bits, split at byte boundaries, and each piece has
// its own bytes for the string columns, which finish joins.
type chunkBuilder struct {
	schema *arrow.Schema
	kinds  []Kind
	mem    memory.Allocator
	sep    byte // the decimal separator
	rows   int
	cols   []colBuf
	pieces []piece
}

// colBuf is one column's buffers in a chunkBuilder.
type colBuf struct {
	valid *memory.Buffer // the validity bitmap, all set at the start
	vals  *memory.Buffer // values: 8 bytes per row, a bit for bools, or a string column's offsets
}

// A piece is rows [row0, row0+rows) of a chunk, filled by one goroutine.
type piece struct {
	cb         *chunkBuilder
	row0, rows int
	n          int              // rows appended
	data       []*memory.Buffer // the string columns' bytes, by column
	size       []int            // ... and their length
	nulls      []int            // by column
	lines      []int64          // of the rows appended
	err        error            // why the piece could not be filled
}

// newChunkBuilder returns the builder of a record of schema s (nil: set
// it before finish), whose columns have the stored kinds kinds, holding
// rows rows in pieces of pieceRows rows (a multiple of 8, or rows) whose
// string columns hold about bytes[p][i] bytes (nil: unknown), with
// numbers read with the decimal separator sep.
func newChunkBuilder(mem memory.Allocator, s *arrow.Schema, kinds []Kind, sep byte, rows, pieceRows int, bytes [][]int64) *chunkBuilder {
	cb := &chunkBuilder{schema: s, mem: mem, sep: sep, kinds: kinds, cols: make([]colBuf, len(kinds))}
	for i := range cb.cols {
		c := &cb.cols[i]
		c.valid = memory.NewResizableBuffer(mem)
		c.vals = memory.NewResizableBuffer(mem)
	}
	cb.resize(rows)
	for row0, p := 0, 0; row0 < rows; row0, p = row0+pieceRows, p+1 {
		pc := piece{cb: cb, row0: row0, rows: min(pieceRows, rows-row0),
			data: make([]*memory.Buffer, len(cb.kinds)), size: make([]int, len(cb.kinds)), nulls: make([]int, len(cb.kinds))}
		for i, k := range cb.kinds {
			if k != KindText {
				continue
			}
			pc.data[i] = memory.NewResizableBuffer(mem)
			size := 64
			if p < len(bytes) && i < len(bytes[p]) {
				size = int(min(bytes[p][i], math.MaxInt32)) + 1
			}
			pc.data[i].Reserve(size)
		}
		cb.pieces = append(cb.pieces, pc)
	}
	return cb
}

// resize makes the builder's columns hold rows rows, at least as many as
// they hold, keeping those: the new rows are valid and the new bools
// false. Its pieces are made afterwards, or it has one, whose rows it
// sets.
func (cb *chunkBuilder) resize(rows int) {
	from := cb.rows
	for i, k := range cb.kinds {
		c := &cb.cols[i]
		c.valid.Resize(int(bitutil.BytesForBits(int64(rows))))
		bitutil.SetBitsTo(c.valid.Bytes(), int64(from), int64(rows-from), true)
		c.vals.Resize(valuesBytes(k, rows))
		switch k {
		case KindBool:
			bitutil.SetBitsTo(c.vals.Bytes(), int64(from), int64(rows-from), false)
		case KindText:
			arrow.Int32Traits.CastFromBytes(c.vals.Bytes())[0] = 0
		}
	}
	cb.rows = rows
	if len(cb.pieces) == 1 {
		cb.pieces[0].rows = rows
	}
}

// truncate makes the builder of one piece hold its first rows rows only,
// as many as the piece has appended.
func (cb *chunkBuilder) truncate(rows int) {
	for i, k := range cb.kinds {
		c := &cb.cols[i]
		c.valid.ResizeNoShrink(int(bitutil.BytesForBits(int64(rows))))
		c.vals.ResizeNoShrink(valuesBytes(k, rows))
	}
	cb.rows = rows
	cb.pieces[0].rows = rows
}

// valuesBytes returns the bytes of the values of rows rows of a column
// of stored kind k: a bit each for bools, the offsets of a string
// column, 8 bytes each otherwise.
func valuesBytes(k Kind, rows int) int {
	switch k {
	case KindBool:
		return int(bitutil.BytesForBits(int64(rows)))
	case KindText:
		return 4 * (rows + 1)
	}
	return 8 * rows
}

// storedKind is the kind whose Arrow type (arrowTypeOf) holds a column of
// kind k: KindText for every column kept as its cells' text.
func storedKind(k Kind) Kind {
	switch k {
	case KindBool, KindInt, KindFloat:
		return k
	}
	return KindText
}

// bytes returns the bytes of the builder's buffers.
func (cb *chunkBuilder) bytes() int64 {
	var n int64
	for i := range cb.cols {
		n += int64(cb.cols[i].valid.Cap() + cb.cols[i].vals.Cap())
	}
	for p := range cb.pieces {
		for _, b := range cb.pieces[p].data {
			if b != nil {
				n += int64(b.Cap())
			}
		}
	}
	return n
}

// release frees the buffers of a chunk not made into a record.
func (cb *chunkBuilder) release() {
	for i := range cb.cols {
		c := &cb.cols[i]
		for _, b := range []*memory.Buffer{c.valid, c.vals} {
			if b != nil {
				b.Release()
			}
		}
		*c = colBuf{}
	}
	for p := range cb.pieces {
		for i, b := range cb.pieces[p].data {
			if b != nil {
				b.Release()
				cb.pieces[p].data[i] = nil
			}
		}
	}
}

// null marks row (of the chunk) of column j null.
func (p *piece) null(j, row int) {
	bitutil.ClearBit(p.cb.cols[j].valid.Bytes(), row)
	p.nulls[j]++
}

// cellError is a cell that does not convert to its column's kind: the
// record of a batch, the column and the cause.
type cellError struct {
	rec, col int
	err      error
}

// add converts the records of b after the piece's rows so far. On a
// cell that does not convert it returns the first such cell in the order
// of the input (by record, then column); the chunk is then to be dropped.
func (p *piece) add(b *csvscan.Batch) *cellError {
	n := b.Len()
	if p.n+n > p.rows {
		panic("frame: more rows than the piece holds")
	}
	var first *cellError
	for j, k := range p.cb.kinds {
		rec, err := p.addColumn(b, j, k, n)
		if err != nil && (first == nil || rec < first.rec) {
			first = &cellError{rec: rec, col: j, err: err}
			n = rec + 1 // later columns need not look past it
		}
	}
	p.n += b.Len()
	return first
}

// addColumn converts column j, of kind k, of the first n records of b,
// after the piece's rows so far. It returns the record of the first cell
// that does not convert, and why.
func (p *piece) addColumn(b *csvscan.Batch, j int, k Kind, n int) (int, error) {
	return p.addColumnAt(b, j, k, n, p.n)
}

// addColumnAt is addColumn into the piece's rows from row.
func (p *piece) addColumnAt(b *csvscan.Batch, j int, k Kind, n, row int) (int, error) {
	c := &p.cb.cols[j]
	row += p.row0
	switch k {
	case KindFloat:
		vals := arrow.Float64Traits.CastFromBytes(c.vals.Bytes())
		sep := p.cb.sep
		for rec := range n {
			cell := b.Cell(rec, j)
			// Plain unsigned numbers first, inlined (plainDigits).
			m, i := plainDigits(cell)
			if i == len(cell) && i > 0 && i <= 18 {
				vals[row+rec] = float64(m)
				continue
			}
			if i < len(cell) {
				if m, frac, ok := plainFrac(cell, m, i, sep); ok {
					if v, exact := fastnum.Decimal(m, frac, false); exact {
						vals[row+rec] = v
						continue
					}
				}
			}
			v, ok := fastnum.ParseFloat(cell, sep)
			if !ok {
				var null bool
				var err error
				if v, null, err = floatCell(view(cell), p.cb.sep == ','); err != nil {
					return rec, err
				}
				if null {
					p.null(j, row+rec)
				}
			}
			vals[row+rec] = v
		}
	case KindInt:
		vals := arrow.Int64Traits.CastFromBytes(c.vals.Bytes())
		for rec := range n {
			cell := b.Cell(rec, j)
			if v, ok := plainInt(cell); ok { // inlined (plainDigits)
				vals[row+rec] = v
				continue
			}
			var v int64
			if kind, x := scanIntCell(cell); kind == CellInt {
				v = x
			} else {
				var null bool
				var err error
				if v, null, err = intCell(view(cell)); err != nil {
					return rec, err
				}
				if null {
					p.null(j, row+rec)
				}
			}
			vals[row+rec] = v
		}
	case KindBool:
		bits := c.vals.Bytes()
		for rec := range n {
			v, null, err := boolCell(view(b.Cell(rec, j)))
			switch {
			case err != nil:
				return rec, err
			case null:
				p.null(j, row+rec)
			case v:
				bitutil.SetBit(bits, row+rec)
			}
		}
	default:
		// Offsets into the piece's own bytes; finish moves them.
		offs := arrow.Int32Traits.CastFromBytes(c.vals.Bytes())
		data := p.data[j].Buf()
		size := p.size[j]
		for rec := range n {
			cell := b.Cell(rec, j)
			if len(cell) == 0 {
				p.null(j, row+rec)
			} else {
				if size+len(cell) > len(data) {
					if data = p.growText(j, size, len(cell)); data == nil {
						return rec, errTooLong
					}
				}
				size += copy(data[size:], cell)
			}
			offs[row+rec+1] = int32(size)
		}
		p.size[j] = size
	}
	return 0, nil
}

// growText makes room for more bytes after the first size bytes of
// string column j, and returns the column's bytes; or nil, with
// p.size[j] set to size, when an Arrow string array cannot hold them
// (errTooLong).
func (p *piece) growText(j, size, more int) []byte {
	if int64(size)+int64(more) > math.MaxInt32 {
		p.size[j] = size
		return nil
	}
	buf := p.data[j]
	buf.Reserve(max(2*size, size+more))
	return buf.Buf()
}

// errTooLong is the cause of the error of a chunk whose text column
// holds more bytes than an Arrow string array can.
var errTooLong = fmt.Errorf("%w: over 2 GiB of text in one column of one chunk (use a smaller chunk size)", ErrBadValue)

// scanIntCell is scanNumber for an integer column's cell: CellInt and its
// value for a plain integer, anything else otherwise.
func scanIntCell(cell []byte) (CellKind, int64) {
	if len(cell) == 0 {
		return CellEmpty, 0
	}
	return scanNumber(cell, 0)
}

// finish returns the chunk's record, or the error of its first piece
// that has one; either way the builder's buffers are then the record's
// or freed.
func (cb *chunkBuilder) finish() (arrow.Record, error) {
	for p := range cb.pieces {
		pc := &cb.pieces[p]
		if pc.err == nil && pc.n != pc.rows {
			panic("frame: a chunk finished before its last row")
		}
		if pc.err != nil {
			cb.release()
			return nil, pc.err
		}
	}
	cols := make([]arrow.Array, len(cb.kinds))
	for j, k := range cb.kinds {
		c := &cb.cols[j]
		nulls := 0
		for p := range cb.pieces {
			nulls += cb.pieces[p].nulls[j]
		}
		bufs := []*memory.Buffer{c.valid, c.vals}
		if nulls == 0 {
			bufs[0] = nil
		}
		if k == KindText {
			data, err := cb.joinText(j)
			if err != nil {
				for _, a := range cols[:j] {
					a.Release()
				}
				cb.release()
				return nil, err
			}
			bufs = append(bufs, data)
		}
		d := array.NewData(cb.schema.Field(j).Type, cb.rows, bufs, nil, nulls, 0)
		cols[j] = array.MakeFromData(d)
		d.Release()
		if k == KindText {
			bufs[2].Release() // the Data holds it
		}
	}
	cb.release()
	rec := array.NewRecord(cb.schema, cols, int64(cb.rows))
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}

// joinText returns the bytes of string column j: its pieces' bytes one
// after another, the offsets of each piece moved by the bytes before it.
func (cb *chunkBuilder) joinText(j int) (*memory.Buffer, error) {
	if len(cb.pieces) == 1 {
		pc := &cb.pieces[0]
		b := pc.data[j]
		pc.data[j] = nil
		b.ResizeNoShrink(pc.size[j])
		return b, nil
	}
	total := 0
	for p := range cb.pieces {
		total += cb.pieces[p].size[j]
	}
	if total > math.MaxInt32 {
		return nil, errTooLong
	}
	out := memory.NewResizableBuffer(cb.mem)
	out.Resize(total)
	data := out.Bytes()
	offs := arrow.Int32Traits.CastFromBytes(cb.cols[j].vals.Bytes())
	at := 0
	for p := range cb.pieces {
		pc := &cb.pieces[p]
		copy(data[at:], pc.data[j].Buf()[:pc.size[j]])
		if at > 0 {
			for i := pc.row0 + 1; i <= pc.row0+pc.rows; i++ {
				offs[i] += int32(at)
			}
		}
		at += pc.size[j]
	}
	return out, nil
}
