package sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
)

// ErrRejected is what Run's error unwraps to when it wrote what it could
// but some rows were not written: refused by the server, or not points at
// all. They are in the rejects file, and Stats says why.
var ErrRejected = errors.New("some rows were not written")

// Chunk is a normalised record for Writer.Run, with where its rows came
// from. Run owns the record: it releases it once its rows are encoded.
type Chunk struct {
	Record arrow.Record
	// Source names the input the rows came from, for the rejects file's
	// comments about rows that could not be points (optional).
	Source string
	// Lines holds the 1-based source line of each row (optional). Run
	// keeps it until it releases the record: pass a copy of a slice the
	// producer reuses, such as frame.CSVReader.Lines.
	Lines []int64
	// LP holds points already encoded as line protocol, at the writer's
	// precision, one per line, each line ending in a newline. It is used
	// when Record is nil (replaying a rejects file, importing .lp files);
	// each line counts as one row. Run keeps the slice: do not reuse it.
	LP []byte
}

// Stats are a Writer's counts. Every row of every chunk ends in exactly one
// of Written, Rejected and Skipped: Rows == Written + Rejected + Skipped
// once Run has returned.
type Stats struct {
	Rows      int64 // rows received in chunks
	Written   int64 // points the server acknowledged
	Rejected  int64 // points refused by the server, or not sent because the write stopped
	Skipped   int64 // rows that could not be encoded as points
	NonFinite int64 // NaN or infinite field values left out of points
	Batches   int64 // batches cut
	Requests  int64 // write requests made, retries and split halves included
	Retries   int64 // requests repeated after a retryable error
	Splits    int64 // batches split to find the lines the server refused
	Bytes     int64 // line-protocol bytes of the points written
	// Reasons counts the rejected and skipped rows by reason. Past
	// maxReasons distinct reasons, the rest are counted under OtherReasons.
	Reasons map[string]int64
}

// OtherReasons is the Stats.Reasons key that counts rows whose reason came
// after the map was full.
const OtherReasons = "(other reasons)"

const maxReasons = 100

// Writer writes normalised records to an InfluxDB bucket: NewWriter, then
// Run once, then Stats.
type Writer struct {
	opts   Options
	svc    http2.Service
	url    string
	redact func(string) string

	started atomic.Bool

	rows, written, rejected, skipped, nonFinite atomic.Int64
	batches, requests, retries, splits, bytes   atomic.Int64

	mu         sync.Mutex
	reasons    map[string]int64
	fatal      error // the first error that stopped the write
	rejectsErr error // the first error writing the rejects file
}

