package frame

import (
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

// CSVOptions configure a CSVReader. The zero value reads comma-separated
// text with a header row in chunks of DefaultChunkSize rows.
type CSVOptions struct {
	// Comma is the field delimiter (default ',').
	Comma rune
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
type CSVReader struct {
	name     string
	opts     CSVOptions
	schema   *Schema
	src      io.ReadSeeker
	base     int64        // the offset in src where the input starts
	spooling bool         // src is a spool file filled during inference
	shard    *shardSpan   // the part of the input read, when opts.Shard is set
	closer   func() error // closes and removes what the reader opened
	cr       *csvscan.Reader
	convs    []converter
	bld      *array.RecordBuilder
	cur      arrow.Record
	lines    []int64
	rows     int64
	total    int64 // data rows, counted by inference
	err      error
	done     bool
	refs     atomic.Int64
}

type converter func(b array.Builder, cell string) error

// NewCSVReader infers the schema of the CSV text in r and returns a reader
// for its records. name is used in errors ("-" for stdin). When r is an
// io.ReadSeeker it is read twice; otherwise it is spooled to a temporary
// file during inference. The reader does not close r.
//
// With opts.Shard set, r must be a seekable file (an io.ReadSeeker, and a
// regular file when it is an *os.File): NewCSVReader scans all of it to
// find the shard's byte range, then infers over the header and the
// shard's rows.
func NewCSVReader(r io.Reader, name string, opts CSVOptions) (*CSVReader, error) {
	if opts.Comma == 0 {
		opts.Comma = ','
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	if opts.Comma == opts.Comment || opts.Comma == '"' || opts.Comma == '\n' || opts.Comma == '\r' {
		return nil, fmt.Errorf("frame: invalid CSV delimiter %q", opts.Comma)
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
	if seekable {
		start, _ = seeker.Seek(0, io.SeekCurrent)
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
	if _, err := cr.cr.Read(); err != nil { // header, checked by infer
		cr.closer()
		return nil, cr.wrap(err)
	}
	cr.bld = array.NewRecordBuilder(opts.Allocator, cr.schema.Arrow())
	return cr, nil
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
	r.bld = array.NewRecordBuilder(r.opts.Allocator, r.schema.Arrow())
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

// newCSV returns the record reader of in. csvscan keeps every byte of a
// cell as it is (a CR LF inside quotes stays CR LF), ends lines at LF, CR
// LF or a lone CR, and drops a BOM at the start.
func (r *CSVReader) newCSV(in io.Reader) *csvscan.Reader {
	c := csvscan.NewReader(in)
	c.Comma = r.opts.Comma
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
	stats := make([]*Stats, len(names))
	for i := range stats {
		stats[i] = &Stats{}
	}
	if r.shard != nil {
		if c, err = r.shardRows(len(header)); err != nil {
			return 0, err
		}
	}
	progress := r.opts.Inferring
	size := r.inputSize()
	for {
		rec, err := c.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, r.wrap(err)
		}
		line, _ := c.FieldPos(0)
		for i, cell := range rec {
			stats[i].observe(cell, int64(line))
		}
		r.total++
		if progress != nil && r.total%(64<<10) == 0 {
			progress(c.InputOffset(), size)
		}
	}
	if progress != nil {
		progress(c.InputOffset(), size)
	}
	cols := make([]Column, len(names))
	fields := make([]arrow.Field, len(names))
	r.convs = make([]converter, len(names))
	for i, n := range names {
		k := stats[i].kind()
		if forced, ok := r.opts.Kinds[n]; ok {
			k = forced
		}
		cols[i], fields[i], r.convs[i] = textColumn(n, k, stats[i])
	}
	s, err := NewSchema(cols, "", arrow.NewSchema(fields, nil))
	if err != nil {
		return 0, err
	}
	r.schema = s
	return len(names), nil
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
		return func(b array.Builder, s string) error {
			if blank(s) {
				b.AppendNull()
				return nil
			}
			v, ok := parseBool(s)
			if !ok {
				return ErrBadValue
			}
			b.(*array.BooleanBuilder).Append(v)
			return nil
		}
	case KindInt:
		return func(b array.Builder, s string) error {
			if blank(s) {
				b.AppendNull()
				return nil
			}
			v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return ErrBadValue
			}
			b.(*array.Int64Builder).Append(v)
			return nil
		}
	case KindFloat:
		return func(b array.Builder, s string) error {
			if blank(s) {
				b.AppendNull()
				return nil
			}
			v, ok := parseFloat(strings.TrimSpace(s))
			if !ok {
				if bv, isBool := parseBool(s); isBool {
					v = 0
					if bv {
						v = 1
					}
				} else {
					return ErrBadValue
				}
			}
			b.(*array.Float64Builder).Append(v)
			return nil
		}
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

func blank(s string) bool { return s == "" || strings.TrimSpace(s) == "" }

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
	r.lines = r.lines[:0]
	n := 0
	for n < r.opts.ChunkSize {
		rec, err := r.cr.Read()
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			r.err = r.wrap(err)
			return false
		}
		line, _ := r.cr.FieldPos(0)
		for i, cell := range rec {
			if err := r.convs[i](r.bld.Field(i), cell); err != nil {
				_, col := r.cr.FieldPos(i)
				_ = col
				r.err = &ParseError{File: r.name, Line: int64(line), Column: i + 1,
					ColumnName: r.schema.Columns[i].Name, Value: cell,
					Err: fmt.Errorf("%w: %s", err, r.schema.Columns[i].Kind)}
				return false
			}
		}
		r.lines = append(r.lines, int64(line))
		n++
	}
	if n == 0 {
		return false
	}
	r.rows += int64(n)
	r.cur = r.bld.NewRecord()
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
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.bld != nil {
		r.bld.Release()
		r.bld = nil
	}
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
