package frame

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/internal/csvscan"
	"github.com/influxframe/influxframe/internal/fastnum"
)

// One pass where it fits. Inference reads every row before the first
// record can be made, since a column's kind depends on all its cells, and
// conversion then reads the rows again. When inference reads the rows in
// order (one goroutine reads the batches, and columnWorkers may observe
// their columns on every core), it also converts each chunk, in the kinds
// inferred through the chunk's first batch (a column's kind seldom changes
// after its first rows), and holds the chunks it converted until Next
// hands them out. Once every row is read, a held chunk is kept when each
// of its columns was converted in the column's final kind and no cell of
// it failed to convert (a cell that does not fit a forced kind). The
// conversion of a cell depends on the cell and the kind alone, so a kept
// chunk is exactly what the conversion pass would make of its rows. The
// other chunks are dropped and converted by the conversion pass, which
// reports their errors as before. Holding stops when the held chunks take
// CSVOptions.HoldBytes: the rest of a larger input is read twice.

// DefaultHoldBytes is CSVOptions.HoldBytes when it is 0.
const DefaultHoldBytes = 64 << 20

// holding is the chunks inference converts as it reads them.
type holding struct {
	r        *CSVReader
	names    []string
	left     int64        // the bytes the held chunks may still take
	k        int          // the number of the chunk being read
	starting bool         // ... which begins with the batch being read
	cur      *heldChunk   // the chunk being converted; nil when none
	chunks   []*heldChunk // the chunks converted before it, in order
}

// heldChunk is one chunk inference converts, in one piece.
type heldChunk struct {
	k  int           // its number
	cb *chunkBuilder // its buffers
	ok []bool        // by column: every cell so far converted, in the kind the column still has
}

// newHolding returns the holding of r's chunks, whose columns are named
// names, or nil when r holds none.
func newHolding(r *CSVReader, names []string) *holding {
	left := r.holdBytes()
	if left < 0 {
		return nil
	}
	return &holding{r: r, names: names, left: left}
}

// before prepares for the batch b, which starts at row row of the input,
// and returns the chunk its cells are to be converted into, if any, and
// the chunk's row where they go. A batch never spans two chunks; one
// that starts a chunk ends the chunk before. wait returns when every
// batch given before b is observed.
func (h *holding) before(b *csvscan.Batch, row int64, wait func()) (*heldChunk, int) {
	if h == nil {
		return nil, 0
	}
	chunk := int64(h.r.opts.ChunkSize)
	if row%chunk == 0 {
		wait()
		h.end()
		h.starting = h.left > 0
		h.k = int(row / chunk)
		return nil, 0
	}
	c := h.cur
	if c == nil {
		return nil, 0
	}
	pc := &c.cb.pieces[0]
	if n := b.Len(); pc.n+n > pc.rows {
		wait()
		c.cb.resize(int(min(chunk, int64(max(2*pc.rows, pc.n+n)))))
	}
	return c, pc.n
}

// observe observes column j of b into ci, as observeBatch does, and
// returns the bytes of its cells; while c, the chunk that before
// returned, still has the column, it converts them too, into c's rows
// from row. The columns of a batch may be observed at once, each on one
// goroutine.
func (h *holding) observe(c *heldChunk, row int, ci *colInfer, b *csvscan.Batch, j int) int64 {
	if c == nil || !c.ok[j] {
		return ci.observeBatch(b, j)
	}
	pc := &c.cb.pieces[0]
	k := c.cb.kinds[j]
	var size int64
	ok := true
	switch k {
	case KindFloat:
		size, ok = pc.observeFloats(ci, b, j, row)
	case KindInt:
		size, ok = pc.observeInts(ci, b, j, row)
	case KindText:
		size, ok = pc.observeText(ci, b, j, row)
	default:
		size = ci.observeBatch(b, j)
		_, err := pc.addColumnAt(b, j, k, b.Len(), row)
		ok = err == nil
	}
	if !ok || storedKind(h.r.columnKind(h.names[j], ci.st)) != k {
		c.drop(j)
	}
	return size
}

// after ends the batch b, whose columns are being observed into cols:
// the chunk being converted counts its rows, and a chunk that b starts
// begins once they are observed, in the kinds of cols, with b converted.
func (h *holding) after(b *csvscan.Batch, cols []colInfer, wait func()) {
	if h == nil {
		return
	}
	n := b.Len()
	if h.starting {
		h.starting = false
		wait()
		h.begin(b, cols)
		pc := &h.cur.cb.pieces[0]
		for j, k := range h.cur.cb.kinds {
			if _, err := pc.addColumn(b, j, k, n); err != nil {
				h.cur.drop(j)
			}
		}
	}
	c := h.cur
	if c == nil {
		return
	}
	pc := &c.cb.pieces[0]
	pc.n += n
	for rec := range n {
		pc.lines = append(pc.lines, int64(b.Line(rec)))
	}
}

