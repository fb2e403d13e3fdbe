package lineproto

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
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
// returned by Encoder.Reset unwraps to one of them, or to the line-protocol
// encoder's own error.
var (
	// ErrSchema: the record has no time column (and Options.AllowNoTime
	// is off), several, no field column, or a tag column that is not text.
	ErrSchema = errors.New("not a normalised record")
	// ErrNoMeasurement: neither the options, a _measurement column nor
	// the schema metadata name a measurement.
	ErrNoMeasurement = errors.New("no measurement")
	// ErrInvalidName: a measurement, tag key or field key that line
	// protocol cannot hold: a control character, invalid UTF-8, a trailing
	// backslash, or (for a measurement) a leading '#', which would make
	// the line a comment.
	ErrInvalidName = errors.New("invalid name")
	// ErrNoFields: the row has no non-null finite field.
	ErrNoFields = errors.New("no field values")
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

// Error returns "row N: cause".
func (e *RowError) Error() string {
	return fmt.Sprintf("row %d: %v", e.Row, e.Err)
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

// Options configure an Encoder. The zero value encodes each record at its
// schema's precision under its schema's measurement.
type Options struct {
	// Precision of the timestamps written: unset means the record's own
	// (frame.Schema.Precision), and nanoseconds when that is unset too.
	// Timestamps are truncated to it.
	Precision frame.Precision
	// Measurement, if not empty, replaces the measurement of the records
	// (a _measurement column, or the schema metadata).
	Measurement string
	// AllowNoTime lets rows without a time (no time column, or a null)
	// become lines without a timestamp, which the server stamps itself,
	// as for query results that have no _time. Otherwise they are refused.
	AllowNoTime bool
	// SkipNoRole leaves columns without a role out of the points, as the
	// result, table, _start and _stop columns of a Flux result. Otherwise
	// such a column is a schema error: a normalised record has none, and
	// leaving a column out silently would lose its data.
	SkipNoRole bool
}

// Encoder appends the line protocol of the rows of Arrow records to a
// caller-owned buffer.
//
// Call order: Reset binds a record, then AppendRow or AppendRows encode its
// rows, in any order and any number of times, until the next Reset. The
// Encoder compiles a plan for a record's schema and reuses it for every
// following record of an equal schema, so the row loop holds no type
// switch. The plan reads the columns' roles (frame.MetaRole):
//
//   - the time column (frame.RoleTime) is the timestamp;
//   - text columns with frame.RoleTag are tags, sorted by key; a null or
//     empty value leaves the tag out;
//   - columns with frame.RoleField are fields: float, integer, unsigned,
//     boolean and string values keep their type, durations are integers of
//     nanoseconds, anything else its text; a null, NaN or ±Inf leaves the
//     field out. In long form, when the record has _field and _value
//     columns (a Flux result), each row has one field, named by _field;
//   - the measurement is Options.Measurement, else a _measurement column,
//     else the schema's; other columns (no role) are not written.
//
// String field values are escaped as InfluxDB reads them back: backslash
// and double quote are escaped, while newlines, carriage returns and tabs
// are written as they are inside the quotes. lineprotocol.Encoder escapes
// these three as \n, \r and \t, which InfluxDB (1.x and 2.x alike: its
// parser unescapes only \\ and \") would store as a backslash and a letter;
// InfluxDB and lineprotocol.Decoder both read the raw characters back
// unchanged.
//
// An Encoder does not retain the record: the caller keeps it alive while
// encoding. An Encoder is not safe for concurrent use; give each goroutine
// its own.
type Encoder struct {
	opts   Options
	lp     lineprotocol.Encoder
	plan   *plan
	rec    arrow.Record
	tags   []func(row int) bool
	fields []func(row int) fieldResult
	time   func(row int) (int64, bool, error)
	meas   func(row int) (string, error)
	err    error // the schema error of the bound record

	nonFinite int64
	added     []int // plan field indexes of the last row encoded
	lastTime  int64 // time of the last row encoded, ns
	lastTimed bool  // the last row encoded had a time
	badUTF8   string
	badTag    [2]string
	raw       []span // string values of the current line to write control characters raw in
}

// span is a byte range of the output.
type span struct{ start, end int }

// NewEncoder returns an Encoder with the given options.
func NewEncoder(opts Options) *Encoder {
	e := &Encoder{opts: opts}
	e.lp.SetLax(true) // compile checks the names; bindTag the tag values
	return e
}

// Precision returns the precision of the bound record's timestamps.
func (e *Encoder) Precision() frame.Precision {
	if e.plan == nil {
		return e.opts.Precision.Or(frame.Nanosecond)
	}
	return e.plan.precision
}

// NonFinite returns the number of NaN or infinite field values the encoder
// has left out of its points so far.
func (e *Encoder) NonFinite() int64 { return e.nonFinite }

// Fields returns the field names of the bound record's plan, in the order
// that Added indexes; nil in long form, where names come from the rows.
func (e *Encoder) Fields() []string {
	if e.plan == nil || e.plan.long {
		return nil
	}
	names := make([]string, len(e.plan.fields))
	for i, c := range e.plan.fields {
		names[i] = c.name
	}
	return names
}

// Added returns the indexes (into Fields) of the fields that the last line
// AppendRow wrote holds. The slice is reused.
func (e *Encoder) Added() []int { return e.added }

// Time returns the timestamp, in nanoseconds, of the last line AppendRow
// wrote, and false when it has none.
func (e *Encoder) Time() (int64, bool) { return e.lastTime, e.lastTimed }

// plan is what an Encoder decides once per schema.
type plan struct {
	schema      *arrow.Schema
	measurement string // constant measurement, when measCol < 0
	measCol     int    // a _measurement column, or -1
	timeCol     int    // -1 when there is none (AllowNoTime)
	timeMul     int64  // multiplier from the column's unit to nanoseconds
	precision   frame.Precision
	tags        []colPlan
	fields      []colPlan
	long        bool // one field per row: name from nameCol, value from fields[0]
	nameCol     int
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
// name returns the field's name for a row.
type (
	tagBinder   func(e *Encoder, name string, a arrow.Array) func(row int) bool
	fieldBinder func(e *Encoder, name func(row int) string, a arrow.Array) func(row int) fieldResult
)

type fieldResult uint8

const (
	fieldAbsent fieldResult = iota
	fieldAdded
	fieldNonFinite
	fieldBadUTF8
	fieldNoName
)

// Reset binds rec to the encoder. It returns an error wrapping ErrSchema,
// ErrNoMeasurement or ErrInvalidName when rec cannot be encoded; AppendRow
// then fails for every row of it with that error.
func (e *Encoder) Reset(rec arrow.Record) error {
	e.rec = rec
	s := rec.Schema()
	if e.plan == nil || (e.plan.schema != s && !e.plan.schema.Equal(s)) {
		e.plan = compile(s, e.opts)
	}
	p := e.plan
	e.err = p.err
	if p.err != nil {
		return p.err
	}
	e.time = e.bindTime(rec)
	e.meas = func(int) (string, error) { return p.measurement, nil }
	if p.measCol >= 0 {
		arr := rec.Column(p.measCol).(stringValuer)
		e.meas = func(row int) (string, error) {
			if arr.IsNull(row) {
				return "", fmt.Errorf("%w: null _measurement", ErrNoMeasurement)
			}
			m := arr.Value(row)
			if !validName(m) || m[0] == '#' {
				return "", fmt.Errorf("%w: measurement %q", ErrInvalidName, m)
			}
			return m, nil
		}
	}
	e.tags = e.tags[:0]
	for _, c := range p.tags {
		e.tags = append(e.tags, c.bindTag(e, c.name, rec.Column(c.idx)))
	}
	e.fields = e.fields[:0]
	for _, c := range p.fields {
		name := c.name
		nameOf := func(int) string { return name }
		if p.long {
			names := rec.Column(p.nameCol).(stringValuer)
			nameOf = func(row int) string {
				if names.IsNull(row) {
					return ""
				}
				return names.Value(row)
			}
		}
		e.fields = append(e.fields, c.bindField(e, nameOf, rec.Column(c.idx)))
	}
	return nil
}

// bindTime returns the function that reads a row's time in nanoseconds,
// and false when it has none.
func (e *Encoder) bindTime(rec arrow.Record) func(int) (int64, bool, error) {
	p := e.plan
	if p.timeCol < 0 {
		return func(int) (int64, bool, error) { return 0, false, nil }
	}
	tc := rec.Column(p.timeCol).(*array.Timestamp)
	mul := p.timeMul
	vals := tc.TimestampValues()
	allow := e.opts.AllowNoTime
	return func(row int) (int64, bool, error) {
		if tc.IsNull(row) {
			if allow {
				return 0, false, nil
			}
			return 0, false, ErrNullTime
		}
		v := int64(vals[row])
		if mul != 1 && (v > math.MaxInt64/mul || v < math.MinInt64/mul) {
			return 0, false, fmt.Errorf("time %d: %w", v, lineprotocol.ErrValueOutOfRange)
		}
		return v * mul, true, nil
	}
}

// Check returns the error Reset would return for records of schema s: nil
// when they can be encoded with opts.
func Check(s *arrow.Schema, opts Options) error { return compile(s, opts).err }

// compile builds the plan for a schema.
func compile(s *arrow.Schema, opts Options) *plan {
	p := &plan{schema: s, timeCol: -1, measCol: -1, nameCol: -1}
	fail := func(format string, args ...any) *plan {
		p.err = fmt.Errorf("%w: "+format, append([]any{ErrSchema}, args...)...)
		return p
	}
	fs := frame.SchemaFromArrow(s)
	p.precision = opts.Precision.Or(fs.Precision).Or(frame.Nanosecond)
	p.measurement = opts.Measurement
	if i := fs.Index("_measurement"); p.measurement == "" && i >= 0 && isText(s.Field(i).Type) {
		p.measCol = i
	}
	if p.measurement == "" && p.measCol < 0 {
		p.measurement = fs.Measurement
	}
	fi, vi := fs.Index("_field"), fs.Index("_value")
	p.long = fi >= 0 && vi >= 0 && isText(s.Field(fi).Type)
	for i, c := range fs.Columns {
		typ := s.Field(i).Type
		switch {
		case c.Role == frame.RoleTime:
			if p.timeCol >= 0 {
				return fail("two time columns, %q and %q", s.Field(p.timeCol).Name, c.Name)
			}
			ts, ok := typ.(*arrow.TimestampType)
			if !ok {
				return fail("time column %q is %s, not a timestamp", c.Name, typ)
			}
			p.timeCol = i
			p.timeMul = int64(ts.Unit.Multiplier())
		case c.Role == frame.RoleTag && i != p.measCol:
			if !isText(typ) {
				return fail("tag column %q is %s, not text", c.Name, typ)
			}
			p.tags = append(p.tags, colPlan{idx: i, name: c.Name, bindTag: bindTag})
		case p.long && i == vi:
			bind := fieldBinderOf(typ)
			if bind == nil {
				return fail("_value column is %s, which line protocol cannot hold", typ)
			}
			p.nameCol = fi
			p.fields = append(p.fields, colPlan{idx: i, name: "_value", bindField: bind})
		case c.Role == frame.RoleField && !p.long:
			bind := fieldBinderOf(typ)
			if bind == nil {
				return fail("field column %q is %s, which line protocol cannot hold", c.Name, typ)
			}
			p.fields = append(p.fields, colPlan{idx: i, name: c.Name, bindField: bind})
		case c.Role == frame.RoleNone && !opts.SkipNoRole && i != p.measCol:
			return fail("column %q has no role", c.Name)
		}
	}
	if p.timeCol < 0 && !opts.AllowNoTime {
		return fail("no time column")
	}
	if len(p.fields) == 0 {
		return fail("no field column")
	}
	if p.measurement == "" && p.measCol < 0 {
		p.err = fmt.Errorf("%w: set it in the options or the schema metadata %q", ErrNoMeasurement, frame.MetaMeasurement)
		return p
	}
	if p.measCol < 0 && (!validName(p.measurement) || p.measurement[0] == '#') {
		p.err = fmt.Errorf("%w: measurement %q", ErrInvalidName, p.measurement)
		return p
	}
	names := append(p.tags[:len(p.tags):len(p.tags)], p.fields...)
	if p.long {
		names = p.tags
	}
	for _, c := range names {
		if !validName(c.name) {
			p.err = fmt.Errorf("%w: column %q", ErrInvalidName, c.name)
			return p
		}
	}
	// Line protocol wants tags sorted by key; sort them once here.
	slices.SortFunc(p.tags, func(a, b colPlan) int { return strings.Compare(a.name, b.name) })
	return p
}

func isText(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
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

// fieldBinderOf returns the field writer for a column type.
func fieldBinderOf(t arrow.DataType) fieldBinder {
	switch t.ID() {
	case arrow.FLOAT64:
		return bindFloat64
	case arrow.STRING, arrow.LARGE_STRING:
		return bindString
	case arrow.FLOAT32, arrow.FLOAT16:
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.FloatValue(floatAt(a, i))
		})
	case arrow.INT64:
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.IntValue(a.(*array.Int64).Value(i)), true
		})
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.IntValue(int64(floatAt(a, i))), true
		})
	case arrow.UINT64:
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.UintValue(a.(*array.Uint64).Value(i)), true
		})
	case arrow.BOOL:
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.BoolValue(a.(*array.Boolean).Value(i)), true
		})
	case arrow.DURATION:
		mul := int64(t.(*arrow.DurationType).Unit.Multiplier())
		return bindValue(func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			return lineprotocol.IntValue(int64(a.(*array.Duration).Value(i)) * mul), true
		})
	case arrow.STRUCT, arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.MAP,
		arrow.SPARSE_UNION, arrow.DENSE_UNION, arrow.RUN_END_ENCODED, arrow.DICTIONARY, arrow.EXTENSION:
		return nil
	}
	return bindText
}

