package lineproto

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/float16"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
)

// The Encoder writes lines itself; lineprotocol.Encoder is the reference
// for every byte of them. These tests compare the two (refEncoder, the
// line-protocol path the Encoder had before) on random records of every
// column type with hostile text, and the escape tables with lineprotocol's
// on every byte.

// FuzzEncodeDifferential builds a random record from the fuzz input (see
// recordGen) and checks that the Encoder and refEncoder write the same
// bytes and refuse the same rows with the same errors.
func FuzzEncodeDifferential(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add([]byte("cpu,host=a b=1 2\n\\\"=, \t\r\x00\x7f\xff\xc3"))
	r := rand.New(rand.NewPCG(1, 2))
	for range 16 {
		f.Add(randomBytes(r, 200))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDifferential(t, data)
	})
}

// TestEncodeDifferential runs the differential check on many random
// records, so that plain `go test` covers more than the fuzz seeds.
func TestEncodeDifferential(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range n {
		checkDifferential(t, randomBytes(r, 64+r.IntN(400)))
	}
}

// randomBytes returns n random bytes.
func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// checkDifferential encodes the record built from data with an Encoder
// and a refEncoder and fails unless they agree on everything observable:
// the Reset error, each row's bytes (appended after existing text) and
// error, Added, Time and NonFinite, and AppendRows over the record. Each
// line written must also decode as one point with the fields Added says.
func checkDifferential(t *testing.T, data []byte) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := &recordGen{data: data}
	rec, opts := g.record(t, mem)
	defer rec.Release()

	enc, ref := NewEncoder(opts), newRefEncoder(opts)
	gotErr, wantErr := enc.Reset(rec), ref.Reset(rec)
	if !sameError(gotErr, wantErr) {
		t.Fatalf("Reset: %v, want %v", gotErr, wantErr)
	}
	prefix := []byte("earlier line\n")
	var wantAll []byte
	for row := range int(rec.NumRows()) {
		got, gotErr := enc.AppendRow(slices.Clip(prefix), row)
		want, wantErr := ref.AppendRow(slices.Clip(prefix), row)
		if !bytes.Equal(got, want) || !sameError(gotErr, wantErr) {
			t.Fatalf("row %d of %s:\n got %q, %v\nwant %q, %v", row, describe(rec, opts), got, gotErr, want, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if !slices.Equal(enc.Added(), ref.added) || enc.NonFinite() != ref.nonFinite {
			t.Fatalf("row %d: Added %v, NonFinite %d; want %v, %d", row, enc.Added(), enc.NonFinite(), ref.added, ref.nonFinite)
		}
		if ts, ok := enc.Time(); ts != ref.lastTime || ok != ref.lastTimed {
			t.Fatalf("row %d: Time %d, %v; want %d, %v", row, ts, ok, ref.lastTime, ref.lastTimed)
		}
		line := got[len(prefix):]
		wantAll = append(wantAll, line...)
		checkDecodes(t, line, len(enc.Added()))
	}
	// AppendRows into a buffer with room: the same lines, one after another.
	enc.Reset(rec)
	all, _ := enc.AppendRows(make([]byte, 0, 4096), 0, int(rec.NumRows()), nil)
	if !bytes.Equal(all, wantAll) {
		t.Fatalf("AppendRows:\n got %q\nwant %q", all, wantAll)
	}
}

// sameError reports whether two errors say the same and wrap the same
// sentinels.
func sameError(a, b error) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	if a.Error() != b.Error() {
		return false
	}
	var ra, rb *RowError
	if errors.As(a, &ra) != errors.As(b, &rb) || ra != nil && ra.Row != rb.Row {
		return false
	}
	for _, s := range []error{ErrSchema, ErrNoMeasurement, ErrInvalidName, ErrNoFields, ErrNullTime,
		ErrInvalidTag, ErrInvalidUTF8, lineprotocol.ErrValueOutOfRange} {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	return true
}

// checkDecodes fails unless line decodes as one point with nFields
// fields.
func checkDecodes(t *testing.T, line []byte, nFields int) {
	t.Helper()
	dec := lineprotocol.NewDecoderWithBytes(line)
	points := 0
	for dec.Next() {
		points++
		if _, err := dec.Measurement(); err != nil {
			t.Fatalf("decode %q: %v", line, err)
		}
		for {
			k, _, err := dec.NextTag()
			if err != nil {
				t.Fatalf("decode %q: %v", line, err)
			}
			if k == nil {
				break
			}
		}
		fields := 0
		for {
			k, _, err := dec.NextField()
			if err != nil {
				t.Fatalf("decode %q: %v", line, err)
			}
			if k == nil {
				break
			}
			fields++
		}
		if fields != nFields {
			t.Fatalf("decode %q: %d fields, want %d", line, fields, nFields)
		}
		if _, err := dec.TimeBytes(); err != nil {
			t.Fatalf("decode %q: %v", line, err)
		}
	}
	if err := dec.Err(); err != nil || points != 1 {
		t.Fatalf("decode %q: %d points, %v", line, points, err)
	}
}

// describe returns the schema and options of a failing case.
func describe(rec arrow.Record, opts Options) string {
	return fmt.Sprintf("%s\noptions %+v (measurement %q)", rec.Schema(), opts, opts.Measurement)
}

// recordGen makes a random record, and encoder options, out of bytes: each
// choice takes the next byte. Once they run out, it goes on with a
// pseudo-random sequence (which zeros would not be: they would make every
// value null), so short inputs make whole records too.
type recordGen struct {
	data  []byte
	state uint64 // of the sequence after data
}

// next returns the next byte of the input.
func (g *recordGen) next() byte {
	if len(g.data) == 0 {
		g.state = g.state*6364136223846793005 + 1442695040888963407
		return byte(g.state >> 56)
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

// intn returns a choice in [0, n).
func (g *recordGen) intn(n int) int { return int(g.next()) % n }

// uint64 returns 8 bytes of the input.
func (g *recordGen) uint64() uint64 {
	var x uint64
	for range 8 {
		x = x<<8 | uint64(g.next())
	}
	return x
}

// Random text is made of pieces: printable ones, which every section can
// hold (escaped or not) unless one ends the text with a backslash, and the
// control characters and broken UTF-8 that some sections refuse.
var (
	printable = []string{"a", "Z", "0", "x y", ",", " ", "=", `"`, `\`, `\\`, `\n`, "#", "_", "ü", "日本", "🙂", "é", "-1.5", "'"}
	controls  = []string{"\n", "\r", "\t", "\r\n", "\x00", "\x01", "\x1f", "\x7f"}
	broken    = []string{"\xff", "\xc3", "\xe6\x97", "\xed\xa0\x80"}
)

// text returns a short random value: hostile text (any piece) one time in
// four, printable text otherwise.
func (g *recordGen) text() string { return g.textOdds(4) }

// textOdds returns a short random string: hostile text one time in n,
// printable text otherwise.
func (g *recordGen) textOdds(n int) string {
	hostile := g.intn(n) == 0
	var sb strings.Builder
	for range g.intn(5) {
		switch k := g.intn(16); {
		case hostile && k < 3:
			sb.WriteString(controls[g.intn(len(controls))])
		case hostile && k < 5:
			sb.WriteString(broken[g.intn(len(broken))])
		default:
			sb.WriteString(printable[g.intn(len(printable))])
		}
	}
	if s := sb.String(); hostile || !strings.HasSuffix(s, `\`) {
		return s
	}
	return sb.String() + "x" // a trailing backslash is hostile too
}

// name returns a column name: random text, or a name with a meaning.
func (g *recordGen) name() string {
	switch g.intn(12) {
	case 0:
		return "_measurement"
	case 1:
		return "_field"
	case 2:
		return "_value"
	case 3, 4, 5:
		return string(rune('a' + g.intn(6)))
	}
	if s := g.textOdds(12); s != "" {
		return s
	}
	return "k"
}

// fieldTypes are the column types fields are drawn from: each type the
// Encoder has a writer for, and some that it writes as text.
var fieldTypes = []arrow.DataType{
	arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float32, arrow.FixedWidthTypes.Float16,
	arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32,
	arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
	arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String, arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString,
	arrow.FixedWidthTypes.Duration_s, arrow.FixedWidthTypes.Duration_ms, arrow.FixedWidthTypes.Duration_ns,
	arrow.FixedWidthTypes.Timestamp_ms, arrow.FixedWidthTypes.Date32, arrow.BinaryTypes.Binary,
}

// timeTypes are the types of time columns, one of each unit.
var timeTypes = []arrow.DataType{
	&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, &arrow.TimestampType{Unit: arrow.Microsecond},
	&arrow.TimestampType{Unit: arrow.Millisecond}, &arrow.TimestampType{Unit: arrow.Second},
}

// record returns a random record and options. Most columns are tags and
// fields; some are special (_measurement, _field and _value for long
// form), some have no role, and some schemas are invalid on purpose.
func (g *recordGen) record(t *testing.T, mem memory.Allocator) (arrow.Record, Options) {
	t.Helper()
	opts := Options{
		Precision:   frame.Precision(g.intn(5)),
		AllowNoTime: g.intn(4) == 0,
		SkipNoRole:  g.intn(4) != 0,
	}
	if g.intn(4) == 0 {
		opts.Measurement = g.textOdds(12)
	}
	measurement := "m"
	if g.intn(2) == 0 {
		measurement = g.textOdds(12) // empty, when opts.Measurement is too: a schema error
	}
	var cols []frame.Column
	var fields []arrow.Field
	add := func(name string, role frame.Role, typ arrow.DataType) {
		cols = append(cols, frame.Column{Name: name, Kind: frame.KindOfType(typ), Role: role})
		fields = append(fields, arrow.Field{Name: name, Type: typ, Nullable: true})
	}
	if g.intn(8) != 0 {
		typ := timeTypes[g.intn(len(timeTypes))]
		if g.intn(48) == 0 {
			typ = arrow.PrimitiveTypes.Int64 // not a timestamp: a schema error
		}
		add("time", frame.RoleTime, typ)
	}
	for range 1 + g.intn(7) {
		switch g.intn(11) {
		case 0, 1, 2:
			var typ arrow.DataType = arrow.BinaryTypes.String
			switch g.intn(48) {
			case 0, 1, 2:
				typ = arrow.BinaryTypes.LargeString
			case 3:
				typ = arrow.PrimitiveTypes.Float64 // not text: a schema error
			}
			add(g.name(), frame.RoleTag, typ)
		case 3:
			add(g.name(), frame.RoleNone, fieldTypes[g.intn(len(fieldTypes))])
		case 4:
			role := frame.RoleNone
			if g.intn(3) == 0 {
				role = frame.RoleTag
			}
			add("_measurement", role, arrow.BinaryTypes.String)
		case 5, 6: // long form, which needs SkipNoRole for _field
			if g.intn(2) == 0 {
				add("_field", frame.RoleNone, arrow.BinaryTypes.String)
				add("_value", frame.RoleField, fieldTypes[g.intn(len(fieldTypes))])
				opts.SkipNoRole = opts.SkipNoRole || g.intn(8) != 0
				continue
			}
			fallthrough
		default:
			add(g.name(), frame.RoleField, fieldTypes[g.intn(len(fieldTypes))])
		}
	}
	if !slices.ContainsFunc(cols, func(c frame.Column) bool { return c.Role == frame.RoleField }) && g.intn(8) != 0 {
		add(g.name(), frame.RoleField, fieldTypes[g.intn(len(fieldTypes))]) // else a schema error
	}
	s, err := frame.NewSchema(cols, measurement, arrow.NewSchema(fields, nil))
	if err != nil {
		t.Fatal(err)
	}
	if p := frame.Precision(g.intn(6)); p != 0 && p <= frame.Second {
		s = s.WithPrecision(p)
	}
	b := array.NewRecordBuilder(mem, s.Arrow())
	defer b.Release()
	for range 1 + g.intn(6) {
		for i, f := range fields {
			if ts, ok := f.Type.(*arrow.TimestampType); ok && cols[i].Role == frame.RoleTime {
				g.appendTime(b.Field(i).(*array.TimestampBuilder), ts.Unit)
				continue
			}
			g.appendValue(t, b.Field(i))
		}
	}
	return b.NewRecord(), opts
}

// appendTime appends a random time, mostly one that fits in int64
// nanoseconds, else any; sometimes a null.
func (g *recordGen) appendTime(b *array.TimestampBuilder, unit arrow.TimeUnit) {
	switch g.intn(16) {
	case 0:
		b.AppendNull()
	case 1:
		b.Append(arrow.Timestamp(g.int()))
	default:
		b.Append(arrow.Timestamp(g.int() / int64(unit.Multiplier())))
	}
}

// appendValue appends a random value, or a null, to a column.
func (g *recordGen) appendValue(t *testing.T, b array.Builder) {
	if g.intn(6) == 0 {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Float64Builder:
		b.Append(g.float())
	case *array.Float32Builder:
		b.Append(float32(g.float()))
	case *array.Float16Builder:
		b.Append(float16.New(float32(g.float())))
	case *array.Int64Builder:
		b.Append(g.int())
	case *array.Int8Builder:
		b.Append(int8(g.int()))
	case *array.Int16Builder:
		b.Append(int16(g.int()))
	case *array.Int32Builder:
		b.Append(int32(g.int()))
	case *array.Uint8Builder:
		b.Append(uint8(g.int()))
	case *array.Uint16Builder:
		b.Append(uint16(g.int()))
	case *array.Uint32Builder:
		b.Append(uint32(g.int()))
	case *array.Uint64Builder:
		b.Append(uint64(g.int()))
	case *array.BooleanBuilder:
		b.Append(g.intn(2) == 0)
	case *array.StringBuilder:
		b.BinaryBuilder.Append([]byte(g.text())) // as bytes: may be invalid UTF-8
	case *array.LargeStringBuilder:
		b.BinaryBuilder.Append([]byte(g.text()))
	case *array.BinaryBuilder:
		b.Append([]byte(g.text()))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(g.int()))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(g.int()))
	case *array.Date32Builder:
		b.Append(arrow.Date32(int32(g.int())))
	default:
		t.Fatalf("recordGen: no values for %T", b)
	}
}

// float returns a random float64: one of the edge cases, or random bits.
func (g *recordGen) float() float64 {
	edges := []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1.0 / 3, 20, 99.5, 123456, 999999, 1e6, 1234567,
		1e20, 1e21, -1e21, 1e-4, 1e-5, 1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxInt64, -math.MaxFloat32,
		math.NaN(), math.Inf(1), math.Inf(-1)}
	if i := g.intn(2 * len(edges)); i < len(edges) {
		return edges[i]
	}
	return math.Float64frombits(g.uint64())
}

// int returns a random int64: one of the edge cases, or random bits.
func (g *recordGen) int() int64 {
	edges := []int64{0, 1, -1, 42, 1700000000123456789, -1500000000, math.MaxInt64, math.MinInt64, math.MaxInt64 / 1000, math.MinInt64 / 1000}
	if i := g.intn(2 * len(edges)); i < len(edges) {
		return edges[i]
	}
	return int64(g.uint64())
}

// TestEscapesMatchLineprotocol writes every byte in every section with
// lineprotocol.Encoder and with the escape tables, and compares.
func TestEscapesMatchLineprotocol(t *testing.T) {
	for c := range 256 {
		s := "a" + string([]byte{byte(c)}) + "b"
		var lp lineprotocol.Encoder
		lp.SetLax(true)
		lp.StartLine(s)
		lp.AddTag(s, s)
		lp.AddField(s, lineprotocol.IntValue(1))
		strVal := "x"
		if utf8.ValidString(s) {
			strVal = s
		}
		v, _ := lineprotocol.StringValue(strVal)
		lp.AddField(s, v)
		lp.EndLine(time.Time{})
		if err := lp.Err(); err != nil {
			t.Fatalf("byte %#x: %v", c, err)
		}
		want := lp.Bytes()
		if sp := (span{len(want) - 1 - quotedLen(strVal), len(want) - 1}); strings.ContainsAny(strVal, "\n\r\t") {
			want = rawControls(want, sp)
		}

		got := appendEscaped(nil, s, &measurementEscapes)
		got = appendKey(got, s)
		mark := len(got)
		got, ok := appendTagValue(got, s)
		if ok != validName(s) {
			t.Errorf("byte %#x: appendTagValue says %v, validName %v", c, ok, validName(s))
		}
		if !ok { // a value the Encoder refuses: compare its escaping all the same
			got = appendEscaped(got[:mark], s, &keyEscapes)
		}
		sep := len(got) // the first field's comma is a space, as AppendRow writes it
		got = append(appendKey(got, s), "1i"...)
		got[sep] = ' '
		got = append(appendKey(got, s), '"')
		got = append(appendEscaped(got, strVal, &stringEscapes), '"', '\n')
		if !bytes.Equal(got, want) {
			t.Errorf("byte %#x:\n got %q\nwant %q", c, got, want)
		}
	}
}