// begin starts converting chunk h.k, whose first batch is b, in the
// kinds of cols.
func (h *holding) begin(b *csvscan.Batch, cols []colInfer) {
	r := h.r
	kinds := make([]Kind, len(cols))
	for j := range cols {
		kinds[j] = storedKind(r.columnKind(h.names[j], cols[j].st))
	}
	rows := h.rowsAhead(b)
	// The string columns' bytes, guessed from the batch's.
	bytes := make([]int64, len(cols))
	for j, k := range kinds {
		if k == KindText {
			for rec := range b.Len() {
				bytes[j] += int64(len(b.Cell(rec, j)))
			}
			bytes[j] = bytes[j]*int64(rows)/int64(b.Len())*9/8 + 64
		}
	}
	cb := newChunkBuilder(r.opts.Allocator, nil, kinds, byte(r.dial().Decimal), rows, rows, [][]int64{bytes})
	cb.pieces[0].lines = make([]int64, 0, rows)
	ok := make([]bool, len(cols))
	for j := range ok {
		ok[j] = true
	}
	h.cur = &heldChunk{k: h.k, cb: cb, ok: ok}
}

// holdBytes returns CSVOptions.HoldBytes, or its default.
func (r *CSVReader) holdBytes() int64 {
	if r.opts.HoldBytes == 0 {
		return DefaultHoldBytes
	}
	return r.opts.HoldBytes
}

// holdsAll reports whether the records of the whole input, as guessed
// from its size, fit in the bytes the reader may hold: inference then
// reads it in one goroutine, converting it as it goes, with the columns
// of each batch observed on several goroutines (columnWorkers), rather
// than on workers that read ranges of the input and convert nothing.
func (r *CSVReader) holdsAll() bool {
	return r.size >= 0 && r.size <= r.holdBytes()/2
}

// rowsAhead guesses how many rows the chunk that b starts will have: a
// whole chunk unless the input's size says fewer are left. A wrong guess
// costs a resize.
func (h *holding) rowsAhead(b *csvscan.Batch) int {
	r := h.r
	chunk := r.opts.ChunkSize
	n := b.Len()
	if r.size <= 0 || r.shard != nil || n < 2 {
		return min(chunk, max(n, 1024))
	}
	per := float64(b.Offset(n-1)-b.Offset(0)) / float64(n-1)
	if per <= 0 {
		return chunk
	}
	left := float64(r.size-b.Offset(0)) / per
	return int(min(float64(chunk), max(float64(n), left*1.05+64)))
}

// drop stops converting column j of the chunk.
func (c *heldChunk) drop(j int) { c.ok[j] = false }

// end closes the chunk being converted, if any, counting its bytes.
func (h *holding) end() {
	c := h.cur
	if c == nil {
		return
	}
	h.cur = nil
	if !slices.Contains(c.ok, true) {
		c.cb.release()
		return
	}
	c.cb.truncate(c.cb.pieces[0].n)
	h.left -= c.cb.bytes() + 8*int64(len(c.cb.pieces[0].lines))
	h.chunks = append(h.chunks, c)
}

// keep hands the reader the held chunks that are right for its schema,
// which inference has decided, and frees the others.
func (h *holding) keep() {
	h.end()
	r := h.r
	kinds := r.storedKinds()
	for _, c := range h.chunks {
		if slices.Contains(c.ok, false) || !slices.Equal(c.cb.kinds, kinds) {
			c.cb.release()
			continue
		}
		c.cb.schema = r.schema.Arrow()
		lines := c.cb.pieces[0].lines
		rec, err := c.cb.finish()
		if err != nil {
			continue // the conversion pass finds it again
		}
		if r.held == nil {
			r.held = make(map[int]chunkOut)
		}
		r.held[c.k] = chunkOut{rec: rec, lines: lines}
	}
	h.chunks = nil
}

// release frees every chunk held: inference failed.
func (h *holding) release() {
	h.end()
	for _, c := range h.chunks {
		c.cb.release()
	}
	h.chunks = nil
}

// takeHeld returns chunk k if inference converted it, and no longer holds
// it.
func (r *CSVReader) takeHeld(k int) (chunkOut, bool) {
	out, ok := r.held[k]
	if ok {
		delete(r.held, k)
	}
	return out, ok
}

