package timefmt

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Layouts are the timestamp layouts that inference recognises, in order of
// preference. A layout set (Detect's mask) is a bit set over this list.
// Layouts without a zone are read in the zone given to NewParser.
var Layouts = []string{
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

// Formats accepted by NewParser besides Go layouts.
const (
	RFC3339 = "rfc3339"
	Unix    = "unix"
	UnixMs  = "unix_ms"
	UnixUs  = "unix_us"
	UnixNs  = "unix_ns"
	Year    = "year"
)

// ErrBadTime is what every parse error is (errors.Is).
var ErrBadTime = errors.New("not a timestamp")

// parseError is a parse error: its text says what was wrong with which
// value, and it is ErrBadTime.
type parseError string

func (e parseError) Error() string        { return string(e) }
func (e parseError) Is(target error) bool { return target == ErrBadTime }

func errorf(format string, args ...any) error { return parseError(fmt.Sprintf(format, args...)) }

// layoutHasZone[i] reports whether Layouts[i] carries its own zone.
var layoutHasZone = func() []bool {
	z := make([]bool, len(Layouts))
	for i, l := range Layouts {
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

// Detect returns the bit set of Layouts that parse s (the first that
// does), and the number of fractional-second digits in s; 0 when s is not
// a timestamp.
func Detect(s string) (mask uint32, frac int) {
	if !maybeTime(s) {
		return 0, 0
	}
	if _, i, ok := ParseISO(s, time.UTC); ok {
		return 1 << uint(i), FracDigits(s)
	}
	for i, l := range Layouts {
		if _, err := time.Parse(l, s); err == nil {
			mask |= 1 << uint(i)
			break // first match is enough: the rest are alternatives
		}
	}
	if mask == 0 {
		return 0, 0
	}
	return mask, FracDigits(s)
}

// FracDigits is the number of fractional-second digits of a timestamp
// (at most 9), as Detect counts them.
func FracDigits(s string) int {
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

// Parser parses the text of a time column to nanoseconds since the epoch,
// UTC. Build one with NewParser.
type Parser struct {
	format  string // a Go layout, an epoch format, or "" for the detected set
	layouts []int  // indexes into Layouts when format == ""
	loc     *time.Location
}

// NewParser returns a parser for format (a Go layout, or one of
// "rfc3339", "unix", "unix_ms", "unix_us", "unix_ns", "year"; "" means try
// the Layouts in mask, or all of them when mask is 0). Zone-less values
// are read in loc (UTC when nil).
func NewParser(format string, mask uint32, loc *time.Location) *Parser {
	if loc == nil {
		loc = time.UTC
	}
	p := &Parser{format: format, loc: loc}
	if format == RFC3339 {
		p.format = time.RFC3339Nano
	}
	if format == "" {
		for i := range Layouts {
			if mask == 0 || mask&(1<<uint(i)) != 0 {
				p.layouts = append(p.layouts, i)
			}
		}
	}
	return p
}

// Parse returns s as nanoseconds since the Unix epoch.
func (p *Parser) Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch p.format {
	case "":
		if ns, _, ok := ParseISO(s, p.loc); ok {
			return ns, nil
		}
		for _, i := range p.layouts {
			if t, err := time.ParseInLocation(Layouts[i], s, p.loc); err == nil {
				return nanos(t, s)
			}
		}
		// A column whose layouts were detected may still hold a value
		// that only another layout reads; try them all before failing.
		for _, l := range Layouts {
			if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
				return nanos(t, s)
			}
		}
		return 0, errorf("%q is not a timestamp in a known layout", s)
	case Unix, UnixMs, UnixUs, UnixNs:
		return parseEpoch(p.format, s)
	case Year:
		y, err := strconv.Atoi(s)
		if err != nil {
			return 0, errorf("%q is not a year", s)
		}
		return nanos(time.Date(y, 1, 1, 0, 0, 0, 0, p.loc), s)
	default:
		t, err := time.ParseInLocation(p.format, s, p.loc)
		if err != nil {
			return 0, errorf("%q does not match layout %q", s, p.format)
		}
		return nanos(t, s)
	}
}

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// nanos returns t as nanoseconds since the epoch, or an error when they do
// not fit an int64 (years before 1678 or after 2262).
func nanos(t time.Time, s string) (int64, error) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, errorf("%q is out of the range of int64 nanoseconds (1677 to 2262)", s)
	}
	return t.UnixNano(), nil
}

