package frame

import (
	"fmt"
	"time"
)

// Precision is the unit in which InfluxDB receives a point's timestamp:
// the write precision of line protocol. A normalised frame carries it in
// its schema (Schema.Precision), so that every stage after the one that
// chose it reads it from the data instead of from a setting.
//
// The zero value is unset; each option that takes a Precision says what
// unset means there.
type Precision uint8

// The precisions, finest first.
const (
	Nanosecond Precision = iota + 1
	Microsecond
	Millisecond
	Second
)

var precisionNames = [...]string{"", "ns", "us", "ms", "s"}

// ParsePrecision parses "ns", "us" (or "µs"), "ms" or "s".
func ParsePrecision(s string) (Precision, error) {
	switch s {
	case "ns":
		return Nanosecond, nil
	case "us", "µs":
		return Microsecond, nil
	case "ms":
		return Millisecond, nil
	case "s":
		return Second, nil
	}
	return 0, fmt.Errorf("frame: unknown precision %q (want ns, us, ms or s)", s)
}

// String returns "ns", "us", "ms", "s", or "" when p is unset.
func (p Precision) String() string {
	if int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return fmt.Sprintf("precision(%d)", uint8(p))
}

// Duration returns one unit of p: 1ns for Nanosecond (and when unset)
// up to 1s for Second.
func (p Precision) Duration() time.Duration {
	switch p {
	case Microsecond:
		return time.Microsecond
	case Millisecond:
		return time.Millisecond
	case Second:
		return time.Second
	}
	return time.Nanosecond
}

// Or returns p, or def when p is unset.
func (p Precision) Or(def Precision) Precision {
	if p == 0 {
		return def
	}
	return p
}

// MarshalText implements encoding.TextMarshaler.
func (p Precision) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is unset.
func (p *Precision) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = 0
		return nil
	}
	v, err := ParsePrecision(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
