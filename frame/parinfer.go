package frame

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/influxframe/influxframe/internal/csvscan"
)

// Parallel inference. Where a record starts depends on the quote state,
// which the bytes around an offset cannot tell, so the rows cannot be cut
// into ranges exactly before they are read. They are cut speculatively:
// the data after the header is split into n equal byte ranges, each cut
// moved to just past a line end, and n workers infer a range each as if
// a record started there, counting lines from there. Worker i reads the
// records that start before the next cut, going past it to finish the
// last one, and notes where the first record at or after the cut starts
// (next). That offset is exact when worker i's own start was, so the
// speculation of worker i+1 was right exactly when its first record
// starts there too: from a record start the tokenizer's state is the
// same whatever came before. A range whose speculation was wrong (the cut
// fell inside a quoted cell that spans lines) is inferred again from the
// exact offset, after the others. Ranges then merge in order: counts add
// up, the first cell of each kind is the earliest range's, with its line
// shifted by the lines before the range, and the first error in input
// order is the error. Chunk starts come from notes every few records of
// each range, completed by reading the few records between a note and
// the chunk's first.

// minRangeBytes is the least input per inference worker.
var minRangeBytes int64 = 256 << 10

// testProcs, when not 0, is the number of workers tests ask for, in place
// of GOMAXPROCS.
var testProcs int

// procs returns how many goroutines may run at once: GOMAXPROCS.
func procs() int {
	if testProcs > 0 {
		return testProcs
	}
	return runtime.GOMAXPROCS(0)
}

// rangeOut is one worker's inference of a range of rows.
type rangeOut struct {
	start     int64 // where the worker started (exact or speculative)
	first     int64 // the offset of its first record (next when none)
	firstLine int   // its line, counted from start
	next      int64 // the offset of the first record at or after the next cut, or the end
	nextLine  int   // its line, counted from start (0 at the end)
	rows      int64
	cols      []colInfer
	bytes     []int64 // of each column's cells
	notes     []note  // every noteEvery-th record
	err       error   // the csvscan error that stopped it, with lines counted from start
	aborted   bool    // a record grew past maxSpeculated bytes: read the range again
}

// maxSpeculated bounds the bytes of one record a worker reads in a range
// whose start is speculative: started inside a quoted cell, it could take
// the rest of the input for one cell. A longer record, speculative or not,
// has its range read again without the bound.
var maxSpeculated int64 = 8 << 20

// boundedSection reads a section of an input up to a limit that the
// reader of a range moves forward record by record.
type boundedSection struct {
	r     *io.SectionReader
	pos   int64 // bytes read
	limit int64 // ... up to here; < 0: no limit
	hit   bool  // the limit stopped a read
}

func (b *boundedSection) Read(p []byte) (int, error) {
	if b.limit >= 0 {
		if b.pos >= b.limit {
			b.hit = true
			return 0, io.EOF
		}
		p = p[:min(int64(len(p)), b.limit-b.pos)]
	}
	n, err := b.r.Read(p)
	b.pos += int64(n)
	return n, err
}

// note is where a record starts: its offset and its line, counted from
// the range's start.
type note struct {
	offset int64
	line   int
}

// inferWorkers returns how many workers should infer the rows after the
// header, which c has read: 0 for reading them in one goroutine.
func (r *CSVReader) inferWorkers(c *csvscan.Reader) (int, io.ReaderAt) {
	ra, ok := r.src.(io.ReaderAt)
	if !ok || r.shard != nil || r.spooling || r.size < 0 || r.holdsAll() {
		return 0, nil
	}
	n := min(procs(), int((r.size-c.InputOffset())/minRangeBytes))
	if n < 2 {
		return 0, nil
	}
	return n, ra
}

