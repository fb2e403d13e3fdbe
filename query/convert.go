package query

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
)

// The #datatype names of annotated CSV.
const (
	typeString   = "string"
	typeDouble   = "double"
	typeBool     = "boolean"
	typeLong     = "long"
	typeULong    = "unsignedLong"
	typeDuration = "duration"
	typeBase64   = "base64Binary"
	typeDateTime = "dateTime" // with ":RFC3339" or ":RFC3339Nano"
)

// Arrow types of decoded columns.
var (
	timestampType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	durationType  = &arrow.DurationType{Unit: arrow.Nanosecond}
)

// arrowType returns the Arrow type of a column with the given #datatype.
// Unknown datatypes keep their cells as text.
func arrowType(datatype string) arrow.DataType {
	switch datatype {
	case typeDouble:
		return arrow.PrimitiveTypes.Float64
	case typeLong:
		return arrow.PrimitiveTypes.Int64
	case typeULong:
		return arrow.PrimitiveTypes.Uint64
	case typeBool:
		return arrow.FixedWidthTypes.Boolean
	case typeDuration:
		return durationType
	case typeBase64:
		return arrow.BinaryTypes.Binary
	case typeString:
		return arrow.BinaryTypes.String
	}
	if datatype == typeDateTime || strings.HasPrefix(datatype, typeDateTime+":") {
		return timestampType
	}
	return arrow.BinaryTypes.String
}

// cellConverter appends one cell to the builder it was made for. An empty
// cell is replaced by the column's #default value, and is a null when that
// is empty too.
type cellConverter func(cell string) error

// errBad returns the cause of a cell that is not a datatype.
func errBad(datatype string) error {
	return fmt.Errorf("%w: not a %s", frame.ErrBadValue, datatype)
}

// newConverter returns the converter appending cells of the given #datatype
// to b, which must be a builder of arrowType(datatype). It is chosen once per
// column and table, so that the row loop has no type switch.
func newConverter(datatype, def string, b array.Builder) cellConverter {
	bad := errBad(datatype)
	switch bb := b.(type) {
	case *array.Float64Builder:
		return parsed(bb, def, bad, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	case *array.Int64Builder:
		return parsed(bb, def, bad, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	case *array.Uint64Builder:
		return parsed(bb, def, bad, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
	case *array.BooleanBuilder:
		return parsed(bb, def, bad, func(s string) (bool, error) {
			switch s {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return false, bad
		})
	case *array.TimestampBuilder:
		// _start and _stop repeat one value on every row: remember the
		// last cell and its value.
		var last string
		var lastV int64
		return parsed(bb, def, bad, func(s string) (arrow.Timestamp, error) {
			if s == last && s != "" {
				return arrow.Timestamp(lastV), nil
			}
			v, err := parseTime(s)
			if err != nil {
				return 0, err
			}
			last, lastV = s, v
			return arrow.Timestamp(v), nil
		})
	case *array.DurationBuilder:
		return parsed(bb, def, bad, func(s string) (arrow.Duration, error) {
			v, err := parseDuration(s)
			return arrow.Duration(v), err
		})
	case *array.BinaryBuilder:
		if datatype == typeBase64 {
			return parsed(bb, def, bad, base64.StdEncoding.DecodeString)
		}
	case *array.StringBuilder:
		return parsed(bb, def, bad, func(s string) (string, error) { return s, nil })
	}
	// Not reached: arrowType only returns the types above.
	return func(string) error {
		return fmt.Errorf("query: no converter for %s into %s", datatype, b.Type())
	}
}

// parsed returns the converter that appends parse(cell) to b: an empty cell
// takes the column's default, and is a null when that is empty too; a cell
// that does not parse is the error bad.
func parsed[T any](b interface {
	Append(T)
	AppendNull()
}, def string, bad error, parse func(string) (T, error)) cellConverter {
	return func(s string) error {
		if s == "" {
			if s = def; s == "" {
				b.AppendNull()
				return nil
			}
		}
		v, err := parse(s)
		if err != nil {
			return bad
		}
		b.Append(v)
		return nil
	}
}

// Limits of an int64 nanosecond timestamp.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

var errTimeRange = errors.New("timestamp out of the int64 nanosecond range")

// parseTime parses an RFC 3339 timestamp, with or without fractional
// seconds, into nanoseconds since the Unix epoch. The common form written by
// Flux (UTC, "Z") takes a fast path.
func parseTime(s string) (int64, error) {
	if v, ok := parseTimeFast(s); ok {
		return v, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	if t.Before(minTime) || t.After(maxTime) {
		return 0, errTimeRange
	}
	return t.UnixNano(), nil
}

// parseTimeFast parses "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z" for years 1678 to
// 2261, where no int64 overflow is possible. It reports false for anything
// else, which time.Parse then decides.
func parseTimeFast(s string) (int64, bool) {
	if len(s) < 20 || len(s) > 30 || s[len(s)-1] != 'Z' ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(i, n int) (int64, bool) {
		var v int64
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	if y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	var frac int64
	rest := s[19 : len(s)-1]
	if rest != "" {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return 0, false
		}
		digits := rest[1:]
		f, ok := num(20, len(digits))
		if !ok {
			return 0, false
		}
		for n := len(digits); n < 9; n++ {
			f *= 10
		}
		frac = f
	}
	days := daysFromCivil(y, mo, d)
	return ((days*24+h)*60+mi)*60*1e9 + sec*1e9 + frac, true
}

// daysFromCivil returns the number of days from 1970-01-01 to the given date
// of the proleptic Gregorian calendar (year > 0).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func daysIn(m, y int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseDuration parses a duration cell: integer nanoseconds (as
// influxdb-client-python reads them), a Go duration ("1h2m3.5s") or a Flux
// duration literal of fixed-length units ("1w2d", "3d12h"). Months and years
// have no fixed length and are refused.
func parseDuration(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return int64(d), nil
	}
	return parseFluxDuration(s)
}

var errDuration = errors.New("not a duration")

var fluxUnits = map[string]uint64{
	"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9,
	"h": 3600e9, "d": 86400e9, "w": 7 * 86400e9,
}

// parseFluxDuration parses a sequence of integer magnitude and unit pairs,
// optionally negated, as Flux writes duration literals.
func parseFluxDuration(s string) (int64, error) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	if s == "" {
		return 0, errDuration
	}
	var total uint64
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, errDuration
		}
		n, err := strconv.ParseUint(s[:i], 10, 64)
		if err != nil {
			return 0, errDuration
		}
		s = s[i:]
		j := 0
		for j < len(s) && !(s[j] >= '0' && s[j] <= '9') {
			j++
		}
		mul, ok := fluxUnits[s[:j]]
		if !ok {
			return 0, errDuration
		}
		s = s[j:]
		if n > math.MaxUint64/mul {
			return 0, errDuration
		}
		add := n * mul
		if total+add < total {
			return 0, errDuration
		}
		total += add
	}
	if neg {
		if total > 1<<63 {
			return 0, errDuration
		}
		return -int64(total-1) - 1, nil
	}
	if total > math.MaxInt64 {
		return 0, errDuration
	}
	return int64(total), nil
}
