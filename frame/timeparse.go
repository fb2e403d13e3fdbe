package frame

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayouts are the timestamp layouts that inference recognises, in order
// of preference. Stats.Layouts is a bit set over this list. Layouts without
// a zone are read in the zone given to ParseTime.
var TimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999",
	"2006/01/02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"Jan 2 2006",
	"Jan 2, 2006",
	"2 Jan 2006",
	"Jan 2 2006 15:04:05",
	time.RFC1123Z,
	time.RFC1123,
}

// Epoch formats accepted by ParseTime besides Go layouts.
const (
	FormatRFC3339 = "rfc3339"
	FormatUnix    = "unix"
	FormatUnixMs  = "unix_ms"
	FormatUnixUs  = "unix_us"
	FormatUnixNs  = "unix_ns"
	FormatYear    = "year"
)

// layoutHasZone[i] reports whether TimeLayouts[i] carries its own zone.
var layoutHasZone = func() []bool {
	z := make([]bool, len(TimeLayouts))
	for i, l := range TimeLayouts {
		z[i] = strings.Contains(l, "Z07") || strings.Contains(l, "-0700") || strings.Contains(l, "MST")
	}
	return z
}()

// maybeTime is a cheap filter before trying layouts: timestamps start with
// a digit or a letter and contain a date separator.
func maybeTime(s string) bool {
	if len(s) < 8 || len(s) > 40 {
		return false
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return false
	}
	return strings.ContainsAny(s, "-/ ")
}

// timeLayoutsOf returns the bit set of TimeLayouts that parse s, and the
// number of fractional-second digits in s.
func timeLayoutsOf(s string) (mask uint32, frac int) {
	if !maybeTime(s) {
		return 0, 0
	}
	if _, i, ok := parseISO(s, time.UTC); ok {
		return 1 << uint(i), fracDigits(s)
	}
	for i, l := range TimeLayouts {
		if _, err := time.Parse(l, s); err == nil {
			mask |= 1 << uint(i)
			break // first match is enough: the rest are alternatives
		}
	}
	if mask == 0 {
		return 0, 0
	}
	return mask, fracDigits(s)
}

func fracDigits(s string) int {
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range s[i+1:] {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	if n > 9 {
		n = 9
	}
	return n
}

// TimeParser parses the text of a time column to nanoseconds since the
// epoch, UTC. Build one with NewTimeParser.
type TimeParser struct {
	format  string // a Go layout, an epoch format, or "" for the detected set
	layouts []int  // indexes into TimeLayouts when format == ""
	loc     *time.Location
}

// NewTimeParser returns a parser for format (a Go layout, or one of
// "rfc3339", "unix", "unix_ms", "unix_us", "unix_ns", "year"; "" means try
// the TimeLayouts in mask, or all of them when mask is 0). Zone-less values
// are read in loc (UTC when nil).
func NewTimeParser(format string, mask uint32, loc *time.Location) *TimeParser {
	if loc == nil {
		loc = time.UTC
	}
	p := &TimeParser{format: format, loc: loc}
	if format == FormatRFC3339 {
		p.format = time.RFC3339Nano
	}
	if format == "" {
		for i := range TimeLayouts {
			if mask == 0 || mask&(1<<uint(i)) != 0 {
				p.layouts = append(p.layouts, i)
			}
		}
	}
	return p
}

// Parse returns s as nanoseconds since the Unix epoch.
func (p *TimeParser) Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch p.format {
	case "":
		if ns, _, ok := parseISO(s, p.loc); ok {
			return ns, nil
		}
		for _, i := range p.layouts {
			if t, err := time.ParseInLocation(TimeLayouts[i], s, p.loc); err == nil {
				return t.UnixNano(), nil
			}
		}
		// A column whose layouts were detected may still hold a value
		// that only another layout reads; try them all before failing.
		for i, l := range TimeLayouts {
			if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
				_ = i
				return t.UnixNano(), nil
			}
		}
		return 0, fmt.Errorf("%w: %q is not a timestamp in a known layout", ErrBadValue, s)
	case FormatUnix, FormatUnixMs, FormatUnixUs, FormatUnixNs:
		return parseEpoch(p.format, s)
	case FormatYear:
		y, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a year", ErrBadValue, s)
		}
		return time.Date(y, 1, 1, 0, 0, 0, 0, p.loc).UnixNano(), nil
	default:
		t, err := time.ParseInLocation(p.format, s, p.loc)
		if err != nil {
			return 0, fmt.Errorf("%w: %q does not match layout %q", ErrBadValue, s, p.format)
		}
		return t.UnixNano(), nil
	}
}

// epochMul is the nanoseconds in one unit of each epoch format.
var epochMul = map[string]int64{FormatUnix: 1e9, FormatUnixMs: 1e6, FormatUnixUs: 1e3, FormatUnixNs: 1}

func parseEpoch(format, s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochInt(format, n)
	}
	mul := epochMul[format]
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a %s timestamp", ErrBadValue, s, format)
	}
	return int64(f * float64(mul)), nil
}

// epochInt returns the integer epoch n, in an epoch format, as nanoseconds.
func epochInt(format string, n int64) (int64, error) {
	mul := epochMul[format]
	if mul > 1 && (n > (1<<63-1)/mul || n < -(1<<63-1)/mul) {
		return 0, fmt.Errorf("%w: %q is out of range for %s", ErrBadValue, strconv.FormatInt(n, 10), format)
	}
	return n * mul, nil
}

// ParseInt returns an integer timestamp as nanoseconds without going
// through its text, when the parser's format is an epoch format (ok=false
// otherwise: the caller then parses the text with Parse).
func (p *TimeParser) ParseInt(n int64) (ns int64, ok bool, err error) {
	if _, epoch := epochMul[p.format]; !epoch {
		return 0, false, nil
	}
	ns, err = epochInt(p.format, n)
	return ns, true, err
}

// EpochUnit guesses the unit of integer epoch timestamps from a magnitude:
// seconds up to 1e11, then milliseconds, microseconds and nanoseconds.
func EpochUnit(v int64) string {
	if v < 0 {
		v = -v
	}
	switch {
	case v < 1e11:
		return FormatUnix
	case v < 1e14:
		return FormatUnixMs
	case v < 1e17:
		return FormatUnixUs
	default:
		return FormatUnixNs
	}
}