// floatAt reads a small numeric value as float64.
func floatAt(a arrow.Array, i int) float64 {
	switch a := a.(type) {
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float16:
		return float64(a.Value(i).Float32())
	case *array.Int8:
		return float64(a.Value(i))
	case *array.Int16:
		return float64(a.Value(i))
	case *array.Int32:
		return float64(a.Value(i))
	case *array.Uint8:
		return float64(a.Value(i))
	case *array.Uint16:
		return float64(a.Value(i))
	case *array.Uint32:
		return float64(a.Value(i))
	}
	return math.NaN()
}

// addField adds a field of a row's line under its name.
func (e *Encoder) addField(name string, v lineprotocol.Value) fieldResult {
	if name == "" {
		return fieldNoName
	}
	e.lp.AddField(name, v)
	return fieldAdded
}

func bindFloat64(e *Encoder, name func(int) string, a arrow.Array) func(int) fieldResult {
	arr := a.(*array.Float64)
	vals := arr.Float64Values()
	return func(row int) fieldResult {
		if arr.IsNull(row) {
			return fieldAbsent
		}
		v, ok := lineprotocol.FloatValue(vals[row])
		if !ok {
			e.nonFinite++
			return fieldNonFinite
		}
		return e.addField(name(row), v)
	}
}

// bindValue makes a field writer from a value getter that returns false
// for values InfluxDB cannot store (NaN, ±Inf).
func bindValue(get func(a arrow.Array, i int) (lineprotocol.Value, bool)) fieldBinder {
	return func(e *Encoder, name func(int) string, a arrow.Array) func(int) fieldResult {
		return func(row int) fieldResult {
			if a.IsNull(row) {
				return fieldAbsent
			}
			v, ok := get(a, row)
			if !ok {
				e.nonFinite++
				return fieldNonFinite
			}
			return e.addField(name(row), v)
		}
	}
}

