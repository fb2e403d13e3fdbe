package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

// Options configure Import and Validate.
type Options struct {
	// Stdin is read for the input "-" (default os.Stdin).
	Stdin io.Reader
	// CSV configures the CSV reader; Kinds is filled from Transform.
	CSV frame.CSVOptions
	// Transform configures normalisation. An empty Measurement means each
	// input's base name.
	Transform transform.Options
	// Write configures the writer. Precision is taken from the
	// normaliser unless Transform.Precision is set; Rejects is set by
	// Import.
	Write sink.Options
	// RejectsPath is the rejects file (default "<input>.rejected.lp"; for
	// stdin and URLs, "<base name>.rejected.lp" in the working folder).
	RejectsPath string
	// DryRun, if not nil, receives the line protocol instead of a server.
	DryRun io.Writer
	// OnSchema, if not nil, is called with each input's normalisation
	// report once its schema is decided, before anything is written.
	OnSchema func(rep transform.Report)
	// Watch, if not nil, is called when an input starts writing, with its
	// number of rows (-1 when unknown) and a function returning the
	// writer's counts so far (safe to call from another goroutine). The
	// function Watch returns is called when the input is done: a progress
	// display started by Watch stops there.
	Watch func(file string, rows int64, stats func() sink.Stats) (done func())
}

// FileResult is what happened to one input.
type FileResult struct {
	File        string
	Report      transform.Report
	Write       sink.Stats
	RejectsPath string // "" when nothing was rejected
	// RowsRejected counts rows that never became points (normalisation);
	// PointsRejected counts points refused by the server or not sent.
	RowsRejected, PointsRejected, Skipped int64
	// Samples holds the first few row rejects, for the summary.
	Samples []transform.RowReject
	// Comments counts the comment lines of a line-protocol input.
	Comments int64
	// Expected counts the values of each field in the points built, and
	// MinTime and MaxTime bound their timestamps (ns): what Verify asks
	// the server about. Nil for line-protocol inputs.
	Expected         map[string]int64
	MinTime, MaxTime int64
	built            int64 // points counted by expect
}

// expect adds the field values and time range of a normalised record.
func (r *FileResult) expect(rec arrow.Record, fields []int) {
	for _, i := range fields {
		col := rec.Column(i)
		r.Expected[rec.ColumnName(i)] += int64(col.Len() - col.NullN())
	}
	for _, t := range rec.Column(0).(*array.Timestamp).TimestampValues() {
		v := int64(t)
		if r.built == 0 {
			r.MinTime, r.MaxTime = v, v
		}
		r.MinTime, r.MaxTime = min(r.MinTime, v), max(r.MaxTime, v)
		r.built++
	}
}

// Written returns the points the server acknowledged.
func (r *FileResult) Written() int64 { return r.Write.Written }

// Lost returns the rows not written for any reason; all are in the rejects
// file (or, for Validate, in Samples and the report).
func (r *FileResult) Lost() int64 { return r.RowsRejected + r.PointsRejected + r.Skipped }

// IncompleteError says that an import did not write every row. The rows are
// in the rejects file. Fatal is the error that stopped the write, if one
// did (server gone, credentials refused, interrupted); nil means the import
// ran to the end and only some rows were refused.
type IncompleteError struct {
	File        string
	Lost        int64
	RejectsPath string
	Fatal       error
}

func (e *IncompleteError) Error() string {
	where := ""
	if e.RejectsPath != "" {
		where = "; they are in " + e.RejectsPath
	}
	if e.Fatal != nil {
		return fmt.Sprintf("%s: import stopped: %v; %d rows not written%s", e.File, e.Fatal, e.Lost, where)
	}
	return fmt.Sprintf("%s: %d rows not written%s", e.File, e.Lost, where)
}

// Unwrap returns the fatal error, if any.
func (e *IncompleteError) Unwrap() error { return e.Fatal }

const maxSamples = 5

// DefaultChunkSize is the rows per chunk of an import. Up to about
// 2*workers+3 chunks are alive at once (in the channel, in the workers, being
// read and normalised), so this bounds the import's memory.
const DefaultChunkSize = 16 * 1024

// source is one opened input (CSV, Arrow or Parquet) and its normaliser.
type source struct {
	prec    string // the precision asked for, "" when left to the normaliser
	r       frame.ChunkReader
	closeFn func() error // closes what frame.OpenChunkReader opened
	norm    *transform.Normalizer
}

func (s *source) close() {
	if s.r != nil {
		s.r.Release()
	}
	if s.closeFn != nil {
		s.closeFn()
	}
}

// totalRows returns the input's number of rows when the reader knows it
// (CSV, after inference), or -1.
func (s *source) totalRows() int64 {
	if t, ok := s.r.(interface{ TotalRows() int64 }); ok {
		return t.TotalRows()
	}
	return -1
}