// releaseHeld frees the chunks no one took.
func (r *CSVReader) releaseHeld() {
	for k, out := range r.held {
		out.rec.Release()
		delete(r.held, k)
	}
}

// seekChunk moves cr, which Next converts the rows from, to the first
// record of chunk k, past chunks Next took from the held ones.
func (r *CSVReader) seekChunk(k int) error {
	st := r.starts[k*r.piecesPerChunk()]
	if _, err := r.src.Seek(r.base+st.offset, io.SeekStart); err != nil {
		return fmt.Errorf("frame: seeking in %s: %w", r.name, err)
	}
	r.cr.Reset(io.LimitReader(r.src, r.end-st.offset))
	r.cr.StartAt(st.line, st.offset)
	r.crRow = int64(k) * int64(r.opts.ChunkSize)
	return nil
}

// observeFloats observes column j of the records of b into ci, as
// observeBatch does, and converts them into p's rows from row, as
// addColumn does for a float column, in one loop: the plain numbers of a column that has had
// one of their kind already are read once for both. It returns the bytes
// of the cells, and false when a cell does not convert; the rest of the
// column is then only observed.
func (p *piece) observeFloats(ci *colInfer, b *csvscan.Batch, j, row int) (int64, bool) {
	st := ci.st
	sep := p.cb.sep
	vals := arrow.Float64Traits.CastFromBytes(p.cb.cols[j].vals.Bytes())
	row += p.row0
	n := b.Len()
	ints, floats, lo, hi := st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax
	var size int64
	for rec := range n {
		cell := b.Cell(rec, j)
		size += int64(len(cell))
		if len(cell) == 0 {
			st.Cells[CellEmpty]++
			p.null(j, row+rec)
			continue
		}
		// Plain unsigned numbers first, inlined (plainDigits).
		m, i := plainDigits(cell)
		if i == len(cell) {
			if ints > 0 && i <= 18 {
				iv := int64(m)
				ints++
				lo, hi = min(lo, iv), max(hi, iv)
				vals[row+rec] = float64(iv)
				continue
			}
		} else if floats > 0 {
			if m, frac, ok := plainFrac(cell, m, i, sep); ok {
				if fv, exact := fastnum.Decimal(m, frac, false); exact {
					floats++
					vals[row+rec] = fv
					continue
				}
			}
		}
		if k, iv, fv, exact := scanValue(cell, sep); k == CellInt && ints > 0 {
			ints++ // a signed integer
			lo, hi = min(lo, iv), max(hi, iv)
			vals[row+rec] = fv
			continue
		} else if k == CellFloat && floats > 0 && exact {
			floats++
			vals[row+rec] = fv
			continue
		}
		st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax = ints, floats, lo, hi
		ci.observe(cell, int64(b.Line(rec)))
		ints, floats, lo, hi = st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax
		v, null, err := floatCell(view(cell), sep == ',')
		if err != nil {
			return size + ci.observeRecords(b, j, rec+1, n), false
		}
		if null {
			p.null(j, row+rec)
		}
		vals[row+rec] = v
	}
	st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax = ints, floats, lo, hi
	return size, true
}

// observeInts is observeFloats for an integer column.
func (p *piece) observeInts(ci *colInfer, b *csvscan.Batch, j, row int) (int64, bool) {
	st := ci.st
	sep := p.cb.sep
	vals := arrow.Int64Traits.CastFromBytes(p.cb.cols[j].vals.Bytes())
	row += p.row0
	n := b.Len()
	ints, lo, hi := st.Cells[CellInt], st.IntMin, st.IntMax
	var size int64
	for rec := range n {
		cell := b.Cell(rec, j)
		size += int64(len(cell))
		if len(cell) == 0 {
			st.Cells[CellEmpty]++
			p.null(j, row+rec)
			continue
		}
		if ints > 0 {
			if v, ok := plainInt(cell); ok { // inlined (plainDigits)
				ints++
				lo, hi = min(lo, v), max(hi, v)
				vals[row+rec] = v
				continue
			}
			if k, v := scanNumber(cell, sep); k == CellInt {
				ints++ // a signed integer
				lo, hi = min(lo, v), max(hi, v)
				vals[row+rec] = v
				continue
			}
		}
		st.Cells[CellInt], st.IntMin, st.IntMax = ints, lo, hi
		ci.observe(cell, int64(b.Line(rec)))
		ints, lo, hi = st.Cells[CellInt], st.IntMin, st.IntMax
		v, null, err := intCell(view(cell))
		if err != nil {
			return size + ci.observeRecords(b, j, rec+1, n), false
		}
		if null {
			p.null(j, row+rec)
		}
		vals[row+rec] = v
	}
	st.Cells[CellInt], st.IntMin, st.IntMax = ints, lo, hi
	return size, true
}

