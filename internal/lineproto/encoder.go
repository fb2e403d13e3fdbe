package lineproto

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/fastnum"
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
// The Encoder writes the bytes of a line itself, as lineprotocol.Encoder
// (in lax mode) writes them: the same escaping of each section (see
// measurementEscapes), the same number formats (see Value.AppendBytes in
// line-protocol/v2) and the same timestamps, byte for byte; the tests
// compare the two on random records. It does so for speed:
// lineprotocol.Encoder escapes every key on every row, although keys are
// constant per column, whereas the plan escapes them once per schema.
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
	plan   *plan
	rec    arrow.Record
	meas   func(dst []byte, row int) ([]byte, error)
	tags   []tagWriter
	fields []fieldWriter
	keys   []fieldKey // the fields' keys, which e.fields point into; reused
	time   func(row int) (int64, bool, error)
	err    error // the schema error of the bound record

	nonFinite int64
	added     []int // plan field indexes of the last row encoded
	lastTime  int64 // time of the last row encoded, ns
	lastTimed bool  // the last row encoded had a time
	badUTF8   string
	badTag    [2]string
}

// NewEncoder returns an Encoder with the given options.
func NewEncoder(opts Options) *Encoder {
	return &Encoder{opts: opts}
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
	measEsc     []byte // measurement, escaped, when measCol < 0
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

// colPlan is the plan of one tag or field column.
type colPlan struct {
	idx       int
	name      string
	key       []byte // ",name=" with name escaped: what precedes each value
	bindTag   tagBinder
	bindField fieldBinder
}

// A tagWriter appends its column's tag of a row (",key=value") to b, or
// nothing when the value is null or empty; it returns false, and b in any
// state, when line protocol cannot hold the value. A fieldWriter appends a field
// of a row (",key=value") to b and says how it went; unless the result is
// fieldAdded it returns b unchanged. The first field's comma is the space
// that ends the key section: AppendRow puts it there.
type (
	tagWriter   func(b []byte, row int) ([]byte, bool)
	fieldWriter func(b []byte, row int) ([]byte, fieldResult)
)

// A tagBinder returns the writer of column a's tags (see colPlan); a
// fieldBinder the writer of its fields, keyed by k.
type (
	tagBinder   func(e *Encoder, c *colPlan, a arrow.Array) tagWriter
	fieldBinder func(e *Encoder, k *fieldKey, a arrow.Array) fieldWriter
)

type fieldResult uint8

const (
	fieldAbsent fieldResult = iota
	fieldAdded
	fieldNonFinite
	fieldBadUTF8
	fieldNoName  // a null or empty _field: the value is left out
	fieldBadName // a _field line protocol cannot hold: the row is refused
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
	e.meas = func(dst []byte, _ int) ([]byte, error) { return append(dst, p.measEsc...), nil }
	if p.measCol >= 0 {
		arr := rec.Column(p.measCol).(stringValuer)
		e.meas = func(dst []byte, row int) ([]byte, error) {
			if arr.IsNull(row) {
				return dst, fmt.Errorf("%w: null _measurement", ErrNoMeasurement)
			}
			m := arr.Value(row)
			if !validName(m) || m[0] == '#' {
				return dst, fmt.Errorf("%w: measurement %q", ErrInvalidName, m)
			}
			return appendEscaped(dst, m, &measurementEscapes), nil
		}
	}
	e.tags = e.tags[:0]
	for i := range p.tags {
		c := &p.tags[i]
		e.tags = append(e.tags, c.bindTag(e, c, rec.Column(c.idx)))
	}
	e.fields = e.fields[:0]
	// e.keys is reused: the only writers that point into it are the
	// previous record's, which this loop replaces.
	e.keys = slices.Grow(e.keys[:0], len(p.fields))[:len(p.fields)]
	for i := range p.fields {
		c := &p.fields[i]
		k := &e.keys[i]
		*k = fieldKey{key: c.key, col: c.name}
		if p.long {
			k.names = rec.Column(p.nameCol).(stringValuer)
		}
		e.fields = append(e.fields, c.bindField(e, k, rec.Column(c.idx)))
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
	// Escape the measurement and keys once here, not on every row. In long
	// form the field key comes from each row.
	p.measEsc = appendEscaped(nil, p.measurement, &measurementEscapes)
	for i := range p.tags {
		p.tags[i].key = appendKey(nil, p.tags[i].name)
	}
	if !p.long {
		for i := range p.fields {
			p.fields[i].key = appendKey(nil, p.fields[i].name)
		}
	}
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

// escapeSet holds the bytes that a section of a line writes with a
// backslash before them.
type escapeSet [256]bool

// newEscapeSet returns the set of the bytes of s.
func newEscapeSet(s string) escapeSet {
	var set escapeSet
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return set
}

// The escapes of each section: lineprotocol's (decoder.go in
// line-protocol/v2) for measurements, keys and tag values. lineprotocol
// escapes string field values' newlines, carriage returns and tabs too;
// the Encoder writes them raw (see Encoder), so only \ and " are left.
var (
	measurementEscapes = newEscapeSet(" ,")
	keyEscapes         = newEscapeSet(",= ") // tag keys, tag values and field keys
	stringEscapes      = newEscapeSet(`\"`)
)

// appendEscaped appends s to dst with each byte of esc escaped. It copies
// the runs between escaped bytes whole, so a value with nothing to escape
// (most of them) is a single append.
func appendEscaped(dst []byte, s string, esc *escapeSet) []byte {
	run := 0
	for i := 0; i < len(s); i++ {
		if esc[s[i]] {
			dst = append(dst, s[run:i]...)
			dst = append(dst, '\\')
			run = i // s[i] starts the next run
		}
	}
	return append(dst, s[run:]...)
}

// appendKey returns ",name=" with name escaped as a key, appended to dst.
func appendKey(dst []byte, name string) []byte {
	dst = append(dst, ',')
	dst = appendEscaped(dst, name, &keyEscapes)
	return append(dst, '=')
}

// Byte classes of tag values, for appendTagValue.
const (
	tagEscape   = 1 << iota // written with a backslash before it
	tagControl              // a control character: line protocol cannot hold it
	tagNonASCII             // part of a multi-byte character: check the UTF-8
)

// tagClass classifies the bytes of tag values; 0 is a byte written as it
// is.
var tagClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case keyEscapes[c]:
			t[c] = tagEscape
		case c < 0x20 || c == 0x7f:
			t[c] = tagControl
		case c >= 0x80:
			t[c] = tagNonASCII
		}
	}
	return t
}()

