package sink

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
)

// Sentinel causes of encoding errors. A *RowError or a schema error
// returned by Encoder.Reset unwraps to one of them, or to the
// line-protocol encoder's own error.
var (
	// ErrSchema: the record is not a normalised record (no or several
	// time columns, a column without a role, an unsupported type).
	ErrSchema = errors.New("not a normalised record")
	// ErrNoMeasurement: neither the options nor the schema metadata
	// name a measurement.
	ErrNoMeasurement = errors.New("no measurement")
	// ErrInvalidName: a measurement, tag key or field key that line
	// protocol cannot hold: a control character, invalid UTF-8, a trailing
	// backslash, or (for a measurement) a leading '#', which would make
	// the line a comment.
	ErrInvalidName = errors.New("invalid name")
	// ErrNoFields: the row has no non-null finite field.
	ErrNoFields = errors.New("no field value")
	// ErrNullTime: the row's time is null.
	ErrNullTime = errors.New("null time")
	// ErrInvalidTag: a tag value that line protocol cannot hold: a
	// control character such as a newline or a tab, invalid UTF-8, a
	// trailing backslash.
	ErrInvalidTag = errors.New("invalid tag value")
	// ErrInvalidUTF8: a string field value is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8 in string field")
)

// RowError is a row that could not be encoded as a point.
type RowError struct {
	Row int   // 0-based index of the row in its record
	Err error // the cause
}

