package sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
)

// chunk is a normalised record on its way to a destination, with where its
// rows came from. The destination owns the record and releases it.
type chunk struct {
	seq   int64 // the record's number in the source, from 0, for the journal
	rec   arrow.Record
	lines []int64 // 1-based source line of each row, or nil
	// skip holds the rows (or points) an earlier run acknowledged: they
	// are not sent again.
	skip []rowRange
	// lp holds points already encoded as line protocol when rec is nil
	// (a line-protocol input), each ending in a newline, and lpEnds the
	// offset just past each point (a point may span lines: a string value
	// holds newlines raw); each point counts as a row.
	lp     []byte
	lpEnds []int
}

// server is the destination of Write: Options.Workers goroutines that take
// chunks from a channel, encode them and post their own batches.
type server struct {
	opts      *Options
	precision frame.Precision // of the timestamps posted
	svc       http2.Service
	url       string
	redact    func(string) string
	acct      *account
	rejects   *rejects
	input     string
	journal   *journal // nil when the write keeps none

	in     chan chunk
	ctx    context.Context // cancelled when the write must stop
	parent context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	fatal      error // the first error that stopped the write
	rejectsErr error // the first error writing the rejects file
}

// newServer returns the destination that posts to bucket (on InfluxDB 1.8,
// "db/rp" or "db") of org (ignored by InfluxDB 1.8) through client, which
// supplies the server URL, the token and the HTTP client.
func newServer(client influxdb2.Client, org, bucket string, o *Options, p frame.Precision) (*server, error) {
	if client == nil {
		return nil, errors.New("sink: nil client")
	}
	if bucket == "" {
		return nil, errors.New("sink: no bucket")
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
	q.Set("precision", p.String())
	u.RawQuery = q.Encode()
	return &server{opts: o, precision: p, svc: svc, url: u.String(), redact: redactor(svc.Authorization())}, nil
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

// start launches the workers.
func (s *server) start(ctx context.Context, acct *account, rj *rejects, input string) {
	s.acct, s.rejects, s.input = acct, rj, input
	s.parent = ctx
	s.ctx, s.cancel = context.WithCancelCause(ctx)
	s.in = make(chan chunk, 2*s.opts.Workers)
	for range s.opts.Workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			newWorker(s).run(s.in)
		}()
	}
}

// put hands a chunk to the workers. It never fails: once the write has
// stopped, the workers send every chunk to the rejects.
func (s *server) put(c chunk) error {
	s.in <- c
	return nil
}

// close waits for the workers and returns the error that stopped the
// write, if any, and any error writing the rejects.
func (s *server) close() error {
	close(s.in)
	s.wg.Wait()
	defer s.cancel(nil)
	var errs []error
	s.mu.Lock()
	fatal := s.fatal
	s.mu.Unlock()
	switch {
	case fatal != nil:
		errs = append(errs, fatal)
	case s.parent.Err() != nil:
		errs = append(errs, fmt.Errorf("sink: write stopped: %w", context.Cause(s.parent)))
	}
	s.mu.Lock()
	if s.rejectsErr != nil {
		errs = append(errs, s.rejectsErr)
	}
	s.mu.Unlock()
	return errors.Join(errs...)
}

// fail records err as the error that stops the write, if it is the
// first, and stops every worker.
func (s *server) fail(err error) {
	s.mu.Lock()
	if s.fatal == nil {
		s.fatal = err
	}
	s.mu.Unlock()
	s.cancel(err)
}

// stopReason is the reason given for the points not sent once the write
// has stopped.
func (s *server) stopReason() string {
	s.mu.Lock()
	err := s.fatal
	s.mu.Unlock()
	if err == nil {
		err = context.Cause(s.ctx)
	}
	if err == nil {
		err = s.ctx.Err()
	}
	return "not written: " + oneLine(s.redact(strings.TrimPrefix(err.Error(), "sink: ")))
}

func (s *server) noteRejectsErr(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	if s.rejectsErr == nil {
		s.rejectsErr = err
	}
	s.mu.Unlock()
}

// batch is a run of encoded lines, and what their points hold.
type batch struct {
	buf   []byte
	ends  []int // ends[i] is the offset just past line i's newline
	first time.Time

	// For lines encoded from records: the field names of the encoder's
	// plan, the values of each in the batch, and the time range.
	names            []string
	counts           []int64
	minT, maxT       int64
	timed, recordful bool

	refs []rowRef // each line's record and row, when the write keeps a journal
}

func (b *batch) reset() {
	b.buf = b.buf[:0]
	b.ends = b.ends[:0]
	b.names = nil
	b.counts = b.counts[:0]
	b.timed, b.recordful = false, false
	b.refs = b.refs[:0]
}

// lines returns the text of lines [lo, hi).
func (b *batch) lines(lo, hi int) []byte {
	start := 0
	if lo > 0 {
		start = b.ends[lo-1]
	}
	return b.buf[start:b.ends[hi-1]]
}