// ParseRFC3339 parses an RFC 3339 timestamp, with or without fractional
// seconds, into nanoseconds since the Unix epoch; the forms most writers use
// take ParseISO's fast path.
func ParseRFC3339(s string) (int64, error) {
	if ns, layout, ok := ParseISO(s, time.UTC); ok && layout == 0 {
		return ns, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, errorf("%q is not RFC 3339", s)
	}
	return nanos(t, s)
}

// DescribeLayouts names the layouts of a mask, RFC 3339 as a user spells
// it; "any known layout" for none.
func DescribeLayouts(mask uint32) string {
	var out []string
	for i, l := range Layouts {
		if mask&(1<<uint(i)) != 0 {
			if l == time.RFC3339Nano {
				l = RFC3339
			}
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return "any known layout"
	}
	return strings.Join(out, " | ")
}

// epochMul is the nanoseconds in one unit of each epoch format.
var epochMul = map[string]int64{Unix: 1e9, UnixMs: 1e6, UnixUs: 1e3, UnixNs: 1}

func parseEpoch(format, s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochInt(format, n)
	}
	if ns, ok := epochDecimal(format, s); ok {
		return ns, nil
	}
	mul := epochMul[format]
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errorf("%q is not a %s timestamp", s, format)
	}
	return int64(f * float64(mul)), nil
}

// epochDecimal reads a decimal epoch ("1577836800.123") exactly, digit by
// digit, where a float64 would round it (1577836800123.5 ms is not
// 1577836800123500032 ns); digits finer than a nanosecond are dropped.
// ok is false for other forms (exponents), which parseEpoch reads as
// floats, and when the value does not fit.
func epochDecimal(format, s string) (int64, bool) {
	ip, fp, found := strings.Cut(s, ".")
	if !found || fp == "" {
		return 0, false
	}
	for i := 0; i < len(fp); i++ {
		if fp[i] < '0' || fp[i] > '9' {
			return 0, false
		}
	}
	neg := strings.HasPrefix(ip, "-")
	var n int64
	if ip != "" && ip != "-" && ip != "+" {
		var err error
		if n, err = strconv.ParseInt(ip, 10, 64); err != nil {
			return 0, false
		}
	}
	ns, err := epochInt(format, n)
	if err != nil {
		return 0, false
	}
	var frac int64
	for d, mul := 0, epochMul[format]; mul > 1; d, mul = d+1, mul/10 {
		frac *= 10
		if d < len(fp) {
			frac += int64(fp[d] - '0')
		}
	}
	if neg {
		frac = -frac
	}
	if frac > 0 && ns > math.MaxInt64-frac || frac < 0 && ns < math.MinInt64-frac {
		return 0, false
	}
	return ns + frac, true
}

// epochInt returns the integer epoch n, in an epoch format, as nanoseconds.
func epochInt(format string, n int64) (int64, error) {
	mul := epochMul[format]
	if mul > 1 && (n > (1<<63-1)/mul || n < -(1<<63-1)/mul) {
		return 0, errorf("%q is out of range for %s", strconv.FormatInt(n, 10), format)
	}
	return n * mul, nil
}

// ParseInt returns an integer timestamp as nanoseconds without going
// through its text, when the parser's format is an epoch format or year
// (ok=false otherwise: the caller then parses the text with Parse).
func (p *Parser) ParseInt(n int64) (ns int64, ok bool, err error) {
	if p.format == Year {
		if n < -1e9 || n > 1e9 {
			return 0, true, errorf("%d is out of the range of int64 nanoseconds (1677 to 2262)", n)
		}
		ns, err = nanos(time.Date(int(n), 1, 1, 0, 0, 0, 0, p.loc), strconv.FormatInt(n, 10))
		return ns, true, err
	}
	if _, epoch := epochMul[p.format]; !epoch {
		return 0, false, nil
	}
	ns, err = epochInt(p.format, n)
	return ns, true, err
}

// EpochUnit guesses the unit of integer epoch timestamps from a magnitude:
// seconds up to 1e11, then milliseconds, microseconds and nanoseconds.
//
// Deprecated: it guesses from one value, and reads any small integer as
// seconds in 1970; PlausibleEpochs decides from a column's range, or not
// at all.
func EpochUnit(v int64) string {
	if v < 0 {
		v = -v
	}
	switch {
	case v < 1e11:
		return Unix
	case v < 1e14:
		return UnixMs
	case v < 1e17:
		return UnixUs
	default:
		return UnixNs
	}
}