// Error returns "sink: row N: cause".
func (e *RowError) Error() string {
	return fmt.Sprintf("sink: row %d: %v", e.Row, e.Err)
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

// EncodeOptions configure an Encoder. The zero value encodes timestamps in
// nanoseconds under the measurement named by each record's schema.
type EncodeOptions struct {
	// Precision of the timestamps written (default lineprotocol.Nanosecond).
	// Timestamps are truncated to it.
	Precision lineprotocol.Precision
	// Measurement, if not empty, replaces the measurement named in the
	// schema metadata (frame.MetaMeasurement).
	Measurement string
}

// Encoder appends the line protocol of the rows of normalised records to a
// caller-owned buffer.
//
// Call order: Reset binds a record, then AppendRow or AppendRows encode its
// rows, in any order and any number of times, until the next Reset. The
// Encoder compiles a plan for a record's schema (which column is the time,
// the tag columns sorted by key, one writer per field column chosen by
// type) and reuses it for every following record of an equal schema, so the
// row loop holds no type switch.
//
// An Encoder does not retain the record: the caller keeps it alive while
// encoding. An Encoder is not safe for concurrent use; give each goroutine
// its own.
type Encoder struct {
	opts   EncodeOptions
	lp     lineprotocol.Encoder
	plan   *plan
	rec    arrow.Record
	tags   []func(row int) bool
	fields []func(row int) fieldResult
	time   func(row int) (int64, error)
	err    error // the schema error of the bound record

	nonFinite int64
	badUTF8   string // name of the field whose value was not UTF-8
	badTag    [2]string
	raw       []span // string values of the current line to write control characters raw in
}

// span is a byte range of the output.
type span struct{ start, end int }

// NewEncoder returns an Encoder with the given options. It fails if the
// precision is not one of lineprotocol's.
func NewEncoder(opts EncodeOptions) (*Encoder, error) {
	if opts.Precision > lineprotocol.Second {
		return nil, fmt.Errorf("sink: invalid precision %d", opts.Precision)
	}
	e := &Encoder{opts: opts}
	e.lp.SetPrecision(opts.Precision)
	e.lp.SetLax(true) // compile checks the names; bindTag the tag values
	return e, nil
}

// Precision returns the encoder's timestamp precision.
func (e *Encoder) Precision() lineprotocol.Precision { return e.opts.Precision }

// NonFinite returns the number of NaN or infinite field values the encoder
// has left out of its points so far. A normalised record holds none; they
// are counted in case one does.
func (e *Encoder) NonFinite() int64 { return e.nonFinite }

// plan is what an Encoder decides once per schema.
type plan struct {
	schema      *arrow.Schema
	measurement string
	timeCol     int
	timeMul     int64 // multiplier from the column's unit to nanoseconds
	tags        []colPlan
	fields      []colPlan
	err         error
}

type colPlan struct {
	idx       int
	name      string
	bindTag   tagBinder
	bindField fieldBinder
}

// A tagBinder returns the function that adds column a's tag of a row to
// e's line; a fieldBinder the function that adds its field and says how.
type (
	tagBinder   func(e *Encoder, name string, a arrow.Array) func(row int) bool
	fieldBinder func(e *Encoder, name string, a arrow.Array) func(row int) fieldResult
)

type fieldResult uint8

const (
	fieldAbsent fieldResult = iota
	fieldAdded
	fieldNonFinite
	fieldBadUTF8
)

// Reset binds rec to the encoder. It returns an error wrapping ErrSchema or
// ErrNoMeasurement when rec is not a normalised record; AppendRow then
// fails for every row of it with that error.
func (e *Encoder) Reset(rec arrow.Record) error {
	e.rec = rec
	s := rec.Schema()
	if e.plan == nil || (e.plan.schema != s && !e.plan.schema.Equal(s)) {
		e.plan = compile(s, e.opts.Measurement)
	}
	p := e.plan
	e.err = p.err
	if p.err != nil {
		return p.err
	}
	tc := rec.Column(p.timeCol).(*array.Timestamp)
	mul := p.timeMul
	vals := tc.TimestampValues()
	if mul == 1 {
		e.time = func(row int) (int64, error) {
			if tc.IsNull(row) {
				return 0, ErrNullTime
			}
			return int64(vals[row]), nil
		}
	} else {
		e.time = func(row int) (int64, error) {
			if tc.IsNull(row) {
				return 0, ErrNullTime
			}
			v := int64(vals[row])
			if v > math.MaxInt64/mul || v < math.MinInt64/mul {
				return 0, fmt.Errorf("time %d: %w", v, lineprotocol.ErrValueOutOfRange)
			}
			return v * mul, nil
		}
	}
	e.tags = e.tags[:0]
	for _, c := range p.tags {
		e.tags = append(e.tags, c.bindTag(e, c.name, rec.Column(c.idx)))
	}
	e.fields = e.fields[:0]
	for _, c := range p.fields {
		e.fields = append(e.fields, c.bindField(e, c.name, rec.Column(c.idx)))
	}
	return nil
}

// compile builds the plan for a schema.
func compile(s *arrow.Schema, measurement string) *plan {
	p := &plan{schema: s, timeCol: -1}
	fail := func(format string, args ...any) *plan {
		p.err = fmt.Errorf("sink: %w: "+format, append([]any{ErrSchema}, args...)...)
		return p
	}
	fs := frame.SchemaFromArrow(s)
	p.measurement = measurement
	if p.measurement == "" {
		p.measurement = fs.Measurement
	}
	for i, c := range fs.Columns {
		typ := s.Field(i).Type
		switch c.Role {
		case frame.RoleTime:
			if p.timeCol >= 0 {
				return fail("two time columns, %q and %q", s.Field(p.timeCol).Name, c.Name)
			}
			ts, ok := typ.(*arrow.TimestampType)
			if !ok {
				return fail("time column %q is %s, not a timestamp", c.Name, typ)
			}
			p.timeCol = i
			p.timeMul = int64(ts.Unit.Multiplier())
		case frame.RoleTag:
			bind, ok := tagBinders[typ.ID()]
			if !ok {
				return fail("tag column %q is %s, not a string", c.Name, typ)
			}
			p.tags = append(p.tags, colPlan{idx: i, name: c.Name, bindTag: bind})
		case frame.RoleField:
			bind, ok := fieldBinders[typ.ID()]
			if !ok {
				return fail("field column %q is %s, not float64 or string", c.Name, typ)
			}
			p.fields = append(p.fields, colPlan{idx: i, name: c.Name, bindField: bind})
		default:
			return fail("column %q has no role", c.Name)
		}
	}
	if p.timeCol < 0 {
		return fail("no time column")
	}
	if len(p.fields) == 0 {
		return fail("no field column")
	}
	if p.measurement == "" {
		p.err = fmt.Errorf("sink: %w: set it in the options or the schema metadata %q", ErrNoMeasurement, frame.MetaMeasurement)
		return p
	}
	if !validName(p.measurement) || p.measurement[0] == '#' {
		p.err = fmt.Errorf("sink: %w: measurement %q", ErrInvalidName, p.measurement)
		return p
	}
	for _, c := range append(p.tags[:len(p.tags):len(p.tags)], p.fields...) {
		if !validName(c.name) {
			p.err = fmt.Errorf("sink: %w: column %q", ErrInvalidName, c.name)
			return p
		}
	}
	// Line protocol wants tags sorted by key; sort them once here.
	slices.SortFunc(p.tags, func(a, b colPlan) int { return strings.Compare(a.name, b.name) })
	return p
}

// validName reports whether line protocol can hold s as a measurement or
// key.
func validName(s string) bool {
	if s == "" || !utf8.ValidString(s) || s[len(s)-1] == '\\' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// stringValuer is what the String and LargeString arrays share.
type stringValuer interface {
	arrow.Array
	Value(int) string
}

// bindTag returns the writer of a tag column. The encoder is lax (names
// were checked once, by compile, and tags are sorted), so the writer checks
// the value itself: it returns false for a value line protocol cannot hold.
func bindTag(e *Encoder, name string, a arrow.Array) func(int) bool {
	arr := a.(stringValuer)
	lp := &e.lp
	add := func(v string) bool {
		if v == "" {
			return true
		}
		if !validName(v) {
			e.badTag = [2]string{name, v}
			return false
		}
		lp.AddTag(name, v)
		return true
	}
	if arr.NullN() == 0 {
		return func(row int) bool { return add(arr.Value(row)) }
	}
	return func(row int) bool { return !arr.IsValid(row) || add(arr.Value(row)) }
}

func bindFloat(e *Encoder, name string, a arrow.Array) func(int) fieldResult {
	arr := a.(*array.Float64)
	vals := arr.Float64Values()
	lp := &e.lp
	return func(row int) fieldResult {
		if arr.IsNull(row) {
			return fieldAbsent
		}
		v, ok := lineprotocol.FloatValue(vals[row])
		if !ok {
			e.nonFinite++
			return fieldNonFinite
		}
		lp.AddField(name, v)
		return fieldAdded
	}
}

func bindString(e *Encoder, name string, a arrow.Array) func(int) fieldResult {
	arr := a.(stringValuer)
	lp := &e.lp
	return func(row int) fieldResult {
		if arr.IsNull(row) {
			return fieldAbsent
		}
		s := arr.Value(row)
		// The value refers to the Arrow buffer without copying; the
		// line-protocol encoder copies it into the output at once.
		v, err := lineprotocol.NewValueFromBytes(lineprotocol.String, unsafe.Slice(unsafe.StringData(s), len(s)))
		if err != nil {
			e.badUTF8 = name
			return fieldBadUTF8
		}
		lp.AddField(name, v)
		if strings.ContainsAny(s, "\n\r\t") {
			end := len(lp.Bytes())
			e.raw = append(e.raw, span{end - quotedLen(s), end})
		}
		return fieldAdded
	}
}

// quotedLen is the length of s as lineprotocol writes a string field
// value: quoted, with \, ", newline, carriage return and tab escaped.
func quotedLen(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '"', '\n', '\r', '\t':
			n++
		}
	}
	return n
}