// open opens an input by name, infers (CSV) or reads (Arrow, Parquet) its
// schema, decides the normalisation and tells Options.OnSchema.
func open(ctx context.Context, name string, opts *Options) (*source, error) {
	s := &source{prec: opts.Transform.Precision}
	co := opts.CSV
	co.Kinds = opts.Transform.CSVKinds()
	if co.ChunkSize == 0 {
		co.ChunkSize = DefaultChunkSize
	}
	var err error
	s.r, s.closeFn, err = frame.OpenChunkReader(ctx, name, opts.Stdin, co)
	if err != nil {
		return nil, err
	}
	to := opts.Transform
	if to.Measurement == "" {
		to.Measurement = frame.BaseName(name)
	}
	s.norm, err = transform.NewNormalizer(s.r.FrameSchema(), name, to)
	if err != nil {
		s.close()
		return nil, err
	}
	if opts.OnSchema != nil {
		opts.OnSchema(s.norm.Report())
	}
	return s, nil
}

// checkRejectsPath refuses a rejects file that is the input itself, which
// writing rejects would truncate while it is read.
func checkRejectsPath(input, rejects string) error {
	if input == "-" || strings.Contains(input, "://") {
		return nil
	}
	a, err1 := filepath.Abs(input)
	b, err2 := filepath.Abs(rejects)
	if err1 == nil && err2 == nil && a == b {
		return fmt.Errorf("%s: the rejects file cannot be the input; give another --rejects", input)
	}
	if ia, err := os.Stat(input); err == nil {
		if ib, err := os.Stat(rejects); err == nil && os.SameFile(ia, ib) {
			return fmt.Errorf("%s: the rejects file cannot be the input; give another --rejects", input)
		}
	}
	return nil
}

// openRejects prepares the rejects file of an input: the option or the
// default path, never the input itself, its folder made, and a stale file
// from an earlier run removed (it would mix with this run's). The file
// itself is created only when something is rejected.
func openRejects(name string, opts *Options) (*sink.Rejects, string, error) {
	rpath := opts.RejectsPath
	if rpath == "" {
		rpath = RejectsPathFor(name)
	}
	if err := checkRejectsPath(name, rpath); err != nil {
		return nil, "", err
	}
	if dir := filepath.Dir(rpath); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, "", fmt.Errorf("rejects file: %w", err)
		}
	}
	if err := os.Remove(rpath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("rejects file: %w", err)
	}
	return sink.NewRejects(rpath), rpath, nil
}

// RejectsPathFor returns the default rejects file of an input.
func RejectsPathFor(name string) string {
	if name == "-" || strings.Contains(name, "://") {
		return frame.BaseName(name) + ".rejected.lp"
	}
	return name + ".rejected.lp"
}

