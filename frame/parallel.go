package frame

import (
	"fmt"
	"io"
	"sync"

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
const batchRows = 1024

// newChunkBuilder returns a builder of the reader's records.
func (r *CSVReader) newChunkBuilder() *chunkBuilder {
	return newChunkBuilder(r.opts.Allocator, r.schema, byte(r.dial().Decimal))
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

// startWorkers starts n workers converting every chunk of the input.
func (r *CSVReader) startWorkers(n int) *workers {
	ra := r.src.(io.ReaderAt)
	w := &workers{order: make(chan chan chunkOut, n), quit: make(chan struct{})}
	type job struct {
		k   int
		out chan chunkOut
	}
	jobs := make(chan job)
	w.wg.Add(1 + n)
	go func() {
		defer w.wg.Done()
		defer close(jobs)
		defer close(w.order)
		for k := range r.starts {
			out := make(chan chunkOut, 1)
			select {
			case w.order <- out:
			case <-w.quit:
				return
			}
			select {
			case jobs <- job{k, out}:
			case <-w.quit:
				return
			}
		}
	}()
	for range n {
		go func() {
			defer w.wg.Done()
			cb := r.newChunkBuilder()
			defer cb.release()
			var b csvscan.Batch
			for j := range jobs {
				j.out <- r.convertRange(ra, j.k, cb, &b)
			}
		}()
	}
	return w
}

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

// convertRange converts the k-th chunk of rows, read from ra, with cb.
func (r *CSVReader) convertRange(ra io.ReaderAt, k int, cb *chunkBuilder, b *csvscan.Batch) chunkOut {
	st := r.starts[k]
	end := r.end
	if k+1 < len(r.starts) {
		end = r.starts[k+1].offset
	}
	c := r.newCSV(io.NewSectionReader(ra, r.base+st.offset, end-st.offset))
	c.StartAt(st.line, st.offset)
	c.FieldsPerRecord = len(r.schema.Columns)
	rec, lines, err := r.convertChunk(c, k, cb, b, nil)
	return chunkOut{rec: rec, lines: lines, err: err}
}

// convertChunk reads the k-th chunk's rows from c, which is at its first
// record, in batches into b, and converts them with cb into a record,
// appending their lines to lines.
func (r *CSVReader) convertChunk(c *csvscan.Reader, k int, cb *chunkBuilder, b *csvscan.Batch, lines []int64) (arrow.Record, []int64, error) {
	chunk := int64(r.opts.ChunkSize)
	rows := int(min(chunk, r.total-int64(k)*chunk))
	if lines == nil {
		lines = make([]int64, 0, rows)
	}
	cb.start(rows, r.starts[k].bytes)
	for left := rows; left > 0; {
		err := c.ReadBatch(b, min(left, batchRows))
		if err == io.EOF {
			break
		}
		if n := b.Len(); n > 0 {
			if ce := cb.add(b); ce != nil {
				cell := b.Cell(ce.rec, ce.col)
				col := r.schema.Columns[ce.col]
				cb.release()
				return nil, lines, &ParseError{File: r.name, Line: int64(b.Line(ce.rec)), Column: ce.col + 1,
					ColumnName: col.Name, Value: string(cell), Err: fmt.Errorf("%w: %s", ce.err, col.Kind)}
			}
			for rec := range n {
				lines = append(lines, int64(b.Line(rec)))
			}
			left -= n
		}
		if err != nil {
			cb.release()
			return nil, lines, r.wrap(err)
		}
	}
	if len(lines) != rows {
		cb.release()
		return nil, lines, fmt.Errorf("frame: %s changed while it was read: %d rows in chunk %d where inference read %d", r.name, len(lines), k+1, rows)
	}
	return cb.finish(), lines, nil
}
