package lineproto

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
	goldenfile "github.com/influxframe/influxframe/internal/golden"
)

// escapeCols is the schema of the escaping tests: tags given out of order
// on purpose, a float and a string field.
var escapeCols = []col{
	{Name: "zone", Role: frame.RoleTag},
	{Name: "v", Role: frame.RoleField},
	{Name: "time", Role: frame.RoleTime},
	{Name: "host name", Role: frame.RoleTag},
	{Name: "note", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
	{Name: "a,b=c", Role: frame.RoleTag},
}

// escapeRows must all round-trip.
var escapeRows = [][]any{
	{"eu", 1.5, int64(1700000000123456789), "web 1", "plain", "x"},
	{"us,west", -2.0, int64(1700000001000000000), "a=b", `say "hi"`, `back\slash`},
	{`"quoted"`, 0.0, int64(0), "日本語", "line one\nline two\r\nthree", "=,= "},
	{nil, 3e300, int64(-1500000000), "", `trailing backslash\`, "tab-free"},
	{"", nil, int64(42), nil, "only string", nil},
	{"ü", math.SmallestNonzeroFloat64, int64(math.MaxInt64), "x", nil, "y"},
	{"a b", math.Copysign(0, -1), int64(math.MinInt64 + 1), "c", "", `\\`[:1] + "x"},
	{"emoji 🙂", 123456789.125, int64(1), " leading", "comma, and = and space", "z"},
}

func encodeAll(t *testing.T, enc *Encoder, rec arrow.Record) ([]byte, []*RowError) {
	t.Helper()
	if err := enc.Reset(rec); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	var skipped []*RowError
	buf, n := enc.AppendRows(nil, 0, int(rec.NumRows()), func(e *RowError) { skipped = append(skipped, e) })
	if n+len(skipped) != int(rec.NumRows()) {
		t.Fatalf("AppendRows: %d lines + %d skipped != %d rows", n, len(skipped), rec.NumRows())
	}
	return buf, skipped
}

func TestEncodeRoundTrip(t *testing.T) {
	measurements := []string{"cpu", "my measurement", "a,b", "x=y", `q"uote`, "ünïcode 测量", `back\slash`}
	for _, prec := range []frame.Precision{frame.Nanosecond, frame.Microsecond, frame.Millisecond, frame.Second} {
		for _, m := range measurements {
			t.Run(prec.String()+"/"+m, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rec := makeRecord(t, mem, m, escapeCols, escapeRows)
				defer rec.Release()
				enc := NewEncoder(Options{Precision: prec})
				buf, skipped := encodeAll(t, enc, rec)
				if len(skipped) != 0 {
					t.Fatalf("skipped rows: %v", skipped)
				}
				got := decodeAll(t, buf, prec)
				if len(got) != len(escapeRows) {
					t.Fatalf("decoded %d points, want %d:\n%s", len(got), len(escapeRows), buf)
				}
				for i, row := range escapeRows {
					want, _ := expectPoint(m, escapeCols, row, prec)
					if !samePoint(got[i], want) {
						t.Errorf("row %d:\n got %v\nwant %v\nline %q", i, got[i], want, lineOf(buf, i))
					}
				}
			})
		}
	}
}

func lineOf(buf []byte, i int) string {
	// Lines may hold newlines inside string fields: decode to find them.
	lines := bytes.SplitAfter(buf, []byte("\n"))
	if i < len(lines) {
		return string(lines[i])
	}
	return ""
}

func TestEncodeTagsSorted(t *testing.T) {
	cols := []col{
		{Name: "time", Role: frame.RoleTime},
		{Name: "zz", Role: frame.RoleTag},
		{Name: "b", Role: frame.RoleTag},
		{Name: "B", Role: frame.RoleTag},
		{Name: "a", Role: frame.RoleTag},
		{Name: "f", Role: frame.RoleField},
	}
	rec := makeRecord(t, nil, "m", cols, [][]any{{int64(5), "1", "2", "3", "4", 1.0}})
	defer rec.Release()
	enc := NewEncoder(Options{})
	buf, _ := encodeAll(t, enc, rec)
	if want := "m,B=3,a=4,b=2,zz=1 f=1 5\n"; string(buf) != want {
		t.Errorf("got %q, want %q", buf, want)
	}
}

func TestEncodeRowErrors(t *testing.T) {
	cols := []col{
		{Name: "time", Role: frame.RoleTime},
		{Name: "t", Role: frame.RoleTag},
		{Name: "f", Role: frame.RoleField},
		{Name: "s", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
	}
	tests := []struct {
		name string
		row  []any
		want error  // a sentinel, or nil for a line-protocol error
		text string // in the error text
	}{
		{"null time", []any{nil, "a", 1.0, nil}, ErrNullTime, "null time"},
		{"no field", []any{int64(1), "a", nil, nil}, ErrNoFields, "no field"},
		{"only NaN", []any{int64(1), "a", math.NaN(), nil}, ErrNoFields, ""},
		{"only Inf", []any{int64(1), "a", math.Inf(-1), nil}, ErrNoFields, ""},
		{"newline in tag", []any{int64(1), "a\nb", 1.0, nil}, ErrInvalidTag, `t="a\nb"`},
		{"tab in tag", []any{int64(1), "a\tb", 1.0, nil}, ErrInvalidTag, "invalid tag value"},
		{"trailing backslash in tag", []any{int64(1), `a\`, 1.0, nil}, ErrInvalidTag, "invalid tag value"},
		{"invalid UTF-8 in tag", []any{int64(1), []byte{'a', 0xff}, 1.0, nil}, ErrInvalidTag, "invalid tag value"},
		{"invalid UTF-8 in string field", []any{int64(1), "a", 1.0, []byte{0xc3, 0x28}}, ErrInvalidUTF8, `"s"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The bad row sits between two good ones, which must survive.
			rows := [][]any{{int64(10), "ok", 1.0, "x"}, tc.row, {int64(20), "ok", 2.0, nil}}
			rec := makeRecord(t, nil, "m", cols, rows)
			defer rec.Release()
			enc := NewEncoder(Options{})
			buf, skipped := encodeAll(t, enc, rec)
			if want := "m,t=ok f=1,s=\"x\" 10\nm,t=ok f=2 20\n"; string(buf) != want {
				t.Errorf("output %q, want %q", buf, want)
			}
			if len(skipped) != 1 || skipped[0].Row != 1 {
				t.Fatalf("skipped %v, want row 1", skipped)
			}
			err := skipped[0]
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) || !strings.HasPrefix(err.Error(), "row 1: ") {
				t.Errorf("error %q, want it to contain %q", err, tc.text)
			}
		})
	}
}

func TestEncodeNonFiniteCounted(t *testing.T) {
	cols := []col{{Name: "time", Role: frame.RoleTime}, {Name: "a", Role: frame.RoleField}, {Name: "b", Role: frame.RoleField}}
	rec := makeRecord(t, nil, "m", cols, [][]any{
		{int64(1), math.NaN(), 1.0},
		{int64(2), math.Inf(1), math.Inf(-1)},
	})
	defer rec.Release()
	enc := NewEncoder(Options{})
	buf, skipped := encodeAll(t, enc, rec)
	if string(buf) != "m b=1 1\n" || len(skipped) != 1 || enc.NonFinite() != 3 {
		t.Errorf("got %q, skipped %v, non-finite %d", buf, skipped, enc.NonFinite())
	}
}

func TestEncodeSchemaErrors(t *testing.T) {
	tm := col{Name: "time", Role: frame.RoleTime}
	f := col{Name: "f", Role: frame.RoleField}
	tests := []struct {
		name string
		meas string
		cols []col
		want error
		text string
	}{
		{"no time", "m", []col{f}, ErrSchema, "no time column"},
		{"two times", "m", []col{tm, {Name: "t2", Role: frame.RoleTime}, f}, ErrSchema, "two time columns"},
		{"time not timestamp", "m", []col{{Name: "time", Role: frame.RoleTime, Type: arrow.PrimitiveTypes.Int64}, f}, ErrSchema, "not a timestamp"},
		{"struct field", "m", []col{tm, {Name: "i", Role: frame.RoleField, Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64})}}, ErrSchema, `"i"`},
		{"float tag", "m", []col{tm, f, {Name: "g", Role: frame.RoleTag, Type: arrow.PrimitiveTypes.Float64}}, ErrSchema, `"g"`},
		{"no role", "m", []col{tm, f, {Name: "x", Role: frame.RoleNone}}, ErrSchema, "no role"},
		{"no field", "m", []col{tm, {Name: "t", Role: frame.RoleTag}}, ErrSchema, "no field"},
		{"no measurement", "", []col{tm, f}, ErrNoMeasurement, ""},
		{"comment measurement", "#m", []col{tm, f}, ErrInvalidName, `"#m"`},
		{"newline in measurement", "a\nb", []col{tm, f}, ErrInvalidName, "measurement"},
		{"trailing backslash in measurement", `m\`, []col{tm, f}, ErrInvalidName, "measurement"},
		{"newline in field key", "m", []col{tm, {Name: "a\nb", Role: frame.RoleField}}, ErrInvalidName, "column"},
		{"tab in tag key", "m", []col{tm, f, {Name: "a\tb", Role: frame.RoleTag}}, ErrInvalidName, "column"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := make([]any, len(tc.cols))
			rec := makeRecord(t, nil, tc.meas, tc.cols, [][]any{row})
			defer rec.Release()
			enc := NewEncoder(Options{})
			err := enc.Reset(rec)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Reset: %v, want %v containing %q", err, tc.want, tc.text)
			}
			if _, err := enc.AppendRow(nil, 0); !errors.Is(err, tc.want) {
				t.Errorf("AppendRow: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEncodeMeasurementOverrideAndSchemaChange(t *testing.T) {
	cols := []col{{Name: "time", Role: frame.RoleTime}, {Name: "f", Role: frame.RoleField}}
	r1 := makeRecord(t, nil, "", cols, [][]any{{int64(1), 1.0}})
	defer r1.Release()
	enc := NewEncoder(Options{Measurement: "over ride"})
	buf, _ := encodeAll(t, enc, r1)
	// A record with another schema gets a new plan.
	cols2 := []col{{Name: "time", Role: frame.RoleTime}, {Name: "t", Role: frame.RoleTag}, {Name: "g", Role: frame.RoleField}}
	r2 := makeRecord(t, nil, "ignored", cols2, [][]any{{int64(2), "x", 2.0}})
	defer r2.Release()
	b2, _ := encodeAll(t, enc, r2)
	buf = append(buf, b2...)
	if want := "over\\ ride f=1 1\nover\\ ride,t=x g=2 2\n"; string(buf) != want {
		t.Errorf("got %q, want %q", buf, want)
	}
}

func TestEncodeTimestampUnits(t *testing.T) {
	cols := []col{
		{Name: "time", Role: frame.RoleTime, Type: &arrow.TimestampType{Unit: arrow.Second}},
		{Name: "f", Role: frame.RoleField},
	}
	rec := makeRecord(t, nil, "m", cols, [][]any{{int64(1700000000), 1.0}, {int64(math.MaxInt64 / 10), 2.0}})
	defer rec.Release()
	enc := NewEncoder(Options{})
	buf, skipped := encodeAll(t, enc, rec)
	if string(buf) != "m f=1 1700000000000000000\n" || len(skipped) != 1 || !errors.Is(skipped[0], lineprotocol.ErrValueOutOfRange) {
		t.Errorf("got %q, skipped %v", buf, skipped)
	}
}

func TestEncodeGolden(t *testing.T) {
	var out bytes.Buffer
	for _, prec := range []frame.Precision{frame.Nanosecond, frame.Millisecond, frame.Second} {
		rec := makeRecord(t, nil, "weather, station", escapeCols, escapeRows)
		enc := NewEncoder(Options{Precision: prec})
		buf, _ := encodeAll(t, enc, rec)
		rec.Release()
		out.WriteString("# precision " + prec.String() + "\n")
		out.Write(buf)
	}
	golden(t, "encode.golden", out.Bytes())
}

// golden compares got with testdata/name (see package golden).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestAppendNanoLine(t *testing.T) {
	tests := []struct {
		line string
		prec frame.Precision
		want string
	}{
		{"m f=1 5", frame.Nanosecond, "m f=1 5\n"},
		{"m f=1 5", frame.Microsecond, "m f=1 5000\n"},
		{"m f=1 -5", frame.Millisecond, "m f=1 -5000000\n"},
		{`m s="a b" 17`, frame.Second, `m s="a b" 17000000000` + "\n"},
		{"m f=1 0", frame.Second, "m f=1 0\n"},
	}
	for _, tc := range tests {
		if got := string(AppendNanoLine(nil, []byte(tc.line), tc.prec)); got != tc.want {
			t.Errorf("AppendNanoLine(%q, %v) = %q, want %q", tc.line, tc.prec, got, tc.want)
		}
	}
}

// benchRecord is a record like a normalised taxi or sensor file: three
// tags, four float fields and a string field.
func benchRecord(b testing.TB, n int) arrow.Record {
	cols := []col{
		{Name: "time", Role: frame.RoleTime},
		{Name: "host", Role: frame.RoleTag},
		{Name: "region", Role: frame.RoleTag},
		{Name: "dc", Role: frame.RoleTag},
		{Name: "usage_user", Role: frame.RoleField},
		{Name: "usage_system", Role: frame.RoleField},
		{Name: "usage_idle", Role: frame.RoleField},
		{Name: "temp", Role: frame.RoleField},
		{Name: "status", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
	}
	rows := make([][]any, n)
	hosts := []string{"server-01", "server-02", "server 03", "server,04"}
	for i := range rows {
		var status any = "ok"
		if i%7 == 0 {
			status = nil
		}
		rows[i] = []any{int64(1700000000000000000 + int64(i)*1e9), hosts[i%len(hosts)], "eu-west", "dc" + string(rune('a'+i%3)),
			float64(i%100) * 0.37, float64(i%13) * 1.5, 99.5 - float64(i%50), 20 + float64(i%10)/10, status}
	}
	return makeRecord(b, nil, "cpu", cols, rows)
}

func BenchmarkEncode(b *testing.B) {
	const n = 10000
	rec := benchRecord(b, n)
	defer rec.Release()
	enc := NewEncoder(Options{})
	buf, _ := enc.AppendRows(nil, 0, 0, nil)
	if err := enc.Reset(rec); err != nil {
		b.Fatal(err)
	}
	buf, _ = enc.AppendRows(buf[:0], 0, n, nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		enc.Reset(rec)
		buf, _ = enc.AppendRows(buf[:0], 0, n, nil)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkEncodeRow(b *testing.B) {
	rec := benchRecord(b, 1024)
	defer rec.Release()
	enc := NewEncoder(Options{Precision: frame.Second})
	enc.Reset(rec)
	buf, _ := enc.AppendRow(nil, 0)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		buf, _ = enc.AppendRow(buf[:0], i&1023)
	}
}

// TestEncodeLongFormNames: in long form each row names its field; a null
// or empty name leaves the row without fields, and a name line protocol
// cannot hold refuses the row, never writing a line that does not decode.
func TestEncodeLongFormNames(t *testing.T) {
	cols := []col{
		{Name: "time", Role: frame.RoleTime},
		{Name: "_field", Type: arrow.BinaryTypes.String},
		{Name: "_value", Role: frame.RoleField},
	}
	rec := makeRecord(t, memory.DefaultAllocator, "m", cols, [][]any{
		{int64(1), "ok", 1.5},
		{int64(2), "a\nb", 2.5},
		{int64(3), `trailing\`, 3.5},
		{int64(4), "", 4.5},
		{int64(5), "with space", 5.5},
	})
	defer rec.Release()
	enc := NewEncoder(Options{SkipNoRole: true})
	if err := enc.Reset(rec); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		row  int
		want string
		err  error
	}{
		{0, "m ok=1.5 1\n", nil},
		{1, "", ErrInvalidName},
		{2, "", ErrInvalidName},
		{3, "", ErrNoFields},
		{4, "m with\\ space=5.5 5\n", nil},
	} {
		got, err := enc.AppendRow(nil, c.row)
		if string(got) != c.want || !errors.Is(err, c.err) {
			t.Errorf("row %d: got %q, %v; want %q, %v", c.row, got, err, c.want, c.err)
		}
	}
}
