package sink

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
)

// pointSource is a source of points already encoded (a line-protocol
// input) rather than records.
type pointSource interface {
	take() (lp []byte, ends []int)
}

// rejecter is a source that says which rows of its current record's input
// chunk did not make it into the record: a *transform.Reader.
type rejecter interface {
	Rejects() []frame.Reject
}

// dest is where a write's points go: a server, a line-protocol stream or a
// table file.
type dest interface {
	// start prepares the destination; acct and rj take what it counts
	// and rejects.
	start(ctx context.Context, acct *account, rj *rejects, input string)
	// put takes a chunk, and its record, over. An error stops the
	// reading (a file that cannot be written).
	put(c chunk) error
	// close finishes the destination and returns the error that stopped
	// it, if any.
	close() error
}

// Write reads every record of src, normalised records such as a
// *transform.Reader yields, and writes their points to bucket through
// client, the client library's own client (on InfluxDB 1.8, bucket is
// "db/rp" or "db" and org is ignored). It owns its goroutines: Options.Workers
// of them encode and post batches as the package documentation says, and
// all are done when Write returns. It does not release src.
//
// Every row ends written or in the rejects, with its reason: the rows src
// refused before they became points (when src, like *transform.Reader,
// has a Rejects method), the rows line protocol cannot express, the points
// the server refused, and, when the write stops early (the server gone
// after its retries, credentials refused, ctx cancelled), every point not
// acknowledged, including the rest of the input, which Write still reads.
// The rejects go to Options.Rejects, a file beside the input by default.
//
// Before its first request Write runs a preflight (see Preflight and
// Options.SkipPreflight): a field whose type conflicts with what the
// server already stores is a *PreflightError, and nothing is read or
// sent.
//
// The error is nil only when every row was written. Otherwise it is an
// *IncompleteError (errors.Is ErrIncomplete) saying how many rows were not
// written and where they are, whose Cause is what stopped the write, if
// anything did; or the error of src (a *frame.ParseError, say), after
// which the rows read so far are written or in the rejects, and the rest
// of the input is untouched; or a *VerifyError when Options.Verify found
// fewer values on the server than were written. Stats says what happened
// in every case.
func Write(ctx context.Context, client influxdb2.Client, org, bucket string, src frame.ChunkReader, opts Options) (Stats, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	p := o.Precision
	fs := src.FrameSchema()
	if fs != nil {
		p = p.Or(fs.Precision)
	}
	srv, err := newServer(client, org, bucket, &o, p.Or(frame.Nanosecond))
	if err != nil {
		return Stats{}, err
	}
	if !o.SkipPreflight && fs != nil {
		conflicts, err := preflight(ctx, client, org, bucket, fs, &o)
		if err != nil {
			return Stats{Input: src.Name()}, err
		}
		if len(conflicts) > 0 {
			m := o.Measurement
			if m == "" {
				m = fs.Measurement
			}
			return Stats{Input: src.Name(), Measurement: m}, &PreflightError{Measurement: m, Conflicts: conflicts}
		}
	}
	st, err := runJournaled(ctx, src, srv, &o)
	var ie *IncompleteError
	if o.Verify && (err == nil || errors.As(err, &ie) && ie.Cause == nil) {
		var verr error
		st.Verified, verr = Verify(ctx, client, org, bucket, st)
		err = errors.Join(err, verr)
	}
	return st, err
}

// WriteFrame writes the points of a normalised frame, as Write does.
func WriteFrame(ctx context.Context, client influxdb2.Client, org, bucket string, f *frame.Frame, opts Options) (Stats, error) {
	r := f.Reader()
	defer r.Release()
	return Write(ctx, client, org, bucket, r, opts)
}

