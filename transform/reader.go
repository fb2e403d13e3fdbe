package transform

import (
	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/frame"
)

// Reader normalises the records of a frame.ChunkReader: it is itself a
// frame.ChunkReader whose records are clean time series (see the package
// documentation), and it says, for every input chunk, which rows did not
// make it and why.
//
// Call Next until it returns false, then Err. After each Next, Record is
// the normalised chunk (valid until the next Next or Release), Lines the
// source line of each of its rows, and Rejects the rows of the same input
// chunk that could not become points. Next returns true once per input
// chunk, even when all of its rows were rejected (Record then has no rows),
// so that no reject goes unseen. Report has the totals so far.
type Reader struct {
	src     frame.ChunkReader
	n       *normalizer
	cur     arrow.Record
	lines   []int64
	rejects []frame.Reject
	noLines bool // the input has no lines
	err     error
}

var _ frame.ChunkReader = (*Reader)(nil)

// NewReader decides what each column of r becomes and returns a reader of
// normalised records. It takes r over: Release releases it, and so does
// NewReader when it fails.
//
// When r holds its cells as text until it converts them (frame.TextKeeper:
// the CSV reader), NewReader first makes the declared tags and string
// fields (or the contract's) text, so that they keep exactly what was
// written ("00501" stays "00501"). It then decides every column's role from
// the schema and its inference statistics alone, or checks them against
// Options.Contract and takes its decisions. Before a single row is read, a
// header without rows (ErrNoRows), a column that breaks the contract
// (ErrContract), a mixed-type column under MixedReject, a text column under
// StringsReject, a missing time column (ErrNoTimeColumn) or an integer one
// of no plausible unit (ErrAmbiguousTime) is a *SchemaError carrying the
// report and its suggestions; an unknown column in the options, no field
// left or invalid options is an error wrapping ErrNoColumn, ErrNoFields or
// ErrOptions. The measurement defaults to the contract's, then to the
// schema's, then to the input's base name; an input without any (a frame)
// needs Options.Measurement.
func NewReader(r frame.ChunkReader, opts Options) (*Reader, error) {
	n, err := newReaderNormalizer(r, opts)
	if err != nil {
		r.Release()
		return nil, err
	}
	return &Reader{src: r, n: n}, nil
}

func newReaderNormalizer(r frame.ChunkReader, opts Options) (*normalizer, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if tk, ok := r.(frame.TextKeeper); ok {
		s := r.FrameSchema()
		tags, stringFields := opts.Tags, opts.StringFields
		if opts.Contract != nil {
			tags, stringFields = opts.Contract.textColumns(s)
		}
		var text []string
		for _, c := range append(append([]string(nil), tags...), stringFields...) {
			if s.Index(c) >= 0 { // unknown names: newNormalizer says which
				text = append(text, c)
			}
		}
		if err := tk.KeepText(text...); err != nil {
			return nil, err
		}
	}
	rows := int64(-1)
	if rc, ok := r.(frame.RowCounter); ok {
		rows = rc.TotalRows()
	}
	return withDialect(r)(newNormalizer(r.FrameSchema(), r.Name(), rows, opts))
}

// Name returns the input's name.
func (r *Reader) Name() string { return r.src.Name() }

// FrameSchema returns the schema of the normalised records: the time
// column first, then the tags, then the fields, with their roles, the
// measurement and the write precision (Schema.Precision), which the
// records' Arrow schema metadata carries too.
func (r *Reader) FrameSchema() *frame.Schema { return r.n.out }

// Next normalises the next input chunk. It returns false at the end of the
// input or on error; Err tells which.
func (r *Reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.lines, r.rejects = r.lines[:0], r.rejects[:0]
	if r.err != nil || !r.src.Next() {
		if r.err == nil {
			r.err = r.src.Err()
		}
		return false
	}
	in := r.src.Lines()
	r.noLines = in == nil
	r.cur, r.lines, r.rejects, r.err = r.n.apply(r.src.Record(), in, r.lines, r.rejects)
	return r.err == nil
}

// Record returns the current normalised record. It is valid until the next
// call to Next or Release; Retain it to keep it longer.
func (r *Reader) Record() arrow.Record { return r.cur }

// Lines returns the 1-based source line of each row of the current record,
// or nil when the input has no lines. The slice is reused by Next.
func (r *Reader) Lines() []int64 {
	if r.noLines {
		return nil
	}
	return r.lines
}

// Rejects returns the rows of the current input chunk that could not
// become points, with their position, reason and cells; they are counted
// in the report. The slice is reused by Next.
func (r *Reader) Rejects() []frame.Reject { return r.rejects }

// Err returns the error that stopped Next, if any.
func (r *Reader) Err() error { return r.err }

// Report returns a copy of the report so far: what each column became and
// the totals of the rows read.
func (r *Reader) Report() Report { return r.n.Report() }

// TotalRows returns the number of data rows of the input when its reader
// knows it before reading (a CSV file), or -1.
func (r *Reader) TotalRows() int64 {
	if rc, ok := r.src.(frame.RowCounter); ok {
		return rc.TotalRows()
	}
	return -1
}

// Release frees the current record and releases the input reader.
func (r *Reader) Release() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.src != nil {
		r.src.Release()
		r.src = nil
	}
}