// worker is one of the server's goroutines (two in the async mode: the
// encoding side and the posting side).
type worker struct {
	s      *server
	enc    *lineproto.Encoder
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

func newWorker(s *server) *worker {
	k := &worker{
		s: s, cur: &batch{},
		enc: lineproto.NewEncoder(lineproto.Options{Precision: s.precision, Measurement: s.opts.Measurement}),
		rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
	k.postFn = k.post
	return k
}

func (k *worker) run(in <-chan chunk) {
	o := k.s.opts
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
	k.timer.Reset(max(time.Until(k.cur.first.Add(k.s.opts.FlushInterval)), 0))
}

// chunk encodes the rows of c into batches, flushing each full one.
func (k *worker) chunk(c chunk) {
	rec := c.rec
	if rec == nil {
		k.points(c)
		return
	}
	defer rec.Release()
	acct := k.s.acct
	n := int(rec.NumRows())
	nf := k.enc.NonFinite()
	if err := k.enc.Reset(rec); err == nil { // else every AppendRow says why
		if names := k.enc.Fields(); k.cur.recordful && !equalNames(k.cur.names, names) {
			k.flush() // a batch counts the fields of one plan
		}
	}
	size := k.s.opts.BatchSize
	b := k.cur
	at := 0 // where to look in c.skip
	for i := range n {
		if c.skip != nil {
			var done bool
			if done, at = contains(c.skip, int32(i), at); done {
				continue
			}
		}
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
		k.count(b)
		if k.s.journal != nil {
			b.refs = append(b.refs, rowRef{c.seq, int32(i)})
		}
		if len(b.ends) >= size {
			k.flush()
			b = k.cur
		}
	}
	acct.nonFinite.Add(k.enc.NonFinite() - nf)
}

// count adds the fields and time of the line just encoded to b.
func (k *worker) count(b *batch) {
	if !b.recordful {
		b.recordful = true
		b.names = k.enc.Fields()
		b.counts = append(b.counts[:0], make([]int64, len(b.names))...)
	}
	for _, i := range k.enc.Added() {
		b.counts[i]++
	}
	if t, ok := k.enc.Time(); ok {
		if !b.timed || t < b.minT {
			b.minT = t
		}
		if !b.timed || t > b.maxT {
			b.maxT = t
		}
		b.timed = true
	}
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// points adds the pre-encoded points of c, c.lp[ends[i-1]:ends[i]], to
// batches, flushing each full one.
func (k *worker) points(c chunk) {
	size := k.s.opts.BatchSize
	start, at := 0, 0
	for i, end := range c.lpEnds {
		point := c.lp[start:end]
		start = end
		if c.skip != nil {
			var done bool
			if done, at = contains(c.skip, int32(i), at); done {
				continue
			}
		}
		b := k.cur
		if len(b.ends) == 0 {
			b.first = time.Now()
		}
		b.buf = append(b.buf, point...)
		b.ends = append(b.ends, len(b.buf))
		if k.s.journal != nil {
			b.refs = append(b.refs, rowRef{c.seq, int32(i)})
		}
		if len(b.ends) >= size {
			k.flush()
		}
	}
}

// skip reports a row that could not be a point.
func (k *worker) skip(c chunk, row int, err error) {
	s := k.s
	var re *lineproto.RowError
	if errors.As(err, &re) {
		err = re.Err
	}
	reason := oneLine(err.Error())
	s.acct.skipped.Add(1)
	s.acct.reason(reason, 1)
	rj := &frame.Reject{File: s.input, Reason: reason, Cells: rowCells(c.rec, row)}
	if row < len(c.lines) {
		rj.Line = c.lines[row]
	}
	s.acct.sample(rj)
	s.noteRejectsErr(s.rejects.addRow(rj))
}

// rowCells renders row i of rec as text cells, as frame.FormatValue does.
func rowCells(rec arrow.Record, i int) []string {
	out := make([]string, rec.NumCols())
	for c := range out {
		out[c] = frame.FormatValue(rec.Column(c), i)
	}
	return out
}

// flush hands the current batch, if any, to the posting side.
func (k *worker) flush() {
	if len(k.cur.ends) == 0 {
		return
	}
	k.s.acct.batches.Add(1)
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
	o := k.s.opts
	if o.JitterInterval > 0 && o.Mode != ModeSync && k.s.ctx.Err() == nil {
		sleep(k.s.ctx, time.Duration(k.rnd.Int64N(int64(o.JitterInterval))))
	}
	k.write(b, 0, len(b.ends))
}

// write writes lines [lo, hi) of b, splitting on refusals until the refused
// lines are known. It returns false when the write has stopped; the lines
// not acknowledged then are rejected.
func (k *worker) write(b *batch, lo, hi int) bool {
	s := k.s
	if s.ctx.Err() != nil {
		k.reject(b, lo, hi, s.stopReason(), false)
		return false
	}
	body := b.lines(lo, hi)
	perr, v, gaveUp := k.send(body)
	switch v {
	case vWritten:
		k.written(b, lo, hi)
		return true
	case vSplit:
		// A request of one line, or one whose every line the server says
		// it dropped, needs no more splitting.
		if hi-lo == 1 || dropped(perr) == hi-lo {
			k.reject(b, lo, hi, describe(perr, s.redact), true)
			return true
		}
		s.acct.splits.Add(1)
		mid := lo + (hi-lo)/2
		if !k.write(b, lo, mid) {
			k.reject(b, mid, hi, s.stopReason(), false)
			return false
		}
		return k.write(b, mid, hi)
	case vReject:
		k.reject(b, lo, hi, describe(perr, s.redact), true)
		return true
	default: // stopped, or fatal
		if perr != nil && s.ctx.Err() == nil {
			s.fail(&requestError{msg: "sink: " + gaveUp + describe(perr, s.redact), err: perr})
		}
		k.reject(b, lo, hi, s.stopReason(), false)
		return false
	}
}

// written counts lines [lo, hi) of b as acknowledged, with their fields
// and times: the batch's own counts when the whole batch went through,
// the lines decoded again otherwise (after a split).
func (k *worker) written(b *batch, lo, hi int) {
	acct := k.s.acct
	body := b.lines(lo, hi)
	acct.written.Add(int64(hi - lo))
	acct.bytes.Add(int64(len(body)))
	if k.s.journal != nil {
		k.s.journal.add(b.refs[lo:hi])
	}
	if !b.recordful {
		return
	}
	if lo == 0 && hi == len(b.ends) {
		if b.timed {
			acct.wrote(b.names, b.counts, b.minT, b.maxT)
		}
		return
	}
	if fields, minT, maxT, ok := countLines(body, k.s.precision); ok {
		acct.wroteFields(fields, minT, maxT)
	}
}

// countLines decodes lines of line protocol at precision p and returns the
// values of each field and the time range; false when none has a time.
func countLines(body []byte, p frame.Precision) (fields map[string]int64, minT, maxT int64, ok bool) {
	fields = map[string]int64{}
	prec := lineproto.ProtocolPrecision(p)
	dec := lineprotocol.NewDecoderWithBytes(body)
	for dec.Next() {
		if _, err := dec.Measurement(); err != nil {
			continue
		}
		for {
			k, _, err := dec.NextTag()
			if err != nil || k == nil {
				break
			}
		}
		for {
			k, _, err := dec.NextField()
			if err != nil || k == nil {
				break
			}
			fields[string(k)]++
		}
		t, err := dec.Time(prec, time.Time{})
		if err != nil || t.IsZero() {
			continue
		}
		ns := t.UnixNano()
		if !ok || ns < minT {
			minT = ns
		}
		if !ok || ns > maxT {
			maxT = ns
		}
		ok = true
	}
	return fields, minT, maxT, ok
}

// send posts body, retrying as the options say, and returns the last
// error, the verdict on it, and, when the retries ran out, a note saying
// so. The verdict is vWritten when the server acknowledged body, even if
// the write stopped meanwhile; vFatal when the write has stopped (perr
// nil) or the retries ran out.
func (k *worker) send(body []byte) (perr *http2.Error, v verdict, gaveUp string) {
	s := k.s
	o := s.opts
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
		s.acct.requests.Add(1)
		perr = post(s.ctx, s.svc, s.url, body, o.Gzip)
		if perr == nil {
			// Acknowledged, even when the write stopped meanwhile: the
			// points are stored, and counted and journaled as written.
			return nil, vWritten, ""
		}
		if s.ctx.Err() != nil {
			return nil, vFatal, ""
		}
		if v = classify(perr); v != vRetry {
			return perr, v, ""
		}
		elapsed := time.Since(start)
		if attempt < o.MaxRetries {
			delay := o.retryDelay(attempt+1, time.Duration(perr.RetryAfter)*time.Second, k.rnd.Int64N)
			if elapsed+delay <= o.MaxRetryTime {
				s.acct.retries.Add(1)
				if !sleep(s.ctx, delay) {
					return nil, vFatal, ""
				}
				continue
			}
		}
		return perr, vFatal, fmt.Sprintf("gave up after %d retries in %s: ", attempt, elapsed.Round(time.Millisecond))
	}
}

// reject sends lines [lo, hi) of b to the rejects with reason, as refused
// by the server or as not sent.
func (k *worker) reject(b *batch, lo, hi int, reason string, refused bool) {
	if hi <= lo {
		return
	}
	s := k.s
	n := int64(hi - lo)
	if refused {
		s.acct.refused.Add(n)
	} else {
		s.acct.notSent.Add(n)
	}
	s.acct.reason(reason, n)
	lines := make([][]byte, 0, hi-lo)
	for i := lo; i < hi; i++ {
		lines = append(lines, b.lines(i, i+1))
	}
	s.noteRejectsErr(s.rejects.addLines(reason, s.precision, lines...))
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