// Validate infers and normalises every input without writing anything.
// It returns one result per input; the error is the first input that could
// not be read or whose schema is refused (the results so far are kept).
func Validate(ctx context.Context, files []string, opts Options) ([]FileResult, error) {
	var out []FileResult
	for _, name := range files {
		if IsLineProtocol(name) {
			return out, fmt.Errorf("%s: validate reads CSV; line protocol is checked by the server on import", name)
		}
		s, err := open(ctx, name, &opts)
		if err != nil {
			var se *transform.SchemaError
			if errors.As(err, &se) {
				out = append(out, FileResult{File: name, Report: se.Report})
			}
			return out, err
		}
		res := FileResult{File: name}
		for s.r.Next() {
			if err := ctx.Err(); err != nil {
				s.close()
				return out, err
			}
			rec, rej, err := s.norm.Apply(s.r.Record(), s.r.Lines())
			if err != nil {
				s.close()
				return out, err
			}
			rec.Release()
			for _, r := range rej {
				if len(res.Samples) < maxSamples {
					res.Samples = append(res.Samples, r)
				}
			}
		}
		err = s.r.Err()
		res.Report = s.norm.Report()
		res.RowsRejected = res.Report.RowsRejected
		s.close()
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// Import reads, normalises and writes every input, one after the other, to
// bucket through client. It returns one result per input started. The
// error is an *IncompleteError when rows were not written, or the error
// that kept an input from being read or normalised (nothing of that input
// was written then).
func Import(ctx context.Context, client influxdb2.Client, org, bucket string, files []string, opts Options) ([]FileResult, error) {
	var out []FileResult
	for _, name := range files {
		res, err := importOne(ctx, client, org, bucket, name, opts)
		if res != nil {
			out = append(out, *res)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func importOne(ctx context.Context, client influxdb2.Client, org, bucket, name string, opts Options) (*FileResult, error) {
	if IsLineProtocol(name) {
		if opts.DryRun != nil {
			return nil, fmt.Errorf("%s: --dry-run prints the line protocol of CSV inputs; this one is line protocol already", name)
		}
		return importLP(ctx, client, org, bucket, name, opts)
	}
	s, err := open(ctx, name, &opts)
	if err != nil {
		var se *transform.SchemaError
		if errors.As(err, &se) {
			return &FileResult{File: name, Report: se.Report}, err
		}
		return nil, err
	}
	defer s.close()
	res := &FileResult{File: name}

	rejects, rpath, err := openRejects(name, &opts)
	if err != nil {
		return nil, err
	}

	wo := opts.Write
	p, err := sink.ParsePrecision(s.norm.Precision())
	if err != nil {
		return nil, err
	}
	wo.Precision = p
	wo.Rejects = rejects

	if opts.DryRun != nil {
		err = dryRun(ctx, s, name, wo, opts.DryRun, rejects, res)
	} else {
		err = write(ctx, s, name, client, org, bucket, wo, rejects, res, &opts)
	}
	res.Report = s.norm.Report()
	if cerr := rejects.Close(); cerr != nil && err == nil {
		err = cerr
	}
	res.RowsRejected = res.Report.RowsRejected
	res.PointsRejected = res.Write.Rejected
	res.Skipped = res.Write.Skipped
	if rejects.Created() {
		res.RejectsPath = rpath
	}
	var pe *frame.ParseError
	if err != nil && !errors.Is(err, sink.ErrRejected) && !errors.As(err, &pe) {
		// The write stopped early: the producer kept reading, and the
		// writer put every point it did not get acknowledged in the
		// rejects file.
		return res, &IncompleteError{File: name, Lost: res.Lost(), RejectsPath: res.RejectsPath, Fatal: err}
	}
	if err != nil && errors.As(err, &pe) {
		return res, err
	}
	if res.Lost() > 0 {
		return res, &IncompleteError{File: name, Lost: res.Lost(), RejectsPath: res.RejectsPath}
	}
	return res, nil
}

// produce reads and normalises every chunk of s, sending the records to
// out and the row rejects to rejects. It closes out when done. It stops
// early only on a read error: a cancelled write keeps draining so that
// every row reaches the rejects file.
func produce(s *source, name string, out chan<- sink.Chunk, rejects *sink.Rejects, res *FileResult) error {
	defer close(out)
	var fields []int // output columns that are fields
	for i, c := range s.norm.Schema().Columns {
		if c.Role == frame.RoleField {
			fields = append(fields, i)
		}
	}
	res.Expected = make(map[string]int64, len(fields))
	for s.r.Next() {
		rec, rej, err := s.norm.Apply(s.r.Record(), s.r.Lines())
		if err != nil {
			return err
		}
		for _, r := range rej {
			if err := rejects.AddRow(r.File, r.Line, r.Reason, r.Row); err != nil {
				rec.Release()
				return err
			}
			if len(res.Samples) < maxSamples {
				res.Samples = append(res.Samples, r)
			}
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		res.expect(rec, fields)
		lines := append([]int64(nil), s.r.Lines()...)
		out <- sink.Chunk{Record: rec, Source: name, Lines: lines}
	}
	return s.r.Err()
}

func write(ctx context.Context, s *source, name string, client influxdb2.Client, org, bucket string, wo sink.Options, rejects *sink.Rejects, res *FileResult, opts *Options) error {
	w, err := sink.NewWriter(client, org, bucket, wo)
	if err != nil {
		return err
	}
	if opts.Watch != nil {
		done := opts.Watch(name, s.totalRows(), w.Stats)
		defer done()
	}
	workers := w.Options().Workers
	ch := make(chan sink.Chunk, 2*workers)
	perr := make(chan error, 1)
	go func() { perr <- produce(s, name, ch, rejects, res) }()
	werr := w.Run(ctx, ch)
	rerr := <-perr // Run drains ch until it is closed, so this returns
	res.Write = w.Stats()
	if rerr != nil {
		return rerr
	}
	return werr
}

// dryRun encodes every point to w instead of a server.
func dryRun(ctx context.Context, s *source, name string, wo sink.Options, w io.Writer, rejects *sink.Rejects, res *FileResult) error {
	enc, err := sink.NewEncoder(sink.EncodeOptions{Precision: wo.Precision, Measurement: wo.Measurement})
	if err != nil {
		return err
	}
	ch := make(chan sink.Chunk, 2)
	perr := make(chan error, 1)
	go func() { perr <- produce(s, name, ch, rejects, res) }()
	var buf []byte
	var werr error
	for c := range ch {
		if werr == nil {
			werr = encodeAll(enc, c, &buf, w, rejects, &res.Write)
		}
		c.Record.Release()
	}
	if err := <-perr; err != nil {
		return err
	}
	return werr
}

// encodeAll writes the line protocol of a chunk to w, rows that cannot be
// points to rejects, and counts both in st.
func encodeAll(enc *sink.Encoder, c sink.Chunk, buf *[]byte, w io.Writer, rejects *sink.Rejects, st *sink.Stats) error {
	rec := c.Record
	if err := enc.Reset(rec); err != nil {
		return err
	}
	var rerr error
	b, n := enc.AppendRows((*buf)[:0], 0, int(rec.NumRows()), func(e *sink.RowError) {
		var line int64
		if c.Lines != nil {
			line = c.Lines[e.Row]
		}
		if err := rejects.AddRow(c.Source, line, e.Err.Error(), sink.RowStrings(rec, e.Row)); err != nil && rerr == nil {
			rerr = err
		}
	})
	if rerr != nil {
		return rerr
	}
	st.Rows += rec.NumRows()
	st.Written += int64(n)
	st.Skipped += rec.NumRows() - int64(n)
	*buf = b
	_, err := w.Write(b)
	return err
}