// WriteFile writes what Write would send to a server to w instead: in
// format frame.FormatLineProtocol, the points as line protocol (at
// Options.Precision, else each record's own); in a table format (CSV,
// Arrow, Arrow stream, Parquet), the normalised records themselves. It is
// the same write as Write, rejects and counts included, ending in a file:
// a dry run, or a conversion. It does not release src nor close w.
func WriteFile(ctx context.Context, w io.Writer, format frame.Format, src frame.ChunkReader, opts Options) (Stats, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	var d dest
	if format == frame.FormatLineProtocol {
		d = &lpFile{w: w, enc: lineproto.NewEncoder(lineproto.Options{Precision: o.Precision, Measurement: o.Measurement})}
	} else {
		fs := src.FrameSchema()
		if fs == nil {
			return Stats{}, errors.New("sink: the source has no schema")
		}
		rw, err := frame.NewRecordWriter(w, format, fs.Arrow())
		if err != nil {
			return Stats{}, err
		}
		d = &tableFile{rw: rw}
	}
	if o.Journal != "" || o.Resume {
		return Stats{}, errors.New("sink: a journal is for writes to a server; WriteFile keeps none")
	}
	return run(ctx, src, d, &o, nil)
}

// WriteLineProtocol posts the points of r, line protocol such as a rejects
// file holds, to bucket as they are, at Options.Precision (nanoseconds by
// default, as rejects files are written). Comment lines are skipped: in a
// rejects file they are the reasons, and the rows that never became
// points, which cannot be replayed as they are; Stats.Rows counts the
// point lines only. name names r in errors and the default rejects path.
// Everything else is as for Write.
func WriteLineProtocol(ctx context.Context, client influxdb2.Client, org, bucket string, r io.Reader, name string, opts Options) (Stats, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	srv, err := newServer(client, org, bucket, &o, o.Precision.Or(frame.Nanosecond))
	if err != nil {
		return Stats{}, err
	}
	src := &lpSource{r: bufio.NewReaderSize(r, 1<<20), name: name, batch: o.BatchSize}
	st, err := runJournaled(ctx, src, srv, &o)
	st.Comments = src.comments
	return st, err
}

// runJournaled runs a write to a server with the journal of the options,
// if any.
func runJournaled(ctx context.Context, src frame.ChunkReader, srv *server, o *Options) (Stats, error) {
	if o.Journal == "" {
		if o.Resume {
			return Stats{Input: src.Name()}, errors.New("sink: Resume needs a Journal")
		}
		return run(ctx, src, srv, o, nil)
	}
	j, ack, err := openJournal(o.Journal, o.JournalKey, o.Resume)
	if err != nil {
		return Stats{Input: src.Name()}, err
	}
	srv.journal = j
	st, err := run(ctx, src, srv, o, ack)
	var ie *IncompleteError
	done := err == nil || errors.As(err, &ie) && ie.Cause == nil
	return st, errors.Join(err, j.close(done))
}

// run drains src into d and accounts for every row; the rows ack holds
// (from a journal) are counted as resumed and not sent again.
func run(ctx context.Context, src frame.ChunkReader, d dest, o *Options, ack acked) (Stats, error) {
	fs := src.FrameSchema()
	total := int64(-1)
	if rc, ok := src.(frame.RowCounter); ok {
		total = rc.TotalRows()
	}
	acct := newAccount(src.Name(), total)
	acct.measurement = o.Measurement
	if acct.measurement == "" && fs != nil {
		acct.measurement = fs.Measurement
	}
	rj, path, err := openRejects(src.Name(), acct.measurement, o)
	if err != nil {
		return acct.stats(), err
	}
	stopProgress := startProgress(o, acct)
	d.start(ctx, acct, rj, src.Name())

	var rerr, serr error // the rejects file's error, the source's or the destination's
	rs, _ := src.(rejecter)
	ps, _ := src.(pointSource)
	for seq := int64(0); src.Next(); seq++ {
		if rs != nil {
			for _, r := range rs.Rejects() {
				acct.rows.Add(1)
				acct.rejected.Add(1)
				acct.reason(r.Reason, 1)
				acct.sample(&r)
				if err := rj.addRow(&r); err != nil && rerr == nil {
					rerr = err
				}
			}
		}
		c := chunk{seq: seq, skip: ack[seq]}
		var n int
		if ps != nil {
			c.lp, c.lpEnds = ps.take()
			n = len(c.lpEnds)
		} else {
			c.rec = src.Record()
			n = int(c.rec.NumRows())
		}
		acct.rows.Add(int64(n))
		resumed := covers(c.skip, n)
		acct.resumed.Add(int64(resumed))
		if n == resumed {
			continue // nothing to send
		}
		if c.rec != nil {
			c.rec.Retain()
			if l := src.Lines(); l != nil {
				c.lines = append([]int64(nil), l...)
			}
		}
		if err := d.put(c); err != nil {
			serr = err
			break
		}
	}
	if serr == nil {
		serr = src.Err()
	}
	derr := d.close()
	if err := rj.close(); err != nil && rerr == nil {
		rerr = err
	}
	if rj.created() {
		acct.mu.Lock()
		acct.rejectsAt = path
		acct.mu.Unlock()
	}
	stopProgress()
	st := acct.stats()
	switch {
	case serr != nil:
		return st, errors.Join(serr, rerr)
	case derr != nil || st.Lost() > 0:
		ie := &IncompleteError{Input: st.Input, Lost: st.Lost(), Rows: st.Rows, Rejects: st.RejectsPath, Cause: derr}
		if ie.Rejects == "" && o.RejectsTo == nil {
			ie.Rejects = path
		}
		return st, errors.Join(ie, rerr)
	}
	return st, rerr
}