func bindString(e *Encoder, name func(int) string, a arrow.Array) func(int) fieldResult {
	arr := a.(stringValuer)
	return func(row int) fieldResult {
		if arr.IsNull(row) {
			return fieldAbsent
		}
		return e.addString(name(row), arr.Value(row))
	}
}

// bindText writes a value of any other type as a string field of its text.
func bindText(e *Encoder, name func(int) string, a arrow.Array) func(int) fieldResult {
	return func(row int) fieldResult {
		if a.IsNull(row) {
			return fieldAbsent
		}
		return e.addString(name(row), frame.FormatValue(a, row))
	}
}

// addString adds a string field, noting where its control characters are
// to be written raw.
func (e *Encoder) addString(name, s string) fieldResult {
	// The value refers to the Arrow buffer without copying; the
	// line-protocol encoder copies it into the output at once.
	v, err := lineprotocol.NewValueFromBytes(lineprotocol.String, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		e.badUTF8 = name
		return fieldBadUTF8
	}
	if r := e.addField(name, v); r != fieldAdded {
		return r
	}
	if strings.ContainsAny(s, "\n\r\t") {
		end := len(e.lp.Bytes())
		e.raw = append(e.raw, span{end - quotedLen(s), end})
	}
	return fieldAdded
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
// moving the rest of buf down.
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
		return dst, &RowError{Row: row, Err: fmt.Errorf("%w: no record bound", ErrSchema)}
	}
	ts, hasTime, err := e.time(row)
	if err != nil {
		return dst, &RowError{Row: row, Err: err}
	}
	m, err := e.meas(row)
	if err != nil {
		return dst, &RowError{Row: row, Err: err}
	}
	start := len(dst)
	e.raw = e.raw[:0]
	e.added = e.added[:0]
	e.lp.SetPrecision(lpPrecision[e.plan.precision])
	e.lp.SetBuffer(dst)
	e.lp.StartLine(m)
	for _, add := range e.tags {
		if !add(row) {
			return dst, &RowError{Row: row, Err: fmt.Errorf("%w: %s=%q", ErrInvalidTag, e.badTag[0], e.badTag[1])}
		}
	}
	for i, add := range e.fields {
		switch add(row) {
		case fieldAdded:
			e.added = append(e.added, i)
		case fieldBadUTF8:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w %q", ErrInvalidUTF8, e.badUTF8)}
		}
	}
	if err := e.lp.Err(); err != nil {
		return dst[:start], &RowError{Row: row, Err: err}
	}
	if len(e.added) == 0 {
		return dst[:start], &RowError{Row: row, Err: ErrNoFields}
	}
	var t time.Time
	if hasTime {
		t = time.Unix(0, ts)
	}
	e.lastTime, e.lastTimed = ts, hasTime
	e.lp.EndLine(t)
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

