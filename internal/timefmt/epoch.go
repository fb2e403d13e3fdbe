package timefmt

import "time"

// The plausible range of an integer timestamp: an epoch value is read in a
// unit only if it then falls from PlausibleFrom (1e8 seconds after the
// epoch) to PlausibleTo. Below 1e8 seconds (before March 1973) a value is
// as likely a small count, a year or a date written as digits as a time
// in the 1970s, and no unit is chosen for it: the caller must say.
var (
	PlausibleFrom = time.Unix(1e8, 0).UTC()                     // 1973-03-03T09:46:40Z
	PlausibleTo   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) // 2100-01-01T00:00:00Z
)

// The range of a year column: integers from MinYear to MaxYear.
const (
	MinYear = 1000
	MaxYear = 2999
)

// EpochFormats are the epoch formats, coarsest first.
var EpochFormats = []string{Unix, UnixMs, UnixUs, UnixNs}

// PlausibleEpochs returns the epoch formats in which every integer from
// min to max is a time from PlausibleFrom to PlausibleTo. The ranges of
// the formats (1e8 to 4.1e9 seconds, 1e11 to 4.1e12 milliseconds, ...) do
// not overlap, so it returns one format or none.
func PlausibleEpochs(min, max int64) []string {
	var out []string
	from, to := PlausibleFrom.UnixNano(), PlausibleTo.UnixNano()
	for _, f := range EpochFormats {
		mul := epochMul[f]
		if min >= from/mul && max <= to/mul {
			out = append(out, f)
		}
	}
	return out
}

// PlausibleYears reports whether every integer from min to max is a year
// from MinYear to MaxYear.
func PlausibleYears(min, max int64) bool { return min >= MinYear && max <= MaxYear }

// EpochTime returns the time the integer n means in an epoch format or as
// a year, and false when it means none (out of the range of int64
// nanoseconds, or an unknown format).
func EpochTime(format string, n int64) (time.Time, bool) {
	p := NewParser(format, 0, time.UTC)
	ns, ok, err := p.ParseInt(n)
	if !ok || err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, ns).UTC(), true
}