// NewWriter returns a Writer that posts to bucket (on InfluxDB 1.8,
// "db/rp" or "db") of org (ignored by InfluxDB 1.8) through client, which
// supplies the server URL, the token and the HTTP client. Precision and
// gzip are the Writer's own options, not the client's.
func NewWriter(client influxdb2.Client, org, bucket string, opts Options) (*Writer, error) {
	if client == nil {
		return nil, errors.New("sink: nil client")
	}
	if bucket == "" {
		return nil, errors.New("sink: no bucket")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	svc := client.HTTPService()
	u, err := url.Parse(svc.ServerAPIURL())
	if err != nil {
		return nil, fmt.Errorf("sink: server URL: %w", err)
	}
	u, err = u.Parse("write")
	if err != nil {
		return nil, fmt.Errorf("sink: server URL: %w", err)
	}
	q := url.Values{}
	if org != "" {
		q.Set("org", org)
	}
	q.Set("bucket", bucket)
	q.Set("precision", precisionName(o.Precision))
	u.RawQuery = q.Encode()
	return &Writer{
		opts:    o,
		svc:     svc,
		url:     u.String(),
		redact:  redactor(svc.Authorization()),
		reasons: map[string]int64{},
	}, nil
}

// redactor returns a function that removes the token (and, for a
// "user:password" token, the password) from a text.
func redactor(authorization string) func(string) string {
	token := authorization
	if i := strings.IndexByte(token, ' '); i >= 0 { // "Token xxx", "Basic xxx"
		token = token[i+1:]
	}
	token = strings.TrimSpace(token)
	var secrets []string
	if len(token) >= 4 {
		secrets = append(secrets, token)
	}
	if i := strings.IndexByte(token, ':'); i >= 0 && len(token)-i-1 >= 4 {
		secrets = append(secrets, token[i+1:])
	}
	return func(s string) string {
		for _, t := range secrets {
			s = strings.ReplaceAll(s, t, "[redacted]")
		}
		return s
	}
}

// Options returns the writer's options, defaults applied.
func (w *Writer) Options() Options { return w.opts }

// Stats returns the counts so far. It is safe to call at any time, for
// example from a progress display while Run runs.
func (w *Writer) Stats() Stats {
	s := Stats{
		Rows: w.rows.Load(), Written: w.written.Load(), Rejected: w.rejected.Load(),
		Skipped: w.skipped.Load(), NonFinite: w.nonFinite.Load(), Batches: w.batches.Load(),
		Requests: w.requests.Load(), Retries: w.retries.Load(), Splits: w.splits.Load(),
		Bytes: w.bytes.Load(),
	}
	w.mu.Lock()
	s.Reasons = make(map[string]int64, len(w.reasons))
	for k, v := range w.reasons {
		s.Reasons[k] = v
	}
	w.mu.Unlock()
	return s
}

// Run writes the chunks received from in until in is closed, with
// Options.Workers goroutines that each take chunks, encode them, and post
// batches of at most Options.BatchSize lines, retrying and splitting as
// the package documentation says. It returns once in is closed and every
// worker is done.
//
// When the write stops early (a fatal error: bad token, missing bucket,
// the server still failing after its retries; or ctx cancelled), every
// point not acknowledged, including those of the chunks still to come, goes
// to the rejects, and Run keeps draining in, without posting, until it is
// closed, then returns the error that stopped it. The producer must close
// in in every case.
//
// Otherwise Run returns nil when every row was written, or an error
// wrapping ErrRejected when some were refused or could not be points. An
// error writing the rejects file is returned too.
//
// Run may be called once.
func (w *Writer) Run(ctx context.Context, in <-chan Chunk) error {
	if !w.started.CompareAndSwap(false, true) {
		return errors.New("sink: Writer.Run called twice")
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range w.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newWorker(w, runCtx, cancel).run(in)
		}()
	}
	wg.Wait()

	var errs []error
	w.mu.Lock()
	fatal := w.fatal
	w.mu.Unlock()
	switch {
	case fatal != nil:
		errs = append(errs, fatal)
	case ctx.Err() != nil:
		errs = append(errs, fmt.Errorf("sink: write stopped: %w", context.Cause(ctx)))
	}
	if r := w.opts.Rejects; r != nil {
		if err := r.Flush(); err != nil {
			w.noteRejectsErr(err)
		}
	}
	w.mu.Lock()
	if w.rejectsErr != nil {
		errs = append(errs, w.rejectsErr)
	}
	w.mu.Unlock()
	if len(errs) == 0 {
		st := w.Stats()
		if n := st.Rejected + st.Skipped; n > 0 {
			errs = append(errs, fmt.Errorf("sink: %d of %d rows not written (%d refused by the server, %d not points)%s: %w",
				n, st.Rows, st.Rejected, st.Skipped, w.rejectsHint(), ErrRejected))
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

func (w *Writer) rejectsHint() string {
	r := w.opts.Rejects
	switch {
	case r == nil:
		return ""
	case r.Path() != "":
		return "; see " + r.Path()
	default:
		return "; see the rejects"
	}
}

// fail records err as the error that stops the write, if it is the
// first, and stops every worker.
func (w *Writer) fail(err error, cancel context.CancelCauseFunc) {
	w.mu.Lock()
	if w.fatal == nil {
		w.fatal = err
	}
	w.mu.Unlock()
	cancel(err)
}

// stopReason is the reason given for the points not sent once the write
// has stopped.
func (w *Writer) stopReason(ctx context.Context) string {
	w.mu.Lock()
	err := w.fatal
	w.mu.Unlock()
	if err == nil {
		err = context.Cause(ctx)
	}
	if err == nil {
		err = ctx.Err()
	}
	return "not written: " + oneLine(w.redact(strings.TrimPrefix(err.Error(), "sink: ")))
}

func (w *Writer) noteRejectsErr(err error) {
	w.mu.Lock()
	if w.rejectsErr == nil {
		w.rejectsErr = err
	}
	w.mu.Unlock()
}

func (w *Writer) countReason(reason string, n int64) {
	w.mu.Lock()
	if _, ok := w.reasons[reason]; !ok && len(w.reasons) >= maxReasons {
		reason = OtherReasons
	}
	w.reasons[reason] += n
	w.mu.Unlock()
}

// SortedReasons returns the reasons of s by decreasing count, then name.
func (s Stats) SortedReasons() []string {
	keys := make([]string, 0, len(s.Reasons))
	for k := range s.Reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := s.Reasons[keys[i]], s.Reasons[keys[j]]
		if a != b {
			return a > b
		}
		return keys[i] < keys[j]
	})
	return keys
}

// batch is a run of encoded lines.
type batch struct {
	buf   []byte
	ends  []int // ends[i] is the offset just past line i's newline
	first time.Time
}

func (b *batch) reset() {
	b.buf = b.buf[:0]
	b.ends = b.ends[:0]
}

// lines returns the text of lines [lo, hi).
func (b *batch) lines(lo, hi int) []byte {
	start := 0
	if lo > 0 {
		start = b.ends[lo-1]
	}
	return b.buf[start:b.ends[hi-1]]
}

// worker is one of Run's goroutines (two in the async mode: the encoding
// side and the posting side).
type worker struct {
	w      *Writer
	ctx    context.Context
	cancel context.CancelCauseFunc
	enc    *Encoder
	cur    *batch
	timer  *time.Timer
	postFn func(*batch) // k.post; tests replace it

	// posting side
	gz    *gzip.Writer
	gzbuf bytes.Buffer
	rnd   *rand.Rand

	// async mode
	posts chan *batch
	free  chan *batch
	done  chan struct{}
}

func newWorker(w *Writer, ctx context.Context, cancel context.CancelCauseFunc) *worker {
	enc, _ := NewEncoder(EncodeOptions{Precision: w.opts.Precision, Measurement: w.opts.Measurement})
	k := &worker{
		w: w, ctx: ctx, cancel: cancel, enc: enc, cur: &batch{},
		rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
	k.postFn = k.post
	return k
}

func (k *worker) run(in <-chan Chunk) {
	o := &k.w.opts
	if o.Mode == ModeAsync {
		k.posts = make(chan *batch)
		k.free = make(chan *batch, 2)
		k.free <- &batch{}
		k.done = make(chan struct{})
		go func() {
			defer close(k.done)
			for b := range k.posts {
				k.postFn(b)
				b.reset()
				k.free <- b
			}
		}()
		defer func() {
			close(k.posts)
			<-k.done
		}()
	}
	var timeout <-chan time.Time
	if o.Mode != ModeSync {
		k.timer = time.NewTimer(time.Hour)
		k.timer.Stop()
		defer k.timer.Stop()
		timeout = k.timer.C
	}
	for {
		select {
		case c, ok := <-in:
			if !ok {
				k.flush()
				return
			}
			k.chunk(c)
			if o.Mode == ModeSync {
				k.flush()
			}
		case <-timeout:
			k.flush()
		}
		k.arm()
	}
}

// arm sets the flush timer for the current batch, if any.
func (k *worker) arm() {
	if k.timer == nil {
		return
	}
	if len(k.cur.ends) == 0 {
		k.timer.Stop()
		return
	}
	k.timer.Reset(max(time.Until(k.cur.first.Add(k.w.opts.FlushInterval)), 0))
}

// chunk encodes the rows of c into batches, flushing each full one.
func (k *worker) chunk(c Chunk) {
	w := k.w
	rec := c.Record
	if rec == nil {
		k.lines(c.LP)
		return
	}
	defer rec.Release()
	n := int(rec.NumRows())
	w.rows.Add(int64(n))
	nf := k.enc.NonFinite()
	k.enc.Reset(rec) // a schema error comes back from every AppendRow
	size := w.opts.BatchSize
	b := k.cur
	for i := range n {
		var err error
		b.buf, err = k.enc.AppendRow(b.buf, i)
		if err != nil {
			k.skip(c, i, err)
			continue
		}
		if len(b.ends) == 0 {
			b.first = time.Now()
		}
		b.ends = append(b.ends, len(b.buf))
		if len(b.ends) >= size {
			k.flush()
			b = k.cur
		}
	}
	w.nonFinite.Add(k.enc.NonFinite() - nf)
}

// lines adds pre-encoded lines to batches, flushing each full one.
func (k *worker) lines(lp []byte) {
	size := k.w.opts.BatchSize
	for len(lp) > 0 {
		i := bytes.IndexByte(lp, '\n')
		line := lp
		if i >= 0 {
			line, lp = lp[:i], lp[i+1:]
		} else {
			lp = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		k.w.rows.Add(1)
		b := k.cur
		if len(b.ends) == 0 {
			b.first = time.Now()
		}
		b.buf = append(append(b.buf, line...), '\n')
		b.ends = append(b.ends, len(b.buf))
		if len(b.ends) >= size {
			k.flush()
		}
	}
}

// skip reports a row that could not be a point.
func (k *worker) skip(c Chunk, row int, err error) {
	w := k.w
	var re *RowError
	if errors.As(err, &re) {
		err = re.Err
	}
	reason := oneLine(strings.TrimPrefix(err.Error(), "sink: "))
	w.skipped.Add(1)
	w.countReason(reason, 1)
	if r := w.opts.Rejects; r != nil {
		var line int64
		if row < len(c.Lines) {
			line = c.Lines[row]
		}
		if err := r.AddRow(c.Source, line, reason, RowStrings(c.Record, row)); err != nil {
			w.noteRejectsErr(err)
		}
	}
}

// flush hands the current batch, if any, to the posting side.
func (k *worker) flush() {
	if len(k.cur.ends) == 0 {
		return
	}
	k.w.batches.Add(1)
	if k.posts != nil {
		k.posts <- k.cur
		k.cur = <-k.free
		return
	}
	k.postFn(k.cur)
	k.cur.reset()
}

// post writes a batch: each line ends written or rejected.
func (k *worker) post(b *batch) {
	o := &k.w.opts
	if o.JitterInterval > 0 && o.Mode != ModeSync && k.ctx.Err() == nil {
		sleep(k.ctx, time.Duration(k.rnd.Int64N(int64(o.JitterInterval))))
	}
	k.write(b, 0, len(b.ends))
}

// write writes lines [lo, hi) of b, splitting on refusals until the refused
// lines are known. It returns false when the write has stopped; the lines
// not acknowledged then are rejected.
func (k *worker) write(b *batch, lo, hi int) bool {
	w := k.w
	if k.ctx.Err() != nil {
		k.reject(b, lo, hi, w.stopReason(k.ctx))
		return false
	}
	body := b.lines(lo, hi)
	perr, v, gaveUp := k.send(body)
	switch v {
	case vWritten:
		w.written.Add(int64(hi - lo))
		w.bytes.Add(int64(len(body)))
		return true
	case vSplit:
		// A request of one line, or one whose every line the server says
		// it dropped, needs no more splitting.
		if hi-lo == 1 || dropped(perr) == hi-lo {
			k.reject(b, lo, hi, describe(perr, w.redact))
			return true
		}
		w.splits.Add(1)
		mid := lo + (hi-lo)/2
		if !k.write(b, lo, mid) {
			k.reject(b, mid, hi, w.stopReason(k.ctx))
			return false
		}
		return k.write(b, mid, hi)
	case vReject:
		k.reject(b, lo, hi, describe(perr, w.redact))
		return true
	default: // stopped, or fatal
		if perr != nil && k.ctx.Err() == nil {
			w.fail(&requestError{msg: "sink: " + gaveUp + describe(perr, w.redact), err: perr}, k.cancel)
		}
		k.reject(b, lo, hi, w.stopReason(k.ctx))
		return false
	}
}

// send posts body, retrying as the options say, and returns the last
// error, the verdict on it, and, when the retries ran out, a note saying
// so. The verdict is vFatal when the write has stopped (perr nil) or the
// retries ran out.
func (k *worker) send(body []byte) (perr *http2.Error, v verdict, gaveUp string) {
	w := k.w
	o := &w.opts
	if o.Gzip {
		k.gzbuf.Reset()
		if k.gz == nil {
			k.gz, _ = gzip.NewWriterLevel(&k.gzbuf, gzip.BestSpeed)
		} else {
			k.gz.Reset(&k.gzbuf)
		}
		k.gz.Write(body) // writes to a bytes.Buffer do not fail
		k.gz.Close()
		body = k.gzbuf.Bytes()
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		w.requests.Add(1)
		perr = post(k.ctx, w.svc, w.url, body, o.Gzip)
		if k.ctx.Err() != nil {
			return nil, vFatal, ""
		}
		if v = classify(perr); v != vRetry {
			return perr, v, ""
		}
		elapsed := time.Since(start)
		if attempt < o.MaxRetries {
			delay := o.retryDelay(attempt+1, time.Duration(perr.RetryAfter)*time.Second, k.rnd.Int64N)
			if elapsed+delay <= o.MaxRetryTime {
				w.retries.Add(1)
				if !sleep(k.ctx, delay) {
					return nil, vFatal, ""
				}
				continue
			}
		}
		return perr, vFatal, fmt.Sprintf("gave up after %d retries in %s: ", attempt, elapsed.Round(time.Millisecond))
	}
}

// reject sends lines [lo, hi) of b to the rejects with reason.
func (k *worker) reject(b *batch, lo, hi int, reason string) {
	if hi <= lo {
		return
	}
	w := k.w
	n := int64(hi - lo)
	w.rejected.Add(n)
	w.countReason(reason, n)
	if r := w.opts.Rejects; r != nil {
		lines := make([][]byte, 0, hi-lo)
		for i := lo; i < hi; i++ {
			lines = append(lines, b.lines(i, i+1))
		}
		if err := r.AddLines(reason, w.opts.Precision, lines...); err != nil {
			w.noteRejectsErr(err)
		}
	}
}

// sleep waits for d or until ctx is done, and reports whether it waited
// the whole time.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
