package sink

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"github.com/influxframe/influxframe/frame"
)

// Mode is how Write cuts and posts batches.
type Mode string

// The write modes, named after influxdb-client-python's. Every mode reports
// every point: what the server does not acknowledge goes to the rejects.
const (
	// ModeSync writes each chunk before taking the next: a chunk's rows
	// are cut into batches of BatchSize lines, each posted and
	// acknowledged before the next is cut. Batches never span chunks.
	ModeSync Mode = "sync"
	// ModeBatching (the default) lets batches span chunks: a batch is
	// posted when it holds BatchSize lines, when FlushInterval has passed
	// since its first line, or at the end of the input. Each post waits a
	// random delay below JitterInterval first.
	ModeBatching Mode = "batching"
	// ModeAsync batches like ModeBatching, and each worker encodes its
	// next batch while the previous one is in flight.
	ModeAsync Mode = "async"
)

// ParseMode parses "sync", "async" or "batching".
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeSync, ModeAsync, ModeBatching:
		return m, nil
	}
	return "", fmt.Errorf("sink: invalid mode %q (use sync, async or batching)", s)
}

// NoRetries as Options.MaxRetries turns retries off.
const NoRetries = -1

// The defaults of Options, those of influxdb-client-python's WriteOptions.
const (
	DefaultBatchSize       = 5000
	DefaultFlushInterval   = time.Second
	DefaultRetryInterval   = 5 * time.Second
	DefaultMaxRetries      = 5
	DefaultMaxRetryDelay   = 125 * time.Second
	DefaultMaxRetryTime    = 180 * time.Second
	DefaultExponentialBase = 2
)

// Options configure Write, WriteFile and WriteLineProtocol. A zero field
// takes its default, given in brackets; negative values are errors. The
// batching and retry options are those of influxdb-client-python's
// WriteOptions, and apply to writes to a server only.
type Options struct {
	// Mode is how batches are cut and posted [ModeBatching].
	Mode Mode
	// Workers is the number of goroutines that encode and post batches
	// [runtime.NumCPU()].
	Workers int
	// BatchSize is the largest number of lines per request [5000].
	BatchSize int
	// FlushInterval is how long a partly filled batch waits for more
	// lines in the batching and async modes [1s].
	FlushInterval time.Duration
	// JitterInterval is the upper bound of a random delay before each post
	// in the batching and async modes, to spread the load of many writers
	// [0: none].
	JitterInterval time.Duration
	// RetryInterval is the delay before the first retry [5s]. The n-th
	// retry waits a random delay within
	// [RetryInterval*ExponentialBase^(n-1), RetryInterval*ExponentialBase^n],
	// at most MaxRetryDelay, or what the server's Retry-After says.
	RetryInterval time.Duration
	// MaxRetries is the largest number of retries of one request [5]; use
	// NoRetries for none.
	MaxRetries int
	// MaxRetryDelay caps the computed delay between two retries [125s].
	MaxRetryDelay time.Duration
	// MaxRetryTime is the longest a request may keep being retried,
	// counted from its first attempt [180s]. A retry that would start
	// later is not made.
	MaxRetryTime time.Duration
	// ExponentialBase is the growth factor of the retry delay, at least 1
	// [2].
	ExponentialBase float64
	// Gzip compresses request bodies.
	Gzip bool

	// Precision of the timestamps written [the records' own, from their
	// schema (frame.Schema.Precision)]. For WriteLineProtocol it is the
	// precision of the input's timestamps [nanoseconds]. The rejects file
	// is always written in nanoseconds.
	Precision frame.Precision
	// Measurement, if not empty, replaces the measurement named in the
	// records' schema.
	Measurement string

	// Rejects is the path of the rejects file, which receives every row
	// and point not written, with the reason
	// [<input>.rejected.lp beside the input; for standard input, a URL or
	// a frame, <name>.rejected.lp in the working directory]. It is
	// created only when something is rejected; a file left there by an
	// earlier run is removed first, and the input itself is refused.
	Rejects string
	// RejectsTo, if not nil, receives the rejects instead of a file.
	RejectsTo io.Writer

	// Journal, for Write and WriteLineProtocol, is a file in which the
	// write records, as acknowledgements arrive, which rows of which
	// records of the source the server acknowledged [none]. JournalKey
	// identifies the input and the options (a hash of the file and of the
	// settings that decide its points), and Resume continues the write a
	// journal of the same key describes: the source is read again from the
	// start (normalisation needs every row, for duplicates) and only the
	// rows the journal does not hold are sent, so that a write stopped by
	// anything, a killed process included, sends at most the batches that
	// were in flight twice (points are idempotent). A journal of another
	// key is an error wrapping ErrJournal, and nothing is sent; without a
	// journal to resume, the write starts from the beginning. The rejects
	// are rebuilt by the resumed write.
	Journal    string
	JournalKey string
	Resume     bool

	// SkipPreflight, for Write, leaves out the preflight: before its first
	// request, Write reads the field types the measurement already has on
	// the server and returns a *PreflightError, sending nothing, when a
	// field of the records would conflict with them (see Preflight).
	SkipPreflight bool

	// Verify, for Write, counts each field's values back from the server
	// after writing (over the measurement and the time range written) and
	// returns a *VerifyError when the server holds fewer than were
	// acknowledged: points that overwrote one another, or were lost.
	Verify bool

	// Progress, if not nil, is called with the counts so far every
	// ProgressInterval [1s] while the write runs, from a goroutine of the
	// write's own, and once more at the end.
	Progress         func(Stats)
	ProgressInterval time.Duration
}