// startProgress calls o.Progress every o.ProgressInterval until the
// returned function is called, which calls it a last time.
func startProgress(o *Options, acct *account) (stop func()) {
	if o.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(o.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				o.Progress(acct.stats())
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		o.Progress(acct.stats())
	}
}

// RejectsPath returns the default rejects file of an input: beside it, as
// "<input>.rejected.lp"; for standard input and URLs, "<base
// name>.rejected.lp" in the working directory; for an input without a name
// (a frame), "<measurement>.rejected.lp" there.
func RejectsPath(input, measurement string) string {
	switch {
	case input == "" && measurement != "":
		return measurement + ".rejected.lp"
	case input == "":
		return "rejected.lp"
	case input == "-" || strings.Contains(input, "://"):
		return frame.BaseName(input) + ".rejected.lp"
	}
	return input + ".rejected.lp"
}

// openRejects prepares the rejects of a write: Options.RejectsTo, or the
// file of Options.Rejects or the default path, never the input itself,
// its folder made, and a stale file from an earlier run removed (it would
// mix with this run's). The file itself is created only when something is
// rejected.
func openRejects(input, measurement string, o *Options) (*rejects, string, error) {
	if o.RejectsTo != nil {
		return newRejectsWriter(o.RejectsTo), "", nil
	}
	path := o.Rejects
	if path == "" {
		path = RejectsPath(input, measurement)
	}
	if sameFile(input, path) {
		return nil, "", fmt.Errorf("sink: %s: the rejects file cannot be the input; give another", input)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, "", fmt.Errorf("sink: rejects file: %w", err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("sink: rejects file: %w", err)
	}
	return newRejects(path), path, nil
}

// sameFile reports whether the rejects file would be the input, which
// writing rejects would truncate while it is read.
func sameFile(input, rejects string) bool {
	if input == "" || input == "-" || strings.Contains(input, "://") {
		return false
	}
	a, err1 := filepath.Abs(input)
	b, err2 := filepath.Abs(rejects)
	if err1 == nil && err2 == nil && a == b {
		return true
	}
	ia, err1 := os.Stat(input)
	ib, err2 := os.Stat(rejects)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// lpFile is the destination of WriteFile in line protocol.
type lpFile struct {
	w     io.Writer
	enc   *lineproto.Encoder
	buf   []byte
	acct  *account
	rj    *rejects
	input string
	ctx   context.Context
}

func (d *lpFile) start(ctx context.Context, acct *account, rj *rejects, input string) {
	d.ctx, d.acct, d.rj, d.input = ctx, acct, rj, input
}

func (d *lpFile) put(c chunk) error {
	defer c.rec.Release()
	if err := d.ctx.Err(); err != nil {
		d.acct.notSent.Add(c.rec.NumRows())
		return err
	}
	d.enc.Reset(c.rec) // a schema error comes back from every AppendRow
	nf := d.enc.NonFinite()
	var rerr error
	b, n := d.enc.AppendRows(d.buf[:0], 0, int(c.rec.NumRows()), func(e *lineproto.RowError) {
		reason := oneLine(e.Err.Error())
		d.acct.skipped.Add(1)
		d.acct.reason(reason, 1)
		rj := &frame.Reject{File: d.input, Reason: reason, Cells: rowCells(c.rec, e.Row)}
		if e.Row < len(c.lines) {
			rj.Line = c.lines[e.Row]
		}
		d.acct.sample(rj)
		if err := d.rj.addRow(rj); err != nil && rerr == nil {
			rerr = err
		}
	})
	d.buf = b
	d.acct.nonFinite.Add(d.enc.NonFinite() - nf)
	if _, err := d.w.Write(b); err != nil {
		d.acct.notSent.Add(int64(n))
		return fmt.Errorf("sink: writing line protocol: %w", err)
	}
	d.acct.written.Add(int64(n))
	d.acct.bytes.Add(int64(len(b)))
	return rerr
}

func (d *lpFile) close() error { return nil }

// tableFile is the destination of WriteFile in a table format.
type tableFile struct {
	rw   frame.RecordWriter
	acct *account
	ctx  context.Context
}

func (d *tableFile) start(ctx context.Context, acct *account, _ *rejects, _ string) {
	d.ctx, d.acct = ctx, acct
}

func (d *tableFile) put(c chunk) error {
	defer c.rec.Release()
	n := c.rec.NumRows()
	if err := d.ctx.Err(); err != nil {
		d.acct.notSent.Add(n)
		return err
	}
	if err := d.rw.Write(c.rec); err != nil {
		d.acct.notSent.Add(n)
		return err
	}
	d.acct.written.Add(n)
	return nil
}

func (d *tableFile) close() error { return d.rw.Close() }

// lpSource reads the point lines of a line-protocol input in chunks of
// batch lines; it is the source of WriteLineProtocol. It has no records:
// run takes its lines with take.
type lpSource struct {
	r     *bufio.Reader
	name  string
	batch int
	buf   []byte
	ends  []int // offset just past each point in buf
	err   error
	done  bool

	comments int64 // comment lines skipped
	split    lineproto.PointSplitter
}

func (s *lpSource) Name() string               { return s.name }
func (s *lpSource) FrameSchema() *frame.Schema { return nil }
func (s *lpSource) Record() arrow.Record       { return nil }
func (s *lpSource) Lines() []int64             { return nil }
func (s *lpSource) Err() error                 { return s.err }
func (s *lpSource) Release()                   {}

// take returns the points read by the last Next, and the offset just
// past each.
func (s *lpSource) take() ([]byte, []int) {
	b, e := s.buf, s.ends
	s.buf, s.ends = nil, nil
	return b, e
}

// Next reads up to batch points, skipping blank and comment lines. A
// point may span lines: a string field value holds newlines raw.
func (s *lpSource) Next() bool {
	s.buf, s.ends = nil, nil
	var point []byte
	for !s.done && len(s.ends) < s.batch {
		line, err := s.r.ReadBytes('\n')
		point = append(point, line...)
		if s.split.Feed(line) || err != nil && len(point) > 0 {
			switch t := bytes.TrimSpace(point); {
			case len(t) == 0:
			case t[0] == '#':
				s.comments++
			default:
				s.buf = append(append(s.buf, t...), '\n')
				s.ends = append(s.ends, len(s.buf))
			}
			point = point[:0]
		}
		if err == io.EOF {
			s.done = true
		} else if err != nil {
			s.err = fmt.Errorf("sink: reading %s: %w", s.name, err)
			s.done = true
			s.buf, s.ends = nil, nil
			return false
		}
	}
	return len(s.ends) > 0
}