// ProtocolPrecision returns lineprotocol's name for a precision
// (nanoseconds when unset).
func ProtocolPrecision(p frame.Precision) lineprotocol.Precision {
	if int(p) < len(lpPrecision) {
		return lpPrecision[p]
	}
	return lineprotocol.Nanosecond
}

// lpPrecision maps frame's precisions to lineprotocol's.
var lpPrecision = [...]lineprotocol.Precision{
	0: lineprotocol.Nanosecond, frame.Nanosecond: lineprotocol.Nanosecond, frame.Microsecond: lineprotocol.Microsecond,
	frame.Millisecond: lineprotocol.Millisecond, frame.Second: lineprotocol.Second,
}

// zeros extends a timestamp at a precision to nanoseconds.
var zeros = [...]string{0: "", frame.Nanosecond: "", frame.Microsecond: "000",
	frame.Millisecond: "000000", frame.Second: "000000000"}

// AppendNanoLine appends line (one line as an Encoder writes it, without
// its newline) to dst with its timestamp rewritten from precision p to
// nanoseconds, and a newline. The timestamp is the text after the last
// space: every line an Encoder writes with a time ends with one, and it
// holds no space.
func AppendNanoLine(dst, line []byte, p frame.Precision) []byte {
	dst = append(dst, line...)
	if int(p) < len(zeros) && zeros[p] != "" {
		if i := bytes.LastIndexByte(line, ' '); i >= 0 {
			if ts := line[i+1:]; !bytes.Equal(ts, []byte("0")) && !bytes.Equal(ts, []byte("-0")) {
				dst = append(dst, zeros[p]...)
			}
		}
	}
	return append(dst, '\n')
}
