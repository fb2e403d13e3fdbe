package frame

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/internal/csvscan"
)

// Parallel conversion. Inference reads every record once, in order, and
// notes where each chunk of ChunkSize rows begins (chunkStart): the byte
// offset of its first record and the number of lines before it. The
// conversion pass then needs no more scanning to split the input: each
// chunk is a byte range that starts at a record, which a worker reads on
// its own (csvscan's StartAt numbers its lines as in the whole input) into
// its own chunkBuilder. Next hands out the workers' records in input
// order, so that records, lines and errors are exactly those of a reading
// in one goroutine. Workers run when GOMAXPROCS > 1, the input has more
// than one chunk and its source is an io.ReaderAt (a file, a spool file,
// a bytes.Reader); otherwise Next converts the rows itself as it reads
// them.

// chunkStart is where a chunk of rows begins: the offset of its first
// record from the input's base, and the number of lines before it; and
// the bytes of each column's cells in the chunk, so that conversion
// reserves its string columns' data at once.
type chunkStart struct {
	offset int64
	line   int
	bytes  []int64
}

// batchRows is the most records read and converted at once: enough
// that a batch's per-call costs vanish, few enough that its cells stay in
// the processor's cache while each column of them is converted.
const batchRows = 256

// maxPieceRows is the most rows of a piece: the rows of a chunk are
// noted by inference, and converted by the workers, in pieces of up to
// maxPieceRows rows, so that all cores convert even an input of a few
// chunks, and evenly. It is a multiple of 8, so that the pieces of a
// chunk share no byte of its bitmaps. Tests lower it.
var maxPieceRows = 4096

// pieceRows returns the rows of each piece of a chunk but its last.
func (r *CSVReader) pieceRows() int64 {
	return int64(min(r.opts.ChunkSize, maxPieceRows))
}

// piecesPerChunk returns the pieces of a chunk of ChunkSize rows.
func (r *CSVReader) piecesPerChunk() int {
	p := r.pieceRows()
	return int((int64(r.opts.ChunkSize) + p - 1) / p)
}

// pieceEnd returns the row after the last row of the piece that holds
// row, the piece's end in a chunk of ChunkSize rows.
func (r *CSVReader) pieceEnd(row int64) int64 {
	chunk, p := int64(r.opts.ChunkSize), r.pieceRows()
	c0 := row - row%chunk
	return min(c0+((row-c0)/p+1)*p, c0+chunk)
}

// pieceAtOrAfter returns the first row of the first piece that starts at
// or after row.
func (r *CSVReader) pieceAtOrAfter(row int64) int64 {
	if row%int64(r.opts.ChunkSize)%r.pieceRows() == 0 {
		return row
	}
	return r.pieceEnd(row)
}

// chunkRows returns the rows of the k-th chunk.
func (r *CSVReader) chunkRows(k int) int {
	chunk := int64(r.opts.ChunkSize)
	return int(min(chunk, r.total-int64(k)*chunk))
}

// newChunkBuilder returns the builder of the k-th chunk's record, in
// pieces of pieceRows rows.
func (r *CSVReader) newChunkBuilder(k int, pieceRows int) *chunkBuilder {
	rows := r.chunkRows(k)
	first := k * r.piecesPerChunk()
	last := min(first+r.piecesPerChunk(), len(r.starts))
	var bytes [][]int64
	if pieceRows >= rows {
		// One piece: the bytes of all of the chunk's.
		sum := make([]int64, len(r.schema.Columns))
		for _, st := range r.starts[first:last] {
			for i, n := range st.bytes {
				sum[i] += n
			}
		}
		bytes = [][]int64{sum}
	} else {
		for _, st := range r.starts[first:last] {
			bytes = append(bytes, st.bytes)
		}
	}
	return newChunkBuilder(r.opts.Allocator, r.schema.Arrow(), r.storedKinds(), byte(r.dial().Decimal), rows, pieceRows, bytes)
}

// chunks returns the number of chunks of the input.
func (r *CSVReader) chunks() int {
	chunk := int64(r.opts.ChunkSize)
	return int((r.total + chunk - 1) / chunk)
}

// chunkOut is a worker's conversion of one chunk.
type chunkOut struct {
	rec   arrow.Record
	lines []int64
	err   error
}

// workers convert chunks in parallel and deliver them in order.
type workers struct {
	order chan chan chunkOut // each chunk's result, in input order
	quit  chan struct{}
	wg    sync.WaitGroup
}

// parallelism returns how many workers should convert the input: 0 to
// convert in Next.
func (r *CSVReader) parallelism() int {
	n := min(procs(), len(r.starts))
	if n < 2 {
		return 0
	}
	if _, ok := r.src.(io.ReaderAt); !ok {
		return 0
	}
	return n
}