// rawControls rewrites the escaped newlines, carriage returns and tabs of
// the string value at buf[sp.start:sp.end] as the characters themselves,
// moving the rest of buf down. InfluxDB (1.x and 2.x alike) unescapes only
// \\ and \" in a string field and would store "\n" as a backslash and an
// n; it reads the raw characters inside the quotes as they are, and so does
// lineprotocol.Decoder.
func rawControls(buf []byte, sp span) []byte {
	j := sp.start
	for i := sp.start; i < sp.end; i++ {
		c := buf[i]
		if c == '\\' && i+1 < sp.end {
			switch buf[i+1] {
			case 'n':
				c = '\n'
				i++
			case 'r':
				c = '\r'
				i++
			case 't':
				c = '\t'
				i++
			default: // \\ or \": keep both bytes
				buf[j] = c
				j++
				i++
				c = buf[i]
			}
		}
		buf[j] = c
		j++
	}
	n := copy(buf[j:], buf[sp.end:])
	return buf[:j+n]
}

var (
	tagBinders = map[arrow.Type]tagBinder{
		arrow.STRING:       bindTag,
		arrow.LARGE_STRING: bindTag,
	}
	fieldBinders = map[arrow.Type]fieldBinder{
		arrow.FLOAT64:      bindFloat,
		arrow.STRING:       bindString,
		arrow.LARGE_STRING: bindString,
	}
)