// appendTagValue appends the non-empty tag value v to dst, escaped, and
// reports whether line protocol can hold it (validName). It checks and
// escapes in one pass over v, where AddTag would take one pass per
// escaped character and validName one more.
func appendTagValue(dst []byte, v string) ([]byte, bool) {
	run, seen := 0, uint8(0)
	for i := 0; i < len(v); i++ {
		c := tagClass[v[i]]
		if c == 0 {
			continue
		}
		seen |= c
		if c == tagEscape {
			dst = append(dst, v[run:i]...)
			dst = append(dst, '\\')
			run = i
		}
	}
	if seen&tagControl != 0 || v[len(v)-1] == '\\' || seen&tagNonASCII != 0 && !utf8.ValidString(v) {
		return dst, false
	}
	return append(dst, v[run:]...), true
}

// stringValuer is what the String and LargeString arrays share.
type stringValuer interface {
	arrow.Array
	Value(int) string
}

// bindTag returns the writer of a tag column. Names were checked once, by
// compile, and escaped once (c.key), so the writer checks and escapes only
// the value: it returns false for a value line protocol cannot hold.
func bindTag(e *Encoder, c *colPlan, a arrow.Array) tagWriter {
	arr := a.(stringValuer)
	key, name := c.key, c.name
	add := func(b []byte, v string) ([]byte, bool) {
		if v == "" {
			return b, true
		}
		b, ok := appendTagValue(append(b, key...), v)
		if !ok {
			e.badTag = [2]string{name, v}
		}
		return b, ok
	}
	if arr.NullN() == 0 {
		return func(b []byte, row int) ([]byte, bool) { return add(b, arr.Value(row)) }
	}
	return func(b []byte, row int) ([]byte, bool) {
		if !arr.IsValid(row) {
			return b, true
		}
		return add(b, arr.Value(row))
	}
}

