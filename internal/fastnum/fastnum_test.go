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

func TestAppendFloat(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1, 150, 1.5, 6.16, -0.5, 0.0001, 0.00012, 0.00009999,
		1e-5, 999999.9, 999999.999999999, 1e6, 1234567, 100000, 0.1 + 0.2, 1.0 / 3, 123456.789012345,
		12345.6789012345, 0.30000000000000004, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), 2.5e-3, 5e-324} {
		want := strconv.AppendFloat([]byte("x="), v, 'g', -1, 64)
		if got := AppendFloat([]byte("x="), v); string(got) != string(want) {
			t.Errorf("AppendFloat(%v) = %q, want %q", v, got, want)
		}
	}
}

// FuzzAppendFloat compares AppendFloat with strconv, on arbitrary float64
// bits and on decimals m/10^k, which take the fast path.
func FuzzAppendFloat(f *testing.F) {
	f.Add(uint64(0x4018a3d70a3d70a4), int64(616), uint8(2))
	f.Add(uint64(0x3ff0000000000000), int64(-15), uint8(1))
	f.Add(uint64(0x7ff8000000000001), int64(999999999999999), uint8(9))
	f.Fuzz(func(t *testing.T, bits uint64, m int64, k uint8) {
		for _, v := range []float64{math.Float64frombits(bits), float64(m%1e16) / pow10[int(k)%len(pow10)]} {
			want := strconv.AppendFloat(nil, v, 'g', -1, 64)
			if got := AppendFloat(nil, v); string(got) != string(want) {
				t.Fatalf("AppendFloat(%v) = %q, want %q", v, got, want)
			}
		}
	})
}

func BenchmarkAppendFloat(b *testing.B) {
	vals := []float64{6.16, 14.08, 0.5, 1250.25, 21.46, 0.3, 3, 99.99}
	b.Run("fastnum", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			for _, v := range vals {
				buf = AppendFloat(buf[:0], v)
			}
		}
	})
	b.Run("strconv", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			for _, v := range vals {
				buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
			}
		}
	})
}
