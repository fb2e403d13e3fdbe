package lineproto

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/frame"
)

// FuzzEncodeRoundTrip encodes a one-row record made of random names and
// values and decodes it back: the point must come out equal, or the row
// must be refused with a reason that the input explains.
func FuzzEncodeRoundTrip(f *testing.F) {
	f.Add("cpu", "host", "web 1", "region", "eu,west", "note", "a \"b\" \\c\nd", 1.5, int64(1700000000123456789), uint8(0))
	f.Add("m,x y", "k=1", "=", "k 2", "", "s", "", math.Inf(1), int64(-1), uint8(3))
	f.Add("#c", "t", "v\\", "u", "\t", "f", "\r\n", math.NaN(), int64(math.MinInt64), uint8(2))
	f.Add("ü", "ß", "日本", "z", "🙂", "é", "\x00", -0.0, int64(math.MaxInt64), uint8(1))
	f.Fuzz(func(t *testing.T, meas, k1, v1, k2, v2, sk, sv string, fv float64, ts int64, prec uint8) {
		p := frame.Precision(prec%4 + 1)
		if k1 == k2 || k1 == sk || k2 == sk || k1 == "f" || k2 == "f" || sk == "f" || k1 == "time" || k2 == "time" || sk == "time" {
			t.Skip("column names must be distinct")
		}
		for _, k := range []string{k1, k2, sk} {
			if k == "_measurement" || k == "_field" || k == "_value" {
				t.Skip("the column names of a Flux result have their own meaning")
			}
		}
		cols := []col{
			{Name: "time", Role: frame.RoleTime},
			{Name: k1, Role: frame.RoleTag},
			{Name: "f", Role: frame.RoleField},
			{Name: k2, Role: frame.RoleTag},
			{Name: sk, Role: frame.RoleField, Type: arrow.BinaryTypes.String},
		}
		var sval any = sv
		if sv == "" {
			sval = nil
		}
		row := []any{ts, v1, fv, v2, sval}
		rec := makeRecord(t, nil, meas, cols, [][]any{row})
		defer rec.Release()
		enc := NewEncoder(Options{Precision: p})
		schemaErr := enc.Reset(rec)
		buf, err := enc.AppendRow(nil, 0)
		want, hasField := expectPoint(meas, cols, row, p)
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) || re.Row != 0 {
				t.Fatalf("error %v is not a *RowError for row 0", err)
			}
			badName := meas == "" || !validName(meas) || meas[0] == '#' || !validName(k1) || !validName(k2) || !validName(sk)
			badTag := !validTagValue(v1) || !validTagValue(v2)
			switch {
			case schemaErr != nil && badName:
			case errors.Is(err, ErrNoFields) && !hasField:
			case errors.Is(err, ErrInvalidUTF8) && !utf8.ValidString(sv):
			case badTag:
			default:
				t.Fatalf("unexpected error %v for %q", err, row)
			}
			if len(buf) != 0 {
				t.Fatalf("refused row left output %q", buf)
			}
			return
		}
		if schemaErr != nil {
			t.Fatalf("Reset failed (%v) but the row encoded", schemaErr)
		}
		if !hasField {
			t.Fatalf("row without field encoded as %q", buf)
		}
		got := decodeAll(t, buf, p)
		if len(got) != 1 || !samePoint(got[0], want) {
			t.Fatalf("round trip of %q:\n line %q\n got %v\nwant %v", row, buf, got, want)
		}
	})
}

// validTagValue reports whether a tag value can be written: empty (no tag)
// or a valid name.
func validTagValue(s string) bool { return s == "" || validName(s) }