// fieldKey is the key of a field column: constant, or in long form the
// row's _field.
type fieldKey struct {
	key   []byte       // ",name=", escaped (colPlan.key); unused in long form
	col   string       // the column's name; unused in long form
	names stringValuer // the _field column in long form, else nil
	bad   string       // the last _field refused (fieldBadName)
}

// name returns the (unescaped) key of row's field: "" for a null _field.
func (k *fieldKey) name(row int) string {
	if k.names == nil {
		return k.col
	}
	if k.names.IsNull(row) {
		return ""
	}
	return k.names.Value(row)
}

// appendKey appends ",key=" of row's field to b, and says fieldAdded. In
// long form, a null or empty _field is fieldNoName, and a name that line
// protocol cannot hold (validName) is fieldBadName, kept in k.bad; b is
// then unchanged.
func (k *fieldKey) appendKey(b []byte, row int) ([]byte, fieldResult) {
	if k.names == nil {
		return append(b, k.key...), fieldAdded
	}
	name := k.name(row)
	switch {
	case name == "":
		return b, fieldNoName
	case !validName(name):
		k.bad = name
		return b, fieldBadName
	}
	return appendKey(b, name), fieldAdded
}

// fieldBinderOf returns the field writer for a column type.
func fieldBinderOf(t arrow.DataType) fieldBinder {
	switch t.ID() {
	case arrow.FLOAT64:
		return bindFloat64
	case arrow.STRING, arrow.LARGE_STRING:
		return bindString
	case arrow.FLOAT32, arrow.FLOAT16:
		return bindFloat(floatAt)
	case arrow.INT64:
		return bindInt64
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return bindInt(func(a arrow.Array, i int) int64 { return int64(floatAt(a, i)) })
	case arrow.UINT64:
		return bindUint64
	case arrow.BOOL:
		return bindBool
	case arrow.DURATION:
		mul := int64(t.(*arrow.DurationType).Unit.Multiplier())
		return bindInt(func(a arrow.Array, i int) int64 { return int64(a.(*array.Duration).Value(i)) * mul })
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

// The value formats are lineprotocol's (Value.AppendBytes): floats in
// the shortest form that reads back the same ('g', -1), integers with an
// 'i' suffix, unsigned integers with 'u', booleans as true and false.

// appendFloat appends the field of a float value v to b, unless it is NaN
// or ±Inf, which InfluxDB cannot store: those are counted and left out.
func (e *Encoder) appendFloat(b []byte, k *fieldKey, row int, v float64) ([]byte, fieldResult) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		e.nonFinite++
		return b, fieldNonFinite
	}
	b, r := k.appendKey(b, row)
	if r != fieldAdded {
		return b, r
	}
	return fastnum.AppendFloat(b, v), fieldAdded
}

// appendInt appends the field of an integer value v to b.
func appendInt(b []byte, k *fieldKey, row int, v int64) ([]byte, fieldResult) {
	b, r := k.appendKey(b, row)
	if r != fieldAdded {
		return b, r
	}
	return append(strconv.AppendInt(b, v, 10), 'i'), fieldAdded
}

// bindFloat64 returns the writer of a float64 column, the common case,
// which reads the values without a getter.
func bindFloat64(e *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	arr := a.(*array.Float64)
	vals := arr.Float64Values()
	return func(b []byte, row int) ([]byte, fieldResult) {
		if arr.IsNull(row) {
			return b, fieldAbsent
		}
		return e.appendFloat(b, k, row, vals[row])
	}
}

// bindFloat makes the writer of a float column from a value getter.
func bindFloat(get func(a arrow.Array, i int) float64) fieldBinder {
	return func(e *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
		return func(b []byte, row int) ([]byte, fieldResult) {
			if a.IsNull(row) {
				return b, fieldAbsent
			}
			return e.appendFloat(b, k, row, get(a, row))
		}
	}
}

// bindInt64 returns the writer of an int64 column.
func bindInt64(_ *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	arr := a.(*array.Int64)
	vals := arr.Int64Values()
	return func(b []byte, row int) ([]byte, fieldResult) {
		if arr.IsNull(row) {
			return b, fieldAbsent
		}
		return appendInt(b, k, row, vals[row])
	}
}

