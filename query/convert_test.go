package query

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1500", 1500, true},
		{"-7", -7, true},
		{"1h30m", 90 * time.Minute, true},
		{"1.5s", 1500 * time.Millisecond, true},
		{"2d", 48 * time.Hour, true},
		{"1w1d", 8 * 24 * time.Hour, true},
		{"-3d12h", -84 * time.Hour, true},
		{"1d2us", 24*time.Hour + 2*time.Microsecond, true},
		{"1mo", 0, false},
		{"1y", 0, false},
		{"d", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"106752d", 0, false}, // beyond int64 nanoseconds
		{"15251w", 0, false},
	} {
		got, err := parseDuration(tc.in)
		if (err == nil) != tc.ok || time.Duration(got) != tc.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v ok=%v", tc.in, time.Duration(got), err, tc.want, tc.ok)
		}
	}
}

// FuzzParseDuration checks that the duration parser never panics and agrees
// with time.ParseDuration where both read a value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1h", "2d3h", "-1w", "1mo", "99999999999999999999ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseFluxDuration(s)
		if err != nil {
			return
		}
		if d, err := time.ParseDuration(s); err == nil && int64(d) != v {
			t.Fatalf("%q: %d, time.ParseDuration %d", s, v, int64(d))
		}
	})
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.3.2.1": true, "::1": true,
		"10.0.0.1": false, "example.com": false, "": false, "influx.localhost.example": false,
	} {
		if got := loopback(host); got != want {
			t.Errorf("loopback(%q) = %v, want %v", host, got, want)
		}
	}
}
