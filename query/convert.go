package query

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/fastnum"
	"github.com/influxframe/influxframe/internal/timefmt"
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
// is empty too. The cell may point into the CSV reader's buffer: a
// converter copies what it keeps.
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
		return parsed(bb, def, bad, func(s string) (float64, error) {
			if v, ok := fastnum.ParseFloat(unsafe.Slice(unsafe.StringData(s), len(s)), '.'); ok {
				return v, nil
			}
			return strconv.ParseFloat(s, 64)
		})
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
		// The cell is copied, not kept: it may point into the reader's
		// buffer (Decoder.readRow).
		var last []byte
		var lastV int64
		return parsed(bb, def, bad, func(s string) (arrow.Timestamp, error) {
			if s == string(last) && s != "" {
				return arrow.Timestamp(lastV), nil
			}
			v, err := timefmt.ParseRFC3339(s)
			if err != nil {
				return 0, err
			}
			last, lastV = append(last[:0], s...), v
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
		// The server wrote a stored newline as CR LF (see NewDecoder).
		return parsed(bb, def, bad, func(s string) (string, error) {
			if strings.IndexByte(s, '\r') >= 0 {
				s = strings.ReplaceAll(s, "\r\n", "\n")
			}
			return s, nil
		})
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