// bindInt makes the writer of an integer column from a value getter.
func bindInt(get func(a arrow.Array, i int) int64) fieldBinder {
	return func(_ *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
		return func(b []byte, row int) ([]byte, fieldResult) {
			if a.IsNull(row) {
				return b, fieldAbsent
			}
			return appendInt(b, k, row, get(a, row))
		}
	}
}

// bindUint64 returns the writer of a uint64 column.
func bindUint64(_ *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	arr := a.(*array.Uint64)
	return func(b []byte, row int) ([]byte, fieldResult) {
		if arr.IsNull(row) {
			return b, fieldAbsent
		}
		b, r := k.appendKey(b, row)
		if r != fieldAdded {
			return b, r
		}
		return append(strconv.AppendUint(b, arr.Value(row), 10), 'u'), fieldAdded
	}
}

// bindBool returns the writer of a boolean column.
func bindBool(_ *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	arr := a.(*array.Boolean)
	return func(b []byte, row int) ([]byte, fieldResult) {
		if arr.IsNull(row) {
			return b, fieldAbsent
		}
		b, r := k.appendKey(b, row)
		if r != fieldAdded {
			return b, r
		}
		if arr.Value(row) {
			return append(b, "true"...), fieldAdded
		}
		return append(b, "false"...), fieldAdded
	}
}

// bindString returns the writer of a text column.
func bindString(e *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	arr := a.(stringValuer)
	return func(b []byte, row int) ([]byte, fieldResult) {
		if arr.IsNull(row) {
			return b, fieldAbsent
		}
		return e.appendString(b, k, row, arr.Value(row))
	}
}

// bindText writes a value of any other type as a string field of its text.
func bindText(e *Encoder, k *fieldKey, a arrow.Array) fieldWriter {
	return func(b []byte, row int) ([]byte, fieldResult) {
		if a.IsNull(row) {
			return b, fieldAbsent
		}
		return e.appendString(b, k, row, frame.FormatValue(a, row))
	}
}

// appendString appends the field of a string value s to b: quoted, with
// backslashes and double quotes escaped and control characters raw (see
// Encoder). It refuses a value that is not UTF-8, as lineprotocol does,
// before it looks at the key, as the line-protocol path did.
func (e *Encoder) appendString(b []byte, k *fieldKey, row int, s string) ([]byte, fieldResult) {
	if !utf8.ValidString(s) {
		e.badUTF8 = k.name(row)
		return b, fieldBadUTF8
	}
	b, r := k.appendKey(b, row)
	if r != fieldAdded {
		return b, r
	}
	b = append(b, '"')
	b = appendEscaped(b, s, &stringEscapes)
	return append(b, '"'), fieldAdded
}

// AppendRow appends the line of row (with its trailing newline) to dst and
// returns the extended buffer. If the row cannot be a point, dst is
// returned unchanged with a *RowError saying why: a null time, no field
// value, a string field that is not UTF-8, or a tag, key or measurement
// that line protocol cannot hold (a control character such as a newline
// in a tag value, a trailing backslash). The bytes of dst's array past
// its length may be overwritten either way.
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
	start := len(dst)
	b, err := e.meas(dst, row)
	if err != nil {
		return dst, &RowError{Row: row, Err: err}
	}
	e.added = e.added[:0]
	for _, add := range e.tags {
		var ok bool
		if b, ok = add(b, row); !ok {
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w: %s=%q", ErrInvalidTag, e.badTag[0], e.badTag[1])}
		}
	}
	sep := len(b) // the first field's comma, to become a space
	for i, add := range e.fields {
		var r fieldResult
		switch b, r = add(b, row); r {
		case fieldAdded:
			e.added = append(e.added, i)
		case fieldBadUTF8:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w %q", ErrInvalidUTF8, e.badUTF8)}
		case fieldBadName:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w: field %q", ErrInvalidName, e.keys[i].bad)}
		}
	}
	if len(e.added) == 0 {
		return dst[:start], &RowError{Row: row, Err: ErrNoFields}
	}
	b[sep] = ' '
	e.lastTime, e.lastTimed = ts, hasTime
	if hasTime {
		// Truncated towards zero, as lineprotocol.Encoder does.
		b = append(b, ' ')
		b = strconv.AppendInt(b, ts/int64(lpPrecision[e.plan.precision].Duration()), 10)
	}
	return append(b, '\n'), nil
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
