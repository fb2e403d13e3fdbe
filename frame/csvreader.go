package frame

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/internal/csvscan"
)

// DefaultChunkSize is the number of rows per record of every reader (CSV,
// Parquet, a DataFrame, a decoded query result) when no chunk size is
// given: large enough that per-record costs vanish, small enough that the
// few records a streaming import holds at once bound its memory.
const DefaultChunkSize = 16 * 1024

// CSVOptions configure a CSVReader. The zero value sniffs the dialect
// (see below) and reads chunks of DefaultChunkSize rows.
//
// The dialect. Comma, Quote, Decimal and NoHeader say how the input is
// written; what they leave unset (0, false) is sniffed from the first 64
// KiB of the input (its first 1000 records for the decimal separator and
// the header), as DuckDB's read_csv sniffs it:
//
//   - the delimiter and the quote: each of the delimiters ',' ';' tab and
//     '|', with the double quote and, when some field of the sample opens
//     with it, the single quote, reads the sample, and the one that reads
//     the most records, from the first, with the same number of fields
//     (more than one) wins; among equals, the one whose cells are more
//     often numbers, bools or timestamps, then the one with more fields,
//     then the one whose quote opens fields, then the earlier in that
//     order. No quoting is never sniffed: a stray quote is a syntax error
//     at its line (give NoQuote). When no delimiter splits the first two
//     records alike into several fields (or the first, and a syntax error
//     follows it) and ',' splits no record, the input is a one-column
//     table. Otherwise NewCSVReader fails with a *ParseError wrapping
//     ErrDialect, which lists what each candidate made of the sample. A
//     name ending in .tsv (also .tsv.gz) means Comma tab.
//   - the decimal separator: ',' when the delimiter is not ',' and more
//     cells of the sample are numbers written with a decimal comma ("1,5")
//     than with a decimal point; '.' otherwise. Numbers have no thousands
//     separator in either: with a decimal comma "1.234,5" and "1.5" are
//     text.
//   - the header: the first record names the columns unless each of its
//     cells fits the kind the other records of the sample give its column
//     (a number over numbers, a timestamp over timestamps; text columns
//     tell nothing) and at least one does. Without a header the columns
//     are named column0, column1, ... and the first record is data.
//
// NoSniff turns the sniffer off: Comma, Quote and Decimal left 0 are ',',
// '"' and '.', and the first record is a header unless NoHeader. When all
// of Comma, Quote and Decimal are given and NoHeader is set, nothing is
// sniffed either. Dialect says what was used.
type CSVOptions struct {
	// Comma is the field delimiter (default: sniffed; tab for a .tsv
	// name). It may be any character but a line end.
	Comma rune
	// Quote is the quote character: an ASCII character such as the
	// double or the single quote, or NoQuote when fields are not quoted
	// (default: sniffed). Doubled inside a quoted field, it stands for
	// itself.
	Quote rune
	// Decimal is the decimal separator of numbers, '.' or ',' (default:
	// sniffed). ',' needs a delimiter other than ','.
	Decimal rune
	// NoHeader says that the first record is data, not column names;
	// Header that it names the columns (default: sniffed; see the header
	// rule above for the one case where sniffing can be wrong: names that
	// look like the data under them, such as years).
	NoHeader, Header bool
	// NoSniff takes the defaults (',', '"', '.', a header) for the dialect
	// options left unset, instead of sniffing them.
	NoSniff bool
	// Comment, if not 0, starts comment lines.
	Comment rune
	// ChunkSize is the number of rows per record (default DefaultChunkSize).
	ChunkSize int
	// Kinds forces the kind of the named columns instead of inferring it.
	// KindText keeps a column as text whatever it looks like (tags, string
	// fields); a numeric kind makes a cell that does not parse an error.
	Kinds map[string]Kind
	// TempDir is where a non-seekable input is spooled (default os.TempDir).
	TempDir string
	// Allocator for the records (default memory.DefaultAllocator).
	Allocator memory.Allocator
	// HoldBytes bounds the records held from inference to Next (default
	// DefaultHoldBytes; negative: none). When inference reads the rows in
	// order (an input of at most HoldBytes/2 bytes, a stream, a shard, or
	// any input when GOMAXPROCS is 1) it also converts them, and holds the
	// chunks whose kinds it got right until Next hands them out: an input
	// whose records fit in HoldBytes of Arrow buffers is read and split
	// once, not twice.
	HoldBytes int64
	// Shard, when Shard.N > 0, reads only the K-th (1-based) of N shards
	// of the input: the records that start in the K-th of N byte ranges
	// of the data after the header, each range's end moved forward to the
	// start of a record, which every process computes alike from the file
	// (see Shard for the exact rule). The input must be a seekable file;
	// the header is read from its start; inference, Lines and TotalRows
	// see the shard's rows only, with their lines in the file. The zero
	// value reads the whole input.
	Shard Shard
	// Inferring, if not nil, is called while inference reads the input
	// (every 64k rows, and once at the end) with the bytes read so far
	// and the input's size (-1 when unknown: a stream), so that a long
	// first pass can show its progress.
	Inferring func(read, size int64)
}

