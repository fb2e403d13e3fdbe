package sink

import (
	"errors"

	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/influxframe/influxframe/frame"
)

// Stats are the counts of one write. Every row read from the source ends
// in exactly one of Written, Resumed, Rejected, Skipped, Refused and
// NotSent:
//
//	Rows == Written + Resumed + Rejected + Skipped + Refused + NotSent
//
// once the write has returned; Lost is the sum of the last four, and every
// one of those rows is in the rejects with its reason.
type Stats struct {
	Input       string // the source's name
	Measurement string // the measurement written (of the first record)
	Rows        int64  // rows read from the source
	Total       int64  // rows the source holds, when it says before reading (a CSV file), or -1

	Written  int64 // points the server acknowledged (or written to the file)
	Resumed  int64 // points an earlier run acknowledged, as its journal says: not sent again
	Rejected int64 // rows the source refused before they became points (transform's row rejects)
	Skipped  int64 // rows that line protocol cannot express (a newline in a tag value, invalid UTF-8)
	Refused  int64 // points the server refused (a field type conflict, a time beyond retention)
	NotSent  int64 // points never acknowledged because the write stopped (server gone, interrupted)

	NonFinite int64 // NaN or infinite field values left out of points
	Batches   int64 // batches cut
	Requests  int64 // write requests made, retries and split halves included
	Retries   int64 // requests repeated after a retryable error
	Splits    int64 // batches split to find the lines the server refused
	Bytes     int64 // line-protocol bytes of the points written

	// Reasons counts the rows not written by reason. Past maxReasons
	// distinct reasons, the rest are counted under OtherReasons.
	Reasons map[string]int64
	// RejectsPath is the rejects file, "" when nothing was rejected (or
	// the rejects went to Options.RejectsTo).
	RejectsPath string
	// Samples holds the first rows that did not become points (at most
	// five), with their position and reason; the rejects have them all.
	Samples []frame.Reject

	// Fields counts, per field, the values of the points written, and
	// MinTime and MaxTime bound their timestamps (nanoseconds): what
	// Verify asks the server about. Nil for line-protocol inputs, whose
	// fields are not read.
	Fields           map[string]int64
	MinTime, MaxTime int64
	// Verified holds the counts Options.Verify compared.
	Verified []FieldCheck
	// Comments counts the comment lines of a line-protocol input, which
	// are skipped: in a rejects file, the reasons and the rows that never
	// became points.
	Comments int64
}

// Range returns the time range of the points written, [start, stop): what
// Flux's range() takes to read them back.
func (s *Stats) Range() (start, stop time.Time) {
	return time.Unix(0, s.MinTime).UTC(), time.Unix(0, s.MaxTime+1).UTC()
}

// Lost returns the rows not written, for any reason.
func (s *Stats) Lost() int64 { return s.Rejected + s.Skipped + s.Refused + s.NotSent }

// SortedReasons returns the reasons of s by decreasing count, then name.
func (s *Stats) SortedReasons() []string {
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

// OtherReasons is the Stats.Reasons key that counts rows whose reason came
// after the map was full.
const OtherReasons = "(other reasons)"

const maxReasons = 100

// ErrIncomplete is what the error of a write that did not store every row
// is (errors.Is): an *IncompleteError.
var ErrIncomplete = errors.New("some rows were not written")

// IncompleteError says that a write did not store every row of its input,
// how many it missed and where they are. Every one of them is in the
// rejects with its reason, so that importing the rejects file completes
// the write.
type IncompleteError struct {
	Input   string // the input's name
	Lost    int64  // rows not written
	Rows    int64  // rows read
	Rejects string // the rejects file; "" when they went to Options.RejectsTo
	// Cause is the error that stopped the write early (the server gone
	// after its retries, credentials refused, the context cancelled), or
	// nil when the write ran to the end and only some rows were refused.
	Cause error
}

func (e *IncompleteError) Error() string {
	where := "; they went to Options.RejectsTo"
	if e.Rejects != "" {
		where = "; they are in " + e.Rejects
	}
	in := e.Input
	if in == "" {
		in = "input"
	}
	if e.Cause != nil {
		return fmt.Sprintf("%s: write stopped: %v; %d of %d rows not written%s", in, e.Cause, e.Lost, e.Rows, where)
	}
	return fmt.Sprintf("%s: %d of %d rows not written%s", in, e.Lost, e.Rows, where)
}

// Unwrap returns the cause, if any.
func (e *IncompleteError) Unwrap() error { return e.Cause }

// Is reports whether target is ErrIncomplete.
func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }

