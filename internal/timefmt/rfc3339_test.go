package timefmt

import (
	"testing"
	"time"
)

func TestParseRFC3339(t *testing.T) {
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
		v, err := ParseRFC3339(tc.in)
		got := ""
		if err == nil {
			got = time.Unix(0, v).UTC().Format(time.RFC3339Nano)
		}
		if got != tc.want {
			t.Errorf("ParseRFC3339(%q) = %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseRFC3339 checks ParseRFC3339 against time.Parse.
func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{"2021-01-01T00:00:00Z", "2021-01-01T00:00:00.123456789Z", "1999-12-31T23:59:59.5Z", "2021-02-30T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, err := ParseRFC3339(s)
		tt, terr := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if terr == nil && !tt.Before(minTime) && !tt.After(maxTime) {
				t.Fatalf("ParseRFC3339(%q): %v; time.Parse read %v", s, err, tt)
			}
			return
		}
		if terr != nil {
			t.Fatalf("ParseRFC3339 read %q, time.Parse refused it: %v", s, terr)
		}
		if tt.UnixNano() != fast {
			t.Fatalf("%q: ParseRFC3339 %d, time.Parse %d", s, fast, tt.UnixNano())
		}
	})
}