// CSVReader reads a CSV file into typed Arrow records. It infers the kind of
// every column over every row when it is created, then yields records of
// CSVOptions.ChunkSize rows with Next. It satisfies array.RecordReader.
//
// When its input is an io.ReaderAt (a file, a spool file, a bytes.Reader)
// and GOMAXPROCS > 1, inference and conversion run on up to GOMAXPROCS
// goroutines (see the package documentation); the reader is still used
// from one goroutine, and Release stops them.
type CSVReader struct {
	name     string
	opts     CSVOptions
	dialect  Dialect
	schema   *Schema
	src      io.ReadSeeker
	base     int64        // the offset in src where the input starts
	spooling bool         // src is a spool file filled during inference
	shard    *shardSpan   // the part of the input read, when opts.Shard is set
	closer   func() error // closes and removes what the reader opened
	cr       *csvscan.Reader
	batch    csvscan.Batch // the records read last, when Next converts them itself
	cur      arrow.Record
	lines    []int64
	rows     int64
	total    int64 // data rows, counted by inference
	err      error
	done     bool
	refs     atomic.Int64

	size   int64            // the input's bytes from base; -1 when unknown (a stream)
	starts []chunkStart     // where each piece of rows begins, noted by inference
	end    int64            // the offset from base where the rows end
	wk     *workers         // converting chunks in parallel, when started
	seq    bool             // Next converts the rows itself
	crRow  int64            // the row cr is at, when Next converts the rows
	held   map[int]chunkOut // chunks inference converted, by number (see holding)
}

// converter appends one cell of text to a builder (DataFrameReader's
// string columns); the CSV reader converts bytes with a chunkBuilder.
type converter func(b array.Builder, cell string) error

// NewCSVReader infers the schema of the CSV text in r and returns a reader
// for its records. name is used in errors ("-" for stdin), and a name
// ending in .tsv means tab-separated. When r is an io.ReadSeeker it is read
// twice; otherwise it is spooled to a temporary file during inference. The
// dialect options left unset are sniffed from the first 64 KiB of the
// input first (see CSVOptions). The reader does not close r.
//
// With opts.Shard set, r must be a seekable file (an io.ReadSeeker, and a
// regular file when it is an *os.File): NewCSVReader scans all of it to
// find the shard's byte range, then infers over the header and the
// shard's rows.
func NewCSVReader(r io.Reader, name string, opts CSVOptions) (*CSVReader, error) {
	if opts.Comma == 0 && isTSV(name) {
		opts.Comma = '\t'
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if err := opts.Shard.check(); err != nil {
		return nil, err
	}
	cr := &CSVReader{name: name, opts: opts, closer: func() error { return nil }}
	cr.refs.Store(1)

	if opts.Shard.N > 0 {
		return cr.openShard(r)
	}

	var in io.Reader = r
	seeker, seekable := r.(io.ReadSeeker)
	if seekable {
		if _, err := seeker.Seek(0, io.SeekCurrent); err != nil {
			seekable = false // a pipe or terminal behind *os.File
		}
	}
	var spool *os.File
	if seekable {
		cr.src = seeker
	} else {
		f, err := os.CreateTemp(opts.TempDir, "influxframe-spool-*.csv")
		if err != nil {
			return nil, fmt.Errorf("frame: spooling %s: %w", name, err)
		}
		spool = f
		cr.spooling = true
		cr.src = f
		cr.closer = func() error { f.Close(); return os.Remove(f.Name()) }
		in = io.TeeReader(r, f)
	}
	start := int64(0)
	cr.size = -1
	if seekable {
		start, _ = seeker.Seek(0, io.SeekCurrent)
		if end, err := seeker.Seek(0, io.SeekEnd); err == nil {
			cr.size = end - start
		}
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, fmt.Errorf("frame: rewinding %s: %w", name, err)
		}
	}
	cr.base = start
	var sample []byte
	whole := false
	if opts.needsSample() {
		var err error
		if sample, whole, err = readSample(in); err != nil {
			cr.closer()
			return nil, fmt.Errorf("frame: reading %s: %w", name, err)
		}
		in = io.MultiReader(bytes.NewReader(sample), in)
	}
	var err error
	if cr.dialect, err = sniff(sample, whole, opts, name); err != nil {
		cr.closer()
		return nil, err
	}
	if _, err := cr.infer(in); err != nil {
		cr.closer()
		return nil, err
	}
	if spool != nil {
		// Drain what inference did not read (nothing, normally).
		if _, err := io.Copy(io.Discard, in); err != nil {
			cr.closer()
			return nil, fmt.Errorf("frame: spooling %s: %w", name, err)
		}
	}
	if _, err := cr.src.Seek(start, io.SeekStart); err != nil {
		cr.closer()
		return nil, fmt.Errorf("frame: rewinding %s: %w", name, err)
	}
	cr.cr = cr.newCSV(cr.src)
	if cr.dialect.Header {
		if _, err := cr.cr.Read(); err != nil { // checked by infer
			cr.closer()
			return nil, cr.wrap(err)
		}
	}
	return cr, nil
}