// account holds the counts of one write, updated by its goroutines.
type account struct {
	input, measurement string
	total              int64

	rows, written, resumed, rejected, skipped, refused, notSent atomic.Int64
	nonFinite, batches, requests, retries, splits               atomic.Int64
	bytes                                                       atomic.Int64

	mu        sync.Mutex
	samples   []frame.Reject
	reasons   map[string]int64
	fields    map[string]int64
	timed     bool // minTime and maxTime are set
	minT      int64
	maxT      int64
	rejectsAt string
}

func newAccount(input string, total int64) *account {
	return &account{input: input, total: total, reasons: map[string]int64{}}
}

// reason counts n rows not written for reason: the text before the first
// ": ", so that "bad timestamp: \"x\" ..." and the like count as one.
func (a *account) reason(reason string, n int64) {
	if i := strings.Index(reason, ": "); i > 0 {
		reason = reason[:i]
	}
	a.mu.Lock()
	if _, ok := a.reasons[reason]; !ok && len(a.reasons) >= maxReasons {
		reason = OtherReasons
	}
	a.reasons[reason] += n
	a.mu.Unlock()
}

// sample keeps the first rows not written.
func (a *account) sample(r *frame.Reject) {
	a.mu.Lock()
	if len(a.samples) < 5 {
		a.samples = append(a.samples, *r)
	}
	a.mu.Unlock()
}

// wrote adds the field counts and the time range of points acknowledged.
func (a *account) wrote(names []string, counts []int64, minT, maxT int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fields == nil {
		a.fields = map[string]int64{}
	}
	for i, n := range counts {
		if n > 0 {
			a.fields[names[i]] += n
		}
	}
	if !a.timed || minT < a.minT {
		a.minT = minT
	}
	if !a.timed || maxT > a.maxT {
		a.maxT = maxT
	}
	a.timed = true
}

// wroteFields adds field counts by name (from decoded lines).
func (a *account) wroteFields(fields map[string]int64, minT, maxT int64) {
	names := make([]string, 0, len(fields))
	counts := make([]int64, 0, len(fields))
	for k, v := range fields {
		names = append(names, k)
		counts = append(counts, v)
	}
	a.wrote(names, counts, minT, maxT)
}

// stats returns the counts so far.
func (a *account) stats() Stats {
	s := Stats{
		Input: a.input, Total: a.total,
		Rows: a.rows.Load(), Written: a.written.Load(), Resumed: a.resumed.Load(), Rejected: a.rejected.Load(), Skipped: a.skipped.Load(),
		Refused: a.refused.Load(), NotSent: a.notSent.Load(), NonFinite: a.nonFinite.Load(),
		Batches: a.batches.Load(), Requests: a.requests.Load(), Retries: a.retries.Load(),
		Splits: a.splits.Load(), Bytes: a.bytes.Load(),
	}
	a.mu.Lock()
	s.Measurement = a.measurement
	s.RejectsPath = a.rejectsAt
	s.Samples = append([]frame.Reject(nil), a.samples...)
	s.Reasons = make(map[string]int64, len(a.reasons))
	for k, v := range a.reasons {
		s.Reasons[k] = v
	}
	if a.fields != nil {
		s.Fields = make(map[string]int64, len(a.fields))
		for k, v := range a.fields {
			s.Fields[k] = v
		}
	}
	s.MinTime, s.MaxTime = a.minT, a.maxT
	a.mu.Unlock()
	return s
}