// inferParallel infers the rows after those c has read, on n workers
// reading ra, into cols; it sets r.total, r.starts and r.end.
func (r *CSVReader) inferParallel(c *csvscan.Reader, ra io.ReaderAt, n int, cols []colInfer, comma bool) error {
	from, to := c.InputOffset(), r.size
	linesBefore := c.LinesRead()
	ncols := len(cols)
	every := min(64, r.opts.ChunkSize)

	// The cuts: just past the first line end at or after each equal
	// share of the bytes.
	cuts := make([]int64, n+1)
	cuts[0], cuts[n] = from, to
	for i := 1; i < n; i++ {
		cuts[i] = max(lineAfter(ra, r.base, from+int64(i)*(to-from)/int64(n), to), cuts[i-1])
	}
	var read atomic.Int64
	outs := make([]rangeOut, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = r.inferRange(ra, cuts[i], cuts[i+1], to, ncols, comma, every, &read, true)
		}()
	}
	r.waitInferring(&wg, &read, from)

	// Merge in order, inferring again the ranges whose speculation was
	// wrong.
	before := make([]int, n) // lines before each range's start
	before[0] = linesBefore
	for i := range n {
		o := &outs[i]
		if i > 0 && o.first != outs[i-1].next {
			*o = r.inferRange(ra, outs[i-1].next, cuts[i+1], to, ncols, comma, every, &read, false)
		} else if o.aborted {
			*o = r.inferRange(ra, o.start, cuts[i+1], to, ncols, comma, every, &read, false)
		}
		if i > 0 {
			// The record at the previous range's next is on line
			// nextLine of that range and firstLine of this one.
			prev := &outs[i-1]
			before[i] = before[i-1] + prev.nextLine - o.firstLine
		}
		if o.err != nil {
			return r.wrap(shiftLines(o.err, before[i]))
		}
	}
	rowBase := r.total
	for i := range n {
		o := &outs[i]
		for j := range cols {
			mergeStats(cols[j].st, o.cols[j].st, int64(before[i]))
		}
		// The pieces that start in this range.
		for g := r.pieceAtOrAfter(rowBase); g < rowBase+o.rows; g = r.pieceEnd(g) {
			st, err := r.chunkStartAt(ra, o, g-rowBase, every, before[i], ncols, to)
			if err != nil {
				return err
			}
			r.starts = append(r.starts, st)
		}
		rowBase += o.rows
	}
	r.total = rowBase
	r.end = to
	r.estimateSizes(outs)
	return nil
}

// waitInferring waits for the workers, showing their progress.
func (r *CSVReader) waitInferring(wg *sync.WaitGroup, read *atomic.Int64, from int64) {
	progress := r.opts.Inferring
	if progress == nil {
		wg.Wait()
		return
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	size := r.inputSize()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			progress(from+read.Load(), size)
		}
	}
}

// inferRange infers the records that start from start (exactly, or as
// the speculation goes) to stop, reading to the end of the record that
// stop falls in, in a reader of ra up to to. When bounded, a record
// longer than maxSpeculated aborts it.
func (r *CSVReader) inferRange(ra io.ReaderAt, start, stop, to int64, ncols int, comma bool, every int, read *atomic.Int64, bounded bool) rangeOut {
	sec := &boundedSection{r: io.NewSectionReader(ra, r.base+start, to-start), limit: -1}
	if bounded {
		sec.limit = maxSpeculated
	}
	c := r.newCSV(sec)
	c.StartAt(0, start)
	c.FieldsPerRecord = ncols
	o := rangeOut{start: start, first: -1, next: to, cols: make([]colInfer, ncols), bytes: make([]int64, ncols)}
	for i := range o.cols {
		o.cols[i] = colInfer{st: &Stats{}, comma: comma}
	}
	last := start
	var b csvscan.Batch
	for {
		err := c.ReadBatch(&b, batchRows)
		if sec.hit {
			o.aborted, o.next = true, -1
			break
		}
		if err == io.EOF {
			break
		}
		// The records of the batch before the next cut are the range's.
		n, stopped := b.Len(), false
		for rec := range n {
			off, line := b.Offset(rec), b.Line(rec)
			if off >= stop && stop < to {
				o.next, o.nextLine = off, line
				n, stopped = rec, true
				break
			}
			if o.first < 0 {
				o.first, o.firstLine = off, line
			}
			if (o.rows+int64(rec))%int64(every) == 0 {
				o.notes = append(o.notes, note{off, line})
			}
		}
		for j := range o.cols {
			o.bytes[j] += o.cols[j].observeRecords(&b, j, 0, n)
		}
		o.rows += int64(n)
		if stopped {
			break
		}
		if err != nil {
			// The record that failed starts at RecordOffset.
			off, line := c.RecordOffset(), 0
			if pe, ok := err.(*csvscan.ParseError); ok {
				line = pe.StartLine
			}
			if off >= stop && stop < to {
				o.next, o.nextLine = off, line
			} else {
				if o.first < 0 {
					o.first, o.firstLine = off, line
				}
				o.err = err
			}
			break
		}
		if bounded {
			sec.limit = c.InputOffset() - start + maxSpeculated
		}
		in := c.InputOffset()
		read.Add(in - last)
		last = in
	}
	read.Add(c.InputOffset() - last)
	if o.first < 0 {
		o.first, o.firstLine = o.next, o.nextLine
		if o.next == to {
			o.firstLine = c.LinesRead() + 1
		}
	}
	if o.next == to {
		o.nextLine = c.LinesRead() + 1
	}
	return o
}