// sniffShard decides the dialect of a shard's file from its first bytes,
// as every process reading a shard of it does, and rewinds it.
func (r *CSVReader) sniffShard(src io.ReadSeeker, base, size int64) error {
	var sample []byte
	whole := false
	if r.opts.needsSample() {
		var err error
		if sample, whole, err = readSample(io.LimitReader(src, size)); err != nil {
			return fmt.Errorf("frame: reading %s: %w", r.name, err)
		}
		if _, err := src.Seek(base, io.SeekStart); err != nil {
			return fmt.Errorf("frame: rewinding %s: %w", r.name, err)
		}
	}
	var err error
	r.dialect, err = sniff(sample, whole, r.opts, r.name)
	return err
}

// openShard makes r the reader of the shard opts.Shard of the seekable
// file in: it scans in for the shard's span, infers over the header and the
// span, and leaves the reader at the span's first record.
func (r *CSVReader) openShard(in io.Reader) (*CSVReader, error) {
	src, base, size, err := shardInput(in, r.name, r.opts.Shard)
	if err != nil {
		return nil, err
	}
	r.src, r.base = src, base
	if err := r.sniffShard(src, base, size); err != nil {
		return nil, err
	}
	spans, err := r.shardSpans(src, size, r.opts.Shard.N)
	if err != nil {
		return nil, err
	}
	r.shard = &spans[r.opts.Shard.K-1]
	if _, err := src.Seek(base, io.SeekStart); err != nil {
		return nil, fmt.Errorf("frame: rewinding %s: %w", r.name, err)
	}
	fields, err := r.infer(io.LimitReader(src, size))
	if err != nil {
		return nil, err
	}
	if r.cr, err = r.shardRows(fields); err != nil {
		return nil, err
	}
	return r, nil
}

// shardRows seeks to the shard's first record and returns the reader of
// the shard's records, which numbers lines as in the whole file and
// expects fields fields, as the header has.
func (r *CSVReader) shardRows(fields int) (*csvscan.Reader, error) {
	sp := r.shard
	if _, err := r.src.Seek(r.base+sp.start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("frame: seeking in %s: %w", r.name, err)
	}
	c := r.newCSV(io.LimitReader(r.src, sp.end-sp.start))
	c.StartAt(sp.line, sp.start)
	c.FieldsPerRecord = fields
	return c, nil
}

// newCSV returns the record reader of in, in the reader's dialect.
// csvscan keeps every byte of a cell as it is (a CR LF inside quotes stays
// CR LF), ends lines at LF, CR LF or a lone CR, and drops a BOM at the
// start.
func (r *CSVReader) newCSV(in io.Reader) *csvscan.Reader {
	d := r.dial()
	c := csvscan.NewReader(in)
	c.Comma = d.Delimiter
	c.Quote = d.Quote
	c.Comment = r.opts.Comment
	c.ReuseRecord = true
	return c
}