// AppendRow appends the line of row (with its trailing newline) to dst and
// returns the extended buffer. If the row cannot be a point, dst is
// returned unchanged with a *RowError saying why: a null time, no field
// value, a string field that is not UTF-8, or a tag, key or measurement
// that line protocol cannot hold (a control character such as a newline
// in a tag value, a trailing backslash).
func (e *Encoder) AppendRow(dst []byte, row int) ([]byte, error) {
	if e.err != nil {
		return dst, &RowError{Row: row, Err: e.err}
	}
	if e.rec == nil {
		return dst, &RowError{Row: row, Err: fmt.Errorf("sink: %w: no record bound", ErrSchema)}
	}
	ts, err := e.time(row)
	if err != nil {
		return dst, &RowError{Row: row, Err: err}
	}
	start := len(dst)
	e.raw = e.raw[:0]
	e.lp.SetBuffer(dst)
	e.lp.StartLine(e.plan.measurement)
	for _, add := range e.tags {
		if !add(row) {
			return dst, &RowError{Row: row, Err: fmt.Errorf("%w: %s=%q", ErrInvalidTag, e.badTag[0], e.badTag[1])}
		}
	}
	n := 0
	for _, add := range e.fields {
		switch add(row) {
		case fieldAdded:
			n++
		case fieldBadUTF8:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w %q", ErrInvalidUTF8, e.badUTF8)}
		}
	}
	if err := e.lp.Err(); err != nil {
		return dst[:start], &RowError{Row: row, Err: err}
	}
	if n == 0 {
		return dst[:start], &RowError{Row: row, Err: ErrNoFields}
	}
	e.lp.EndLine(time.Unix(0, ts))
	if err := e.lp.Err(); err != nil {
		return dst[:start], &RowError{Row: row, Err: err}
	}
	out := e.lp.Bytes()
	for i := len(e.raw) - 1; i >= 0; i-- {
		out = rawControls(out, e.raw[i])
	}
	return out, nil
}

// AppendRows appends the lines of rows [from, to) of the bound record to
// dst and returns the extended buffer and the number of lines appended.
// Each row that cannot be a point is left out and passed to skip; with a
// nil skip it is only left out, and to-from-lines says how many were.
func (e *Encoder) AppendRows(dst []byte, from, to int, skip func(*RowError)) ([]byte, int) {
	lines := 0
	for row := from; row < to; row++ {
		var err error
		dst, err = e.AppendRow(dst, row)
		if err != nil {
			if skip != nil {
				skip(err.(*RowError))
			}
			continue
		}
		lines++
	}
	return dst, lines
}

// RowStrings renders row i of rec as text cells, for reports about rows
// that did not become points: nulls are empty, timestamps RFC 3339 in UTC,
// floats in the shortest form that reads back the same.
func RowStrings(rec arrow.Record, i int) []string {
	out := make([]string, rec.NumCols())
	for c := range out {
		col := rec.Column(c)
		if col.IsNull(i) {
			continue
		}
		switch a := col.(type) {
		case *array.Timestamp:
			unit := a.DataType().(*arrow.TimestampType).Unit
			out[c] = time.Unix(0, int64(a.Value(i))*int64(unit.Multiplier())).UTC().Format(time.RFC3339Nano)
		case *array.Float64:
			out[c] = strconv.FormatFloat(a.Value(i), 'g', -1, 64)
		case stringValuer:
			out[c] = a.Value(i)
		default:
			out[c] = col.ValueStr(i)
		}
	}
	return out
}

// precisionName is the precision as the write API spells it.
func precisionName(p lineprotocol.Precision) string {
	switch p {
	case lineprotocol.Microsecond:
		return "us"
	case lineprotocol.Millisecond:
		return "ms"
	case lineprotocol.Second:
		return "s"
	default:
		return "ns"
	}
}

// ParsePrecision parses "ns", "us" (or "µs"), "ms" or "s".
func ParsePrecision(s string) (lineprotocol.Precision, error) {
	switch s {
	case "ns", "n":
		return lineprotocol.Nanosecond, nil
	case "us", "µs", "u":
		return lineprotocol.Microsecond, nil
	case "ms":
		return lineprotocol.Millisecond, nil
	case "s":
		return lineprotocol.Second, nil
	}
	return 0, fmt.Errorf("sink: invalid precision %q (use ns, us, ms or s)", s)
}

// zeros extends a timestamp at a precision to nanoseconds.
var zeros = [...]string{lineprotocol.Nanosecond: "", lineprotocol.Microsecond: "000",
	lineprotocol.Millisecond: "000000", lineprotocol.Second: "000000000"}

// appendNanoLine appends line (one line of our own encoding, without its
// newline) to dst with its timestamp rewritten from precision p to
// nanoseconds. The timestamp is the text after the last space: every line
// this package encodes ends with one, and it holds no space.
func appendNanoLine(dst, line []byte, p lineprotocol.Precision) []byte {
	dst = append(dst, line...)
	if p != lineprotocol.Nanosecond && int(p) < len(zeros) {
		if i := bytes.LastIndexByte(line, ' '); i >= 0 {
			if ts := line[i+1:]; !bytes.Equal(ts, []byte("0")) && !bytes.Equal(ts, []byte("-0")) {
				dst = append(dst, zeros[p]...)
			}
		}
	}
	return append(dst, '\n')
}