// chunkStartAt returns where the l-th record of a range starts, reading
// from the note before it.
func (r *CSVReader) chunkStartAt(ra io.ReaderAt, o *rangeOut, l int64, every int, before, ncols int, to int64) (chunkStart, error) {
	nt := o.notes[l/int64(every)]
	c := r.newCSV(io.NewSectionReader(ra, r.base+nt.offset, to-nt.offset))
	c.StartAt(before+nt.line-1, nt.offset)
	c.FieldsPerRecord = ncols
	for range l % int64(every) {
		if _, err := c.ReadBytes(); err != nil {
			return chunkStart{}, r.wrap(err)
		}
	}
	if _, err := c.ReadBytes(); err != nil {
		return chunkStart{}, r.wrap(err)
	}
	line, _ := c.FieldPos(0)
	return chunkStart{offset: c.RecordOffset(), line: line - 1}, nil
}

// estimateSizes sets each chunk's bytes per column from the columns'
// average cell size: parallel inference does not count them per chunk.
func (r *CSVReader) estimateSizes(outs []rangeOut) {
	if len(r.starts) == 0 || r.total == 0 {
		return
	}
	total := make([]int64, len(outs[0].bytes))
	for _, o := range outs {
		for j, b := range o.bytes {
			total[j] += b
		}
	}
	row := int64(0)
	for k := range r.starts {
		rows := min(r.pieceEnd(row), r.total) - row
		row += rows
		if r.starts[k].bytes != nil {
			continue // counted: the first record of an input without a header
		}
		sizes := make([]int64, len(total))
		for j, t := range total {
			sizes[j] = t*rows/r.total + 1
		}
		r.starts[k].bytes = sizes
	}
}

// lineAfter returns the offset just past the first line end (LF, CR LF or
// a lone CR) at or after off, or to when there is none.
func lineAfter(ra io.ReaderAt, base, off, to int64) int64 {
	buf := make([]byte, 64<<10)
	for off < to {
		n, err := ra.ReadAt(buf[:min(int64(len(buf)), to-off)], base+off)
		if i := bytes.IndexAny(buf[:n], "\r\n"); i >= 0 {
			end := off + int64(i) + 1
			if buf[i] == '\r' {
				if i+1 < n {
					if buf[i+1] == '\n' {
						end++
					}
				} else if end < to {
					var b [1]byte
					if _, err := ra.ReadAt(b[:], base+end); err == nil && b[0] == '\n' {
						end++
					}
				}
			}
			return end
		}
		if err != nil && n == 0 {
			return to
		}
		off += int64(n)
	}
	return to
}

// shiftLines returns a csvscan error with its lines counted from a range's
// start as lines of the whole input, before lines coming first.
func shiftLines(err error, before int) error {
	pe, ok := err.(*csvscan.ParseError)
	if !ok {
		return err
	}
	shifted := *pe
	shifted.StartLine += before
	shifted.Line += before
	return &shifted
}

// mergeStats adds the statistics of a later range to s, its lines shifted
// by before.
func mergeStats(s, later *Stats, before int64) {
	for k := range s.Cells {
		if later.Cells[k] == 0 {
			continue
		}
		if s.Cells[k] == 0 && CellKind(k) != CellEmpty { // empty cells have no sample
			s.First[k] = Sample{Line: later.First[k].Line + before, Value: later.First[k].Value}
		}
		if CellKind(k) == CellInt {
			if s.Cells[k] == 0 || later.IntMin < s.IntMin {
				s.IntMin = later.IntMin
			}
			if s.Cells[k] == 0 || later.IntMax > s.IntMax {
				s.IntMax = later.IntMax
			}
		}
		s.Cells[k] += later.Cells[k]
	}
	s.Layouts |= later.Layouts
	s.FracDigits = max(s.FracDigits, later.FracDigits)
	s.NaN += later.NaN
}