// infer reads every row once (of the shard only, when reading one),
// gathering Stats per column, and builds the schema and the per-column
// converters. It returns the number of columns.
func (r *CSVReader) infer(in io.Reader) (int, error) {
	c := r.newCSV(in)
	header, err := c.Read()
	if err == io.EOF {
		return 0, &ParseError{File: r.name, Line: 1, Err: ErrNoHeader}
	}
	if err != nil {
		return 0, r.wrap(err)
	}
	comma := r.dialect.Decimal == ','
	if !r.dialect.Header {
		return r.inferRows(c, columnNames(len(header)), header, comma)
	}
	names := make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h) // a BOM before the header is dropped by csvscan
		if h == "" {
			h = "Unnamed: " + strconv.Itoa(i) // as pandas names it
		}
		if j, dup := seen[h]; dup {
			return 0, &ParseError{File: r.name, Line: 1, Column: i + 1, ColumnName: h,
				Err: fmt.Errorf("%w (also column %d)", ErrDupColumn, j+1)}
		}
		seen[h] = i
		names[i] = h
	}
	return r.inferRows(c, names, nil, comma)
}

// inferRows reads the rows of c, after the header if any, for infer:
// first, if not nil, is the first row, already read from c (an input
// without a header). A shard's rows are read from the shard instead, whose
// first row is first when it is the shard of the first record.
func (r *CSVReader) inferRows(c *csvscan.Reader, names []string, first []string, comma bool) (int, error) {
	stats := make([]*Stats, len(names))
	for i := range stats {
		stats[i] = &Stats{}
	}
	if r.shard != nil {
		var err error
		if c, err = r.shardRows(len(names)); err != nil {
			return 0, err
		}
		first = nil
	}
	var sizes []int64 // the current piece's bytes per column
	if first != nil {
		line, _ := c.FieldPos(0)
		sizes = make([]int64, len(names))
		r.starts = append(r.starts, chunkStart{c.RecordOffset(), line - 1, sizes})
		for i, cell := range first {
			stats[i].observeIn(cell, int64(line), comma)
			sizes[i] += int64(len(cell))
		}
		r.total++
	}
	cols := make([]colInfer, len(names))
	for i := range cols {
		cols[i] = colInfer{st: stats[i], comma: comma}
	}
	if n, ra := r.inferWorkers(c); n > 1 {
		if err := r.inferParallel(c, ra, n, cols, comma); err != nil {
			return 0, err
		}
		if p := r.opts.Inferring; p != nil {
			p(r.end, r.inputSize())
		}
		return r.decide(names, stats)
	}
	progress := r.opts.Inferring
	size := r.inputSize()
	h := newHolding(r, names)
	// The columns of a batch are observed on every core while the next
	// batches are read.
	var cw *columnWorkers
	wait := func() {}
	var single csvscan.Batch
	if n := min(procs(), len(cols)); n > 1 {
		cw = startColumnWorkers(n, h, cols)
		defer cw.stop()
		wait = cw.wait
	}
	for {
		b := &single
		if cw != nil {
			b = cw.batch()
		}
		// A batch ends at the next piece's first record, which starts it.
		err := c.ReadBatch(b, int(min(batchRows, r.pieceEnd(r.total)-r.total)))
		if err == io.EOF {
			break
		}
		if n := b.Len(); n > 0 {
			if r.pieceAtOrAfter(r.total) == r.total {
				sizes = make([]int64, len(names))
				r.starts = append(r.starts, chunkStart{b.Offset(0), b.Line(0) - 1, sizes})
			}
			hc, row := h.before(b, r.total, wait)
			if cw != nil {
				cw.observe(b, sizes, hc, row)
			} else {
				for j := range cols {
					sizes[j] += h.observe(hc, row, &cols[j], b, j)
				}
			}
			h.after(b, cols, wait)
			before := r.total
			r.total += int64(n)
			if progress != nil && r.total/(64<<10) != before/(64<<10) {
				progress(c.InputOffset(), size)
			}
		}
		if err != nil {
			wait()
			if h != nil {
				h.release()
			}
			return 0, r.wrap(err)
		}
	}
	wait()
	r.end = c.InputOffset()
	if progress != nil {
		progress(c.InputOffset(), size)
	}
	n, err := r.decide(names, stats)
	if h != nil {
		if err != nil {
			h.release()
		} else {
			h.keep()
		}
	}
	return n, err
}