// withDefaults returns o with defaults applied, or an error naming the
// first invalid option.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("sink: invalid option: "+format, args...))
	}
	switch o.Mode {
	case "":
		o.Mode = ModeBatching
	case ModeSync, ModeAsync, ModeBatching:
	default:
		bad("mode %q (use sync, async or batching)", o.Mode)
	}
	intDefault(&o.Workers, runtime.NumCPU(), "workers", bad)
	intDefault(&o.BatchSize, DefaultBatchSize, "batch size", bad)
	durDefault(&o.FlushInterval, DefaultFlushInterval, "flush interval", bad)
	durDefault(&o.RetryInterval, DefaultRetryInterval, "retry interval", bad)
	durDefault(&o.MaxRetryDelay, DefaultMaxRetryDelay, "max retry delay", bad)
	durDefault(&o.MaxRetryTime, DefaultMaxRetryTime, "max retry time", bad)
	if o.JitterInterval < 0 {
		bad("jitter interval %s is negative", o.JitterInterval)
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries == NoRetries:
		o.MaxRetries = 0
	case o.MaxRetries < 0:
		bad("max retries %d is negative (use NoRetries for none)", o.MaxRetries)
	}
	switch {
	case o.ExponentialBase == 0:
		o.ExponentialBase = DefaultExponentialBase
	case o.ExponentialBase < 1 || math.IsNaN(o.ExponentialBase) || math.IsInf(o.ExponentialBase, 0):
		bad("exponential base %g is not a finite number >= 1", o.ExponentialBase)
	}
	if o.Precision > frame.Second {
		bad("precision %d", o.Precision)
	}
	durDefault(&o.ProgressInterval, time.Second, "progress interval", bad)
	return o, errors.Join(errs...)
}

func intDefault(v *int, def int, name string, bad func(string, ...any)) {
	switch {
	case *v == 0:
		*v = def
	case *v < 0:
		bad("%s %d is negative", name, *v)
	}
}

func durDefault(v *time.Duration, def time.Duration, name string, bad func(string, ...any)) {
	switch {
	case *v == 0:
		*v = def
	case *v < 0:
		bad("%s %s is negative", name, *v)
	}
}

// retryDelay returns the delay before retry n (1 for the first retry) of a
// request. retryAfter, the server's Retry-After, wins when positive. rnd
// returns a uniform random number in [0, n).
func (o *Options) retryDelay(n int, retryAfter time.Duration, rnd func(n int64) int64) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	if n < 1 {
		n = 1
	}
	limit := float64(o.MaxRetryDelay)
	lo := float64(o.RetryInterval) * math.Pow(o.ExponentialBase, float64(n-1))
	if lo >= limit || math.IsInf(lo, 0) || math.IsNaN(lo) {
		return o.MaxRetryDelay
	}
	hi := math.Min(lo*o.ExponentialBase, limit)
	span := int64(hi - lo)
	d := time.Duration(lo)
	if span > 0 {
		d += time.Duration(rnd(span + 1))
	}
	return min(d, o.MaxRetryDelay)
}
