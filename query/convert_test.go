package query

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 UTC, or "" for an error
	}{
		{"2021-01-01T00:00:00Z", "2021-01-01T00:00:00Z"},
		{"2021-01-01T00:00:00.1Z", "2021-01-01T00:00:00.1Z"},
		{"2021-01-01T00:00:00.123456789Z", "2021-01-01T00:00:00.123456789Z"},
		{"2020-02-29T23:59:59Z", "2020-02-29T23:59:59Z"},
		{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
		{"1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:43.145224192Z"}, // min int64
		{"2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"}, // max int64
		{"2021-06-01T12:00:00+02:00", "2021-06-01T10:00:00Z"},
		{"2021-02-29T00:00:00Z", ""},
		{"2021-01-01T24:00:00Z", ""},
		{"2021-01-01T00:00:00.Z", ""},
		{"2021-01-01T00:00:00.1234567891Z", "2021-01-01T00:00:00.123456789Z"}, // as time.Parse: extra digits dropped
		{"2262-04-11T23:47:16.854775808Z", ""},
		{"2021-01-01", ""},
	} {
		v, err := parseTime(tc.in)
		got := ""
		if err == nil {
			got = time.Unix(0, v).UTC().Format(time.RFC3339Nano)
		}
		if got != tc.want {
			t.Errorf("parseTime(%q) = %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

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

// FuzzParseTime checks the fast path against time.Parse.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2021-01-01T00:00:00Z", "2021-01-01T00:00:00.123456789Z", "1999-12-31T23:59:59.5Z", "2021-02-30T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseTimeFast(s)
		if !ok {
			return
		}
		tt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("fast path read %q, time.Parse refused it: %v", s, err)
		}
		if tt.UnixNano() != fast {
			t.Fatalf("%q: fast %d, time.Parse %d", s, fast, tt.UnixNano())
		}
	})
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