// decide builds the schema from the columns' statistics, and returns the
// number of columns.
func (r *CSVReader) decide(names []string, stats []*Stats) (int, error) {
	columns := make([]Column, len(names))
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		columns[i], fields[i], _ = textColumn(n, r.columnKind(n, stats[i]), stats[i])
	}
	s, err := NewSchema(columns, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return 0, err
	}
	r.schema = s
	return len(names), nil
}

// columnKind returns the kind of the column named name with statistics
// st: the kind forced by CSVOptions.Kinds, or the kind st says.
func (r *CSVReader) columnKind(name string, st *Stats) Kind {
	if forced, ok := r.opts.Kinds[name]; ok {
		return forced
	}
	return st.kind()
}

// storedKinds returns the kind in which each column of the schema is
// converted (storedKind).
func (r *CSVReader) storedKinds() []Kind {
	kinds := make([]Kind, len(r.schema.Columns))
	for i, c := range r.schema.Columns {
		kinds[i] = storedKind(c.Kind)
	}
	return kinds
}

// textColumn returns the column, Arrow field and cell converter of a column
// of text cells of kind k (st.kind() unless forced) with statistics st. The
// CSV reader and FromDataFrame's string columns both use it.
func textColumn(name string, k Kind, st *Stats) (Column, arrow.Field, converter) {
	return Column{Name: name, Kind: k, Stats: st},
		arrow.Field{Name: name, Type: arrowTypeOf(k), Nullable: true},
		converterOf(k)
}

// inputSize returns the bytes of the input from where the reader started,
// or -1 when it is a stream being spooled.
func (r *CSVReader) inputSize() int64 {
	f, ok := r.src.(*os.File)
	if !ok || r.spooling {
		return -1
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1
	}
	return fi.Size() - r.base
}

// arrowTypeOf is the Arrow type a CSV column of kind k is stored as.
func arrowTypeOf(k Kind) arrow.DataType {
	switch k {
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindInt:
		return arrow.PrimitiveTypes.Int64
	case KindFloat:
		return arrow.PrimitiveTypes.Float64
	default: // null, time, text, mixed: the cell text
		return arrow.BinaryTypes.String
	}
}

// converterOf returns the function that appends one cell to a builder of
// the column's type; empty cells are nulls.
func converterOf(k Kind) converter {
	switch k {
	case KindBool:
		return valueConverter[bool, *array.BooleanBuilder](boolCell)
	case KindInt:
		return valueConverter[int64, *array.Int64Builder](intCell)
	case KindFloat:
		return floatConverter(false)
	default:
		return func(b array.Builder, s string) error {
			if s == "" {
				b.AppendNull()
				return nil
			}
			b.(*array.StringBuilder).Append(s)
			return nil
		}
	}
}

// floatConverter returns the converter of a float column, whose numbers
// have a decimal comma when comma is set.
func floatConverter(comma bool) converter {
	return valueConverter[float64, *array.Float64Builder](func(s string) (float64, bool, error) {
		return floatCell(s, comma)
	})
}

// valueConverter returns the converter that appends to a builder B the
// value read reads from a cell, or a null.
func valueConverter[T any, B interface {
	Append(T)
	AppendNull()
}](read func(string) (v T, null bool, err error)) converter {
	return func(b array.Builder, s string) error {
		v, null, err := read(s)
		switch {
		case err != nil:
			return err
		case null:
			b.AppendNull()
		default:
			b.(B).Append(v)
		}
		return nil
	}
}

// The values of the cells of bool, integer and float columns: a blank
// cell is null, surrounding spaces do not count, and a cell that is not
// of the column's kind is ErrBadValue. The CSV reader's conversion
// (chunkBuilder) reads the common cells itself and the others with these;
// the DataFrame reader reads every cell with these.

// boolCell reads a bool column's cell.
func boolCell(s string) (v, null bool, err error) {
	if blank(s) {
		return false, true, nil
	}
	v, ok := parseBool(s)
	if !ok {
		return false, false, ErrBadValue
	}
	return v, false, nil
}

// intCell reads an integer column's cell.
func intCell(s string) (v int64, null bool, err error) {
	if blank(s) {
		return 0, true, nil
	}
	v, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, false, ErrBadValue
	}
	return v, false, nil
}