// startWorkers starts n workers converting every piece of every chunk of
// the input. The goroutine that hands out the pieces makes each chunk's
// builder; the worker that converts the last piece of a chunk finishes
// it.
func (r *CSVReader) startWorkers(n int) *workers {
	ra := r.src.(io.ReaderAt)
	w := &workers{order: make(chan chan chunkOut, n), quit: make(chan struct{})}
	type job struct {
		cb      *chunkBuilder
		p       int // the piece of the chunk
		i       int // ... and of the input
		pending *atomic.Int32
		out     chan chunkOut
	}
	finish := func(j job) {
		if j.pending.Add(-1) == 0 {
			rec, err := j.cb.finish()
			var lines []int64
			if err == nil {
				lines = make([]int64, 0, j.cb.rows)
				for p := range j.cb.pieces {
					lines = append(lines, j.cb.pieces[p].lines...)
				}
			}
			j.out <- chunkOut{rec: rec, lines: lines, err: err}
		}
	}
	jobs := make(chan job)
	w.wg.Add(1 + n)
	go func() {
		defer w.wg.Done()
		defer close(jobs)
		defer close(w.order)
		per := r.piecesPerChunk()
		for k := range r.chunks() {
			out := make(chan chunkOut, 1)
			select {
			case w.order <- out:
			case <-w.quit:
				return
			}
			if h, ok := r.takeHeld(k); ok {
				out <- h
				continue
			}
			cb := r.newChunkBuilder(k, int(r.pieceRows()))
			pending := new(atomic.Int32)
			pending.Store(int32(len(cb.pieces)))
			for p := range cb.pieces {
				j := job{cb, p, k*per + p, pending, out}
				select {
				case jobs <- j:
				case <-w.quit:
					// The pieces not handed out are not converted.
					for ; p < len(cb.pieces); p++ {
						cb.pieces[p].err = errStopped
						finish(job{cb, p, k*per + p, pending, out})
					}
					return
				}
			}
		}
	}()
	for range n {
		go func() {
			defer w.wg.Done()
			var b csvscan.Batch
			var c *csvscan.Reader
			for j := range jobs {
				c = r.convertPiece(ra, j.i, &j.cb.pieces[j.p], c, &b)
				finish(j)
			}
		}()
	}
	return w
}

// errStopped is the error of a piece that was not converted because the
// workers stopped.
var errStopped = errors.New("frame: conversion stopped")

// stop stops the workers and releases the records they made that no one
// took.
func (w *workers) stop() {
	close(w.quit)
	w.wg.Wait()
	for out := range w.order {
		select {
		case o := <-out:
			if o.rec != nil {
				o.rec.Release()
			}
		default: // never given to a worker
		}
	}
}

// next returns the next chunk's conversion, or false after the last.
func (w *workers) next() (chunkOut, bool) {
	out, ok := <-w.order
	if !ok {
		return chunkOut{}, false
	}
	return <-out, true
}

// convertPiece converts the i-th piece of the input, read from ra, into
// pc, reading with c (reset; nil: a new reader), which it returns.
func (r *CSVReader) convertPiece(ra io.ReaderAt, i int, pc *piece, c *csvscan.Reader, b *csvscan.Batch) *csvscan.Reader {
	st := r.starts[i]
	end := r.end
	if i+1 < len(r.starts) {
		end = r.starts[i+1].offset
	}
	in := io.NewSectionReader(ra, r.base+st.offset, end-st.offset)
	if c == nil {
		c = r.newCSV(in)
	} else {
		c.Reset(in)
	}
	c.StartAt(st.line, st.offset)
	c.FieldsPerRecord = len(r.schema.Columns)
	pc.lines = make([]int64, 0, pc.rows)
	pc.err = r.convertRows(c, pc, b, i/r.piecesPerChunk())
	return c
}

// convertRows reads the rows of pc from c, which is at its first record,
// in batches into b, and converts them into pc, noting their lines; k is
// the chunk's number, for errors.
func (r *CSVReader) convertRows(c *csvscan.Reader, pc *piece, b *csvscan.Batch, k int) error {
	for left := pc.rows; left > 0; {
		err := c.ReadBatch(b, min(left, batchRows))
		if err == io.EOF {
			break
		}
		if n := b.Len(); n > 0 {
			if ce := pc.add(b); ce != nil {
				cell := b.Cell(ce.rec, ce.col)
				col := r.schema.Columns[ce.col]
				return &ParseError{File: r.name, Line: int64(b.Line(ce.rec)), Column: ce.col + 1,
					ColumnName: col.Name, Value: string(cell), Err: fmt.Errorf("%w: %s", ce.err, col.Kind)}
			}
			for rec := range n {
				pc.lines = append(pc.lines, int64(b.Line(rec)))
			}
			left -= n
		}
		if err != nil {
			return r.wrap(err)
		}
	}
	if pc.n != pc.rows {
		return fmt.Errorf("frame: %s changed while it was read: %d rows in chunk %d where inference read %d", r.name, pc.n, k+1, pc.rows)
	}
	return nil
}