// observeText is observeFloats for a column kept as text, whose cells
// are copied whatever their kind.
func (p *piece) observeText(ci *colInfer, b *csvscan.Batch, j, row int) (int64, bool) {
	offs := arrow.Int32Traits.CastFromBytes(p.cb.cols[j].vals.Bytes())
	row += p.row0
	data := p.data[j].Buf()
	at := p.size[j]
	n := b.Len()
	var size int64
	for rec := range n {
		cell := b.Cell(rec, j)
		size += int64(len(cell))
		if len(cell) == 0 {
			ci.st.Cells[CellEmpty]++
			p.null(j, row+rec)
			offs[row+rec+1] = int32(at)
			continue
		}
		// observe's two commonest cases are written out: a call in this
		// loop spills its registers for every cell.
		switch {
		case ci.iso.sameDate(cell) && clockWord(binary.LittleEndian.Uint64(cell[11:19])):
			ci.st.Cells[CellTime]++ // a timestamp of the remembered date, without fraction or zone
		case len(cell) <= 7:
			if k := shortKey(cell); ci.short[shortSlot(k)] == k {
				ci.st.Cells[CellText]++ // a short text cell seen before
				break
			}
			ci.observe(cell, int64(b.Line(rec)))
		default:
			ci.observe(cell, int64(b.Line(rec)))
		}
		if at+len(cell) > len(data) {
			if data = p.growText(j, at, len(cell)); data == nil {
				return size + ci.observeRecords(b, j, rec+1, n), false
			}
		}
		at += copy(data[at:], cell)
		offs[row+rec+1] = int32(at)
	}
	p.size[j] = at
	return size, true
}

// columnWorkers observe the columns of the batches that inference reads
// in one goroutine on n goroutines, column j on goroutine j%n, while
// that goroutine reads the next batches: each goroutine takes the
// batches in order, and a batch goes back to the reader when every
// goroutine is done with it.
type columnWorkers struct {
	n     int
	h     *holding // nil when nothing is held
	cols  []colInfer
	queue []chan columnJob // to each goroutine
	free  chan *csvscan.Batch
	busy  sync.WaitGroup // the batches given and not yet observed
	wg    sync.WaitGroup
}

// columnJob is a batch to observe, whose columns' bytes are added to
// sizes, converting it into c from row row (see holding.observe).
type columnJob struct {
	b     *csvscan.Batch
	sizes []int64
	c     *heldChunk
	row   int
	left  *atomic.Int32 // the goroutines not done with it
}

// startColumnWorkers starts n goroutines that observe cols, holding with
// h; stop stops them.
func startColumnWorkers(n int, h *holding, cols []colInfer) *columnWorkers {
	ahead := 2 * n // batches read ahead
	w := &columnWorkers{n: n, h: h, cols: cols, queue: make([]chan columnJob, n), free: make(chan *csvscan.Batch, ahead)}
	for range ahead {
		w.free <- new(csvscan.Batch)
	}
	for i := range w.queue {
		w.queue[i] = make(chan columnJob, ahead)
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for job := range w.queue[i] {
				for j := i; j < len(w.cols); j += w.n {
					job.sizes[j] += w.h.observe(job.c, job.row, &w.cols[j], job.b, j)
				}
				if job.left.Add(-1) == 0 {
					w.free <- job.b
					w.busy.Done()
				}
			}
		}()
	}
	return w
}

// batch returns a batch to read into, once one is free.
func (w *columnWorkers) batch() *csvscan.Batch { return <-w.free }

// observe gives the goroutines the batch b to observe, adding its
// columns' bytes to sizes and converting it into c from row row. b is
// theirs until wait returns; only its reader may read it meanwhile.
func (w *columnWorkers) observe(b *csvscan.Batch, sizes []int64, c *heldChunk, row int) {
	job := columnJob{b: b, sizes: sizes, c: c, row: row, left: new(atomic.Int32)}
	job.left.Store(int32(w.n))
	w.busy.Add(1)
	for _, q := range w.queue {
		q <- job
	}
}

// wait returns when every batch given is observed.
func (w *columnWorkers) wait() { w.busy.Wait() }

// stop stops the goroutines, once they have observed what they were given.
func (w *columnWorkers) stop() {
	for _, q := range w.queue {
		close(q)
	}
	w.wg.Wait()
}
