package frame

import (
	"fmt"
	"math"
	"strconv"
	"strings"

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
// string column's data from the chunk's cell bytes, grown if that was an
// estimate) and the cells of a batch are converted column by column, in a
// loop of one kind each, straight into the buffers: no builder call and
// no indirect call per cell. It appends what converterOf's converters
// append, and empty cells (blank ones for numbers and bools) are nulls.
type chunkBuilder struct {
	schema *arrow.Schema
	kinds  []Kind
	mem    memory.Allocator
	sep    byte // the decimal separator
	cols   []colBuf
	rows   int // the rows the buffers hold
	n      int // rows appended
}

// colBuf is one column's buffers in a chunkBuilder.
type colBuf struct {
	valid *memory.Buffer // the validity bitmap, made by the first null
	nulls int
	vals  *memory.Buffer // values: 8 bytes per row, a bit for bools, or a string column's offsets
	data  *memory.Buffer // a string column's bytes
	size  int            // of them
}

// newChunkBuilder returns the builder of records of schema s, whose
// columns have kinds kinds, with numbers read with the decimal separator
// sep.
func newChunkBuilder(mem memory.Allocator, s *Schema, sep byte) *chunkBuilder {
	kinds := make([]Kind, len(s.Columns))
	for i, c := range s.Columns {
		kinds[i] = storedKind(c.Kind)
	}
	return &chunkBuilder{schema: s.Arrow(), kinds: kinds, mem: mem, sep: sep, cols: make([]colBuf, len(kinds))}
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

// start makes room for a chunk of rows rows, whose string columns hold
// about bytes[i] bytes (nil: unknown).
func (cb *chunkBuilder) start(rows int, bytes []int64) {
	cb.release()
	cb.rows, cb.n = rows, 0
	for i, k := range cb.kinds {
		c := &cb.cols[i]
		*c = colBuf{vals: memory.NewResizableBuffer(cb.mem)}
		switch k {
		case KindBool:
			c.vals.Resize(int(bitutil.BytesForBits(int64(rows))))
			clear(c.vals.Bytes())
		case KindText:
			c.vals.Resize(4 * (rows + 1))
			arrow.Int32Traits.CastFromBytes(c.vals.Bytes())[0] = 0
			c.data = memory.NewResizableBuffer(cb.mem)
			size := 64
			if i < len(bytes) {
				size = int(min(bytes[i], math.MaxInt32)) + 1
			}
			c.data.Reserve(size)
		default:
			c.vals.Resize(8 * rows)
		}
	}
}

// release frees the buffers of a chunk not made into a record.
func (cb *chunkBuilder) release() {
	for i := range cb.cols {
		c := &cb.cols[i]
		for _, b := range []*memory.Buffer{c.valid, c.vals, c.data} {
			if b != nil {
				b.Release()
			}
		}
		*c = colBuf{}
	}
}

// null marks row of column c null.
func (cb *chunkBuilder) null(c *colBuf, row int) {
	if c.valid == nil {
		c.valid = memory.NewResizableBuffer(cb.mem)
		c.valid.Resize(int(bitutil.BytesForBits(int64(cb.rows))))
		bitutil.SetBitsTo(c.valid.Bytes(), 0, int64(cb.rows), true)
	}
	bitutil.ClearBit(c.valid.Bytes(), row)
	c.nulls++
}

// cellError is a cell that does not convert to its column's kind: the
// record of a batch, the column and the cause.
type cellError struct {
	rec, col int
	err      error
}

// add converts the records of b after the chunk's rows so far. On a cell
// that does not convert it returns the first such cell in the order of
// the input (by record, then column); the chunk is then to be dropped.
func (cb *chunkBuilder) add(b *csvscan.Batch) *cellError {
	n := b.Len()
	if cb.n+n > cb.rows {
		panic("frame: more rows than the chunk holds")
	}
	var first *cellError
	for j, k := range cb.kinds {
		rec, err := cb.addColumn(b, j, k, n)
		if err != nil && (first == nil || rec < first.rec) {
			first = &cellError{rec: rec, col: j, err: err}
			n = rec + 1 // later columns need not look past it
		}
	}
	cb.n += b.Len()
	return first
}

// addColumn converts column j, of kind k, of the first n records of b. It
// returns the record of the first cell that does not convert, and why.
func (cb *chunkBuilder) addColumn(b *csvscan.Batch, j int, k Kind, n int) (int, error) {
	c := &cb.cols[j]
	row := cb.n
	switch k {
	case KindFloat:
		vals := arrow.Float64Traits.CastFromBytes(c.vals.Bytes())
		for rec := range n {
			cell := b.Cell(rec, j)
			v, ok := fastnum.ParseFloat(cell, cb.sep)
			if !ok {
				var null bool
				var err error
				if v, null, err = slowFloat(cell, cb.sep == ','); err != nil {
					return rec, err
				}
				if null {
					cb.null(c, row+rec)
				}
			}
			vals[row+rec] = v
		}
	case KindInt:
		vals := arrow.Int64Traits.CastFromBytes(c.vals.Bytes())
		for rec := range n {
			cell := b.Cell(rec, j)
			var v int64
			if kind, x := scanIntCell(cell); kind == CellInt {
				v = x
			} else {
				var null bool
				var err error
				if v, null, err = slowInt(cell); err != nil {
					return rec, err
				}
				if null {
					cb.null(c, row+rec)
				}
			}
			vals[row+rec] = v
		}
	case KindBool:
		bits := c.vals.Bytes()
		for rec := range n {
			cell := b.Cell(rec, j)
			if blankBytes(cell) {
				cb.null(c, row+rec)
				continue
			}
			v, ok := parseBool(view(cell))
			if !ok {
				return rec, ErrBadValue
			}
			if v {
				bitutil.SetBit(bits, row+rec)
			}
		}
	default:
		offs := arrow.Int32Traits.CastFromBytes(c.vals.Bytes())
		data := c.data.Buf()[:c.data.Cap()]
		size := c.size
		for rec := range n {
			cell := b.Cell(rec, j)
			if len(cell) == 0 {
				cb.null(c, row+rec)
			} else {
				if size+len(cell) > len(data) {
					if int64(size)+int64(len(cell)) > math.MaxInt32 {
						c.size = size
						return rec, errTooLong
					}
					c.data.ResizeNoShrink(size)
					c.data.Reserve(max(2*size, size+len(cell)))
					data = c.data.Buf()[:c.data.Cap()]
				}
				size += copy(data[size:], cell)
			}
			offs[row+rec+1] = int32(size)
		}
		c.size = size
	}
	return 0, nil
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

// slowFloat converts a float column's cell that fastnum does not read, as
// floatConverter does: a blank cell is null, a bool is 0 or 1.
func slowFloat(cell []byte, comma bool) (v float64, null bool, err error) {
	if blankBytes(cell) {
		return 0, true, nil
	}
	s := view(cell)
	v, ok := parseFloatIn(strings.TrimSpace(s), comma)
	if ok {
		return v, false, nil
	}
	if bv, isBool := parseBool(s); isBool {
		if bv {
			return 1, false, nil
		}
		return 0, false, nil
	}
	return 0, false, ErrBadValue
}

// slowInt converts an integer column's cell that scanNumber does not
// read: a blank cell is null.
func slowInt(cell []byte) (v int64, null bool, err error) {
	if blankBytes(cell) {
		return 0, true, nil
	}
	v, err = strconv.ParseInt(strings.TrimSpace(view(cell)), 10, 64)
	if err != nil {
		return 0, false, ErrBadValue
	}
	return v, false, nil
}

// finish returns the chunk's record. Its rows must all have been added.
func (cb *chunkBuilder) finish() arrow.Record {
	if cb.n != cb.rows {
		panic("frame: a chunk finished before its last row")
	}
	cols := make([]arrow.Array, len(cb.kinds))
	for j := range cb.kinds {
		c := &cb.cols[j]
		bufs := []*memory.Buffer{c.valid, c.vals}
		if c.data != nil {
			c.data.ResizeNoShrink(c.size)
			bufs = append(bufs, c.data)
		}
		d := array.NewData(cb.schema.Field(j).Type, cb.rows, bufs, nil, c.nulls, 0)
		cols[j] = array.MakeFromData(d)
		d.Release()
	}
	cb.release()
	rec := array.NewRecord(cb.schema, cols, int64(cb.rows))
	for _, c := range cols {
		c.Release()
	}
	return rec
}
