package frame

import (
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/influxframe/influxframe/internal/csvscan"
)

// Parallel conversion. Inference reads every record once, in order, and
// notes where each chunk of ChunkSize rows begins (chunkStart): the byte
// offset of its first record and the number of lines before it. The
// conversion pass then needs no more scanning to split the input: each
// chunk is a byte range that starts at a record, which a worker reads on
// its own (csvscan's StartAt numbers its lines as in the whole input) into
// its own record builder. Next hands out the workers' records in input
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

// reserve makes room in b for the k-th chunk's rows.
func (r *CSVReader) reserve(b *array.RecordBuilder, k int) {
	if k >= len(r.starts) {
		return
	}
	b.Reserve(int(min(int64(r.opts.ChunkSize), r.total-int64(k)*int64(r.opts.ChunkSize))))
	for i, n := range r.starts[k].bytes {
		if sb, ok := b.Field(i).(*array.StringBuilder); ok {
			sb.ReserveData(int(n))
		}
	}
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
			bld := array.NewRecordBuilder(r.opts.Allocator, r.schema.Arrow())
			defer bld.Release()
			convs := r.converters(bld)
			for j := range jobs {
				j.out <- r.convertChunk(ra, j.k, bld, convs)
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

// convertChunk converts the k-th chunk of rows, read from ra, with the
// converters of bld's builders.
func (r *CSVReader) convertChunk(ra io.ReaderAt, k int, bld *array.RecordBuilder, convs []cellConv) chunkOut {
	st := r.starts[k]
	end := r.end
	if k+1 < len(r.starts) {
		end = r.starts[k+1].offset
	}
	c := r.newCSV(io.NewSectionReader(ra, r.base+st.offset, end-st.offset))
	c.StartAt(st.line, st.offset)
	c.FieldsPerRecord = len(r.schema.Columns)
	rows := int(min(int64(r.opts.ChunkSize), r.total-int64(k)*int64(r.opts.ChunkSize)))
	lines := make([]int64, 0, rows)
	r.reserve(bld, k)
	lines, _, err := r.convertRows(c, convs, rows, lines)
	if err == nil && len(lines) != rows {
		err = fmt.Errorf("frame: %s changed while it was read: %d rows in chunk %d where inference read %d", r.name, len(lines), k+1, rows)
	}
	rec := bld.NewRecord()
	if err != nil {
		rec.Release()
		return chunkOut{err: err}
	}
	return chunkOut{rec: rec, lines: lines}
}

// convertRows reads up to max rows from c and appends them with convs,
// their lines to lines. done says that c reached the end of its input.
func (r *CSVReader) convertRows(c *csvscan.Reader, convs []cellConv, max int, lines []int64) (_ []int64, done bool, err error) {
	for n := 0; n < max; n++ {
		rec, err := c.ReadBytes()
		if err == io.EOF {
			return lines, true, nil
		}
		if err != nil {
			return lines, false, r.wrap(err)
		}
		line, _ := c.FieldPos(0)
		for i, cell := range rec {
			if err := convs[i](cell); err != nil {
				return lines, false, &ParseError{File: r.name, Line: int64(line), Column: i + 1,
					ColumnName: r.schema.Columns[i].Name, Value: string(cell),
					Err: fmt.Errorf("%w: %s", err, r.schema.Columns[i].Kind)}
			}
		}
		lines = append(lines, int64(line))
	}
	return lines, false, nil
}
