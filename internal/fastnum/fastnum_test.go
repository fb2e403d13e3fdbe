package fastnum

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// check fails unless ParseFloat agrees with strconv.ParseFloat on s
// whenever it accepts s.
func check(t *testing.T, s string, sep byte) (float64, bool) {
	t.Helper()
	got, ok := ParseFloat([]byte(s), sep)
	if !ok {
		return 0, false
	}
	std := s
	if sep != '.' {
		if strings.ContainsRune(s, '.') {
			t.Fatalf("ParseFloat(%q, %q) accepted a '.'", s, sep)
		}
		std = strings.Replace(s, string(sep), ".", 1)
	}
	want, err := strconv.ParseFloat(std, 64)
	if err != nil || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("ParseFloat(%q, %q) = %v, strconv says %v, %v", s, sep, got, want, err)
	}
	return got, true
}

func TestParseFloat(t *testing.T) {
	for _, c := range []struct {
		in  string
		sep byte
		ok  bool
	}{
		{"0", '.', true}, {"-0", '.', true}, {"+5", '.', true}, {"1.", '.', true}, {".5", '.', true},
		{"12.34", '.', true}, {"12,34", ',', true}, {"0.1", '.', true}, {"123456789012345", '.', true},
		{"0.0000000000000000000001", '.', true}, {"-99999.99999", '.', true},
		{"1234567890123456", '.', false}, // 16 digits: strconv's slow path
		{"0.00000000000000000000001", '.', false},
		{"", '.', false}, {".", '.', false}, {"-", '.', false}, {"1e5", '.', false}, {"1.2.3", '.', false},
		{"12,34", '.', false}, {"12.34", ',', false}, {" 1", '.', false}, {"NaN", '.', false}, {"0x10", '.', false},
	} {
		if _, ok := check(t, c.in, c.sep); ok != c.ok {
			t.Errorf("ParseFloat(%q, %q): ok = %v, want %v", c.in, c.sep, ok, c.ok)
		}
	}
}

// FuzzParseFloat: whatever ParseFloat accepts, it reads as strconv does.
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0", "12.34", "-0.5", "123456789012345", "1,5", "9007199254740993", "0.1"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, comma bool) {
		sep := byte('.')
		if comma {
			sep = ','
		}
		check(t, s, sep)
	})
}

func BenchmarkParseFloat(b *testing.B) {
	cells := [][]byte{[]byte("12.34"), []byte("0.5"), []byte("1234.5678"), []byte("-3"), []byte("42.125")}
	b.Run("fastnum", func(b *testing.B) {
		for i := range b.N {
			ParseFloat(cells[i%len(cells)], '.')
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for i := range b.N {
			strconv.ParseFloat(string(cells[i%len(cells)]), 64)
		}
	})
}
