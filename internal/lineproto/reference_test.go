package lineproto

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
)

// refEncoder is the Encoder as it was before it wrote lines itself: every
// row goes through lineprotocol.Encoder in lax mode, which escapes each
// key and value and formats each number, and string values get their
// escaped newlines, carriage returns and tabs turned back into the raw
// characters afterwards. The differential tests hold the Encoder to it
// byte for byte, error for error. It shares compile with the Encoder (the
// choice of columns, their order and the schema errors) and nothing else:
// it reads each value with a type switch and writes it with lineprotocol.
type refEncoder struct {
	opts      Options
	lp        lineprotocol.Encoder
	plan      *plan
	rec       arrow.Record
	nonFinite int64
	added     []int
	lastTime  int64
	lastTimed bool
}

// newRefEncoder returns a refEncoder with the given options.
func newRefEncoder(opts Options) *refEncoder {
	r := &refEncoder{opts: opts}
	r.lp.SetLax(true)
	return r
}

// Reset binds rec, as Encoder.Reset does.
func (r *refEncoder) Reset(rec arrow.Record) error {
	r.rec = rec
	r.plan = compile(rec.Schema(), r.opts)
	return r.plan.err
}

// refResult is how adding a field went, as fieldResult.
type refResult = fieldResult

// AppendRow is the Encoder's AppendRow through lineprotocol.Encoder.
func (r *refEncoder) AppendRow(dst []byte, row int) ([]byte, error) {
	p := r.plan
	if p.err != nil {
		return dst, &RowError{Row: row, Err: p.err}
	}
	ts, hasTime, err := r.time(row)
	if err != nil {
		return dst, &RowError{Row: row, Err: err}
	}
	m := p.measurement
	if p.measCol >= 0 {
		arr := r.rec.Column(p.measCol).(stringValuer)
		if arr.IsNull(row) {
			return dst, &RowError{Row: row, Err: fmt.Errorf("%w: null _measurement", ErrNoMeasurement)}
		}
		m = arr.Value(row)
		if !validName(m) || m[0] == '#' {
			return dst, &RowError{Row: row, Err: fmt.Errorf("%w: measurement %q", ErrInvalidName, m)}
		}
	}
	start := len(dst)
	var raw []span
	r.added = r.added[:0]
	r.lp.SetPrecision(lpPrecision[p.precision])
	r.lp.SetBuffer(dst)
	r.lp.StartLine(m)
	for _, c := range p.tags {
		a := r.rec.Column(c.idx).(stringValuer)
		if a.IsNull(row) || a.Value(row) == "" {
			continue
		}
		v := a.Value(row)
		if !validName(v) {
			return dst, &RowError{Row: row, Err: fmt.Errorf("%w: %s=%q", ErrInvalidTag, c.name, v)}
		}
		r.lp.AddTag(c.name, v)
	}
	for i, c := range p.fields {
		name := c.name
		if p.long {
			names := r.rec.Column(p.nameCol).(stringValuer)
			name = ""
			if !names.IsNull(row) {
				name = names.Value(row)
			}
		}
		a := r.rec.Column(c.idx)
		if a.IsNull(row) {
			continue
		}
		res, sp := r.addField(name, a, row)
		switch res {
		case fieldAdded:
			r.added = append(r.added, i)
			if sp != nil {
				raw = append(raw, *sp)
			}
		case fieldBadUTF8:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w %q", ErrInvalidUTF8, name)}
		case fieldBadName:
			return dst[:start], &RowError{Row: row, Err: fmt.Errorf("%w: field %q", ErrInvalidName, name)}
		}
	}
	if err := r.lp.Err(); err != nil {
		return dst[:start], &RowError{Row: row, Err: err}
	}
	if len(r.added) == 0 {
		return dst[:start], &RowError{Row: row, Err: ErrNoFields}
	}
	var t time.Time
	if hasTime {
		t = time.Unix(0, ts)
	}
	r.lastTime, r.lastTimed = ts, hasTime
	r.lp.EndLine(t)
	if err := r.lp.Err(); err != nil {
		return dst[:start], &RowError{Row: row, Err: err}
	}
	out := r.lp.Bytes()
	for i := len(raw) - 1; i >= 0; i-- {
		out = rawControls(out, raw[i])
	}
	return out, nil
}

// time reads a row's time in nanoseconds, as Encoder.bindTime.
func (r *refEncoder) time(row int) (int64, bool, error) {
	p := r.plan
	if p.timeCol < 0 {
		return 0, false, nil
	}
	tc := r.rec.Column(p.timeCol).(*array.Timestamp)
	if tc.IsNull(row) {
		if r.opts.AllowNoTime {
			return 0, false, nil
		}
		return 0, false, ErrNullTime
	}
	v, mul := int64(tc.Value(row)), p.timeMul
	if mul != 1 && (v > math.MaxInt64/mul || v < math.MinInt64/mul) {
		return 0, false, fmt.Errorf("time %d: %w", v, lineprotocol.ErrValueOutOfRange)
	}
	return v * mul, true, nil
}

// addField adds the non-null value of a at row as a field named name, and
// for a string value the span of the output to write control characters
// raw in.
func (r *refEncoder) addField(name string, a arrow.Array, row int) (refResult, *span) {
	var v lineprotocol.Value
	switch a := a.(type) {
	case *array.Float64:
		fv, ok := lineprotocol.FloatValue(a.Value(row))
		if !ok {
			r.nonFinite++
			return fieldNonFinite, nil
		}
		v = fv
	case *array.Float32, *array.Float16:
		fv, ok := lineprotocol.FloatValue(floatAt(a, row))
		if !ok {
			r.nonFinite++
			return fieldNonFinite, nil
		}
		v = fv
	case *array.Int64:
		v = lineprotocol.IntValue(a.Value(row))
	case *array.Int8, *array.Int16, *array.Int32, *array.Uint8, *array.Uint16, *array.Uint32:
		v = lineprotocol.IntValue(int64(floatAt(a, row)))
	case *array.Uint64:
		v = lineprotocol.UintValue(a.Value(row))
	case *array.Boolean:
		v = lineprotocol.BoolValue(a.Value(row))
	case *array.Duration:
		mul := int64(a.DataType().(*arrow.DurationType).Unit.Multiplier())
		v = lineprotocol.IntValue(int64(a.Value(row)) * mul)
	case *array.String, *array.LargeString:
		return r.addString(name, a.(stringValuer).Value(row))
	default:
		return r.addString(name, frame.FormatValue(a, row))
	}
	if r := nameResult(name); r != fieldAdded {
		return r, nil
	}
	r.lp.AddField(name, v)
	return fieldAdded, nil
}

// addString adds a string field, as the Encoder's addString did.
func (r *refEncoder) addString(name, s string) (refResult, *span) {
	v, err := lineprotocol.NewValueFromBytes(lineprotocol.String, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		return fieldBadUTF8, nil
	}
	if r := nameResult(name); r != fieldAdded {
		return r, nil
	}
	r.lp.AddField(name, v)
	if strings.ContainsAny(s, "\n\r\t") {
		end := len(r.lp.Bytes())
		return fieldAdded, &span{end - quotedLen(s), end}
	}
	return fieldAdded, nil
}

// span is a byte range of the output.
type span struct{ start, end int }

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

// nameResult is what a field of this name comes to: the old lax encoder
// checked a long-form name for being empty only, and wrote a line that
// did not decode for a name line protocol cannot hold; such a row is now
// refused (fieldBadName).
func nameResult(name string) refResult {
	switch {
	case name == "":
		return fieldNoName
	case !validName(name):
		return fieldBadName
	}
	return fieldAdded
}