// floatCell reads a float column's cell, a number with a decimal comma
// when comma is set, or a bool, which is 0 or 1.
func floatCell(s string, comma bool) (v float64, null bool, err error) {
	if blank(s) {
		return 0, true, nil
	}
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

func blank(s string) bool { return s == "" || strings.TrimSpace(s) == "" }

// Dialect returns the dialect the reader reads, as given or sniffed.
func (r *CSVReader) Dialect() Dialect { return r.dial() }

// dial returns the reader's dialect, or, before it is decided, the one
// its options give without sniffing.
func (r *CSVReader) dial() Dialect {
	if r.dialect.Delimiter != 0 {
		return r.dialect
	}
	o := r.opts
	o.NoSniff = true
	d, _ := sniff(nil, true, o, r.name)
	return d
}

// Schema returns the inferred schema, with Stats for every column.
func (r *CSVReader) Schema() *arrow.Schema { return r.schema.Arrow() }

// FrameSchema returns the inferred frame schema, with Stats for every column.
func (r *CSVReader) FrameSchema() *Schema { return r.schema }

// Name returns the input's name as given to NewCSVReader.
func (r *CSVReader) Name() string { return r.name }

// Next reads the next chunk of rows. It returns false at the end of the
// input or on error; Err tells which.
func (r *CSVReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done || r.err != nil {
		return false
	}
	if r.wk == nil && !r.seq {
		if n := r.parallelism(); n > 0 {
			r.wk = r.startWorkers(n)
		} else {
			r.seq = true
		}
	}
	if r.wk != nil {
		out, ok := r.wk.next()
		switch {
		case !ok:
			r.done = true
		case out.err != nil:
			r.err = out.err
		default:
			r.cur, r.lines = out.rec, out.lines
			r.rows += out.rec.NumRows()
			return true
		}
		r.wk.stop()
		r.wk = nil
		return false
	}
	if r.rows >= r.total {
		r.done = true
		return false
	}
	k := int(r.rows / int64(r.opts.ChunkSize))
	if out, ok := r.takeHeld(k); ok {
		r.cur, r.lines = out.rec, out.lines
		r.rows += out.rec.NumRows()
		return true
	}
	if r.crRow != r.rows {
		if r.err = r.seekChunk(k); r.err != nil {
			return false
		}
	}
	cb := r.newChunkBuilder(k, r.opts.ChunkSize)
	pc := &cb.pieces[0]
	pc.lines = r.lines[:0]
	pc.err = r.convertRows(r.cr, pc, &r.batch, k)
	r.lines = pc.lines
	rec, err := cb.finish()
	if err != nil {
		r.err = err
		return false
	}
	r.rows += rec.NumRows()
	r.crRow = r.rows
	r.cur = rec
	return true
}

// Record returns the current chunk. It is valid until the next call to Next
// or Release; Retain it to keep it longer.
func (r *CSVReader) Record() arrow.Record { return r.cur }

// Lines returns the 1-based source line of each row of the current chunk.
// The slice is reused by Next.
func (r *CSVReader) Lines() []int64 { return r.lines }

// TotalRows returns the number of data rows in the input (in the shard,
// when reading one), known since inference read them all.
func (r *CSVReader) TotalRows() int64 { return r.total }

// Err returns the error that stopped Next, if any.
func (r *CSVReader) Err() error { return r.err }

// Retain adds a reference to the reader.
func (r *CSVReader) Retain() { r.refs.Add(1) }

// Release drops a reference; the last one frees the current record and the
// spool file, if any.
func (r *CSVReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.wk != nil {
		r.wk.stop()
		r.wk = nil
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.releaseHeld()
	if r.closer != nil {
		r.closer()
		r.closer = nil
	}
}

// wrap turns a csvscan error into a *ParseError.
func (r *CSVReader) wrap(err error) error {
	var pe *csvscan.ParseError
	if errors.As(err, &pe) {
		cause := pe.Err
		if errors.Is(cause, csvscan.ErrFieldCount) {
			cause = ErrFieldCount
		}
		return &ParseError{File: r.name, Line: int64(pe.Line), Column: pe.Column, Err: cause}
	}
	return fmt.Errorf("frame: reading %s: %w", r.name, err)
}

var _ array.RecordReader = (*CSVReader)(nil)
var _ DialectReader = (*CSVReader)(nil)
