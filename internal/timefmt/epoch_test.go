package timefmt

import (
	"strings"
	"testing"
	"time"
)

func TestPlausibleEpochs(t *testing.T) {
	tests := []struct {
		name     string
		min, max int64
		want     string // formats joined with " "
	}{
		{"seconds", 1577836800, 1577923200, Unix},
		{"milliseconds", 1577836800123, 1577836809999, UnixMs},
		{"microseconds", 1577836800123456, 1577836800123999, UnixUs},
		{"nanoseconds", 1577836800123456789, 1577836800123456999, UnixNs},
		{"first plausible second", 1e8, 1e8, Unix},
		{"last plausible second", 4102444800, 4102444800, Unix},
		{"just before 1973", 1e8 - 1, 1e9, ""},
		{"years are no epoch", 1880, 2020, ""},
		{"small integers", 0, 5000, ""},
		{"negative seconds", -86400, 1e9, ""},
		{"seconds then milliseconds", 1577836800, 1577836800123, ""},
		{"after 2100 in seconds, before 1973 in ms", 5e9, 6e9, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(PlausibleEpochs(tt.min, tt.max), " "); got != tt.want {
				t.Errorf("PlausibleEpochs(%d, %d) = %q, want %q", tt.min, tt.max, got, tt.want)
			}
		})
	}
}

func TestYears(t *testing.T) {
	if !PlausibleYears(1000, 2999) || PlausibleYears(999, 2000) || PlausibleYears(1880, 3000) {
		t.Error("PlausibleYears does not bound years to 1000..2999")
	}
	paris := time.FixedZone("CET", 3600)
	ns, ok, err := NewParser(Year, 0, paris).ParseInt(1880)
	if !ok || err != nil || !time.Unix(0, ns).Equal(time.Date(1880, 1, 1, 0, 0, 0, 0, paris)) {
		t.Errorf("ParseInt(1880) as year = %d, %v, %v", ns, ok, err)
	}
	if _, ok, err := NewParser(Year, 0, nil).ParseInt(5000); !ok || err == nil {
		t.Errorf("year 5000 (beyond int64 nanoseconds): ok %v, err %v", ok, err)
	}
	if tm, ok := EpochTime(Year, 1880); !ok || tm.Format(time.RFC3339) != "1880-01-01T00:00:00Z" {
		t.Errorf("EpochTime(year, 1880) = %v, %v", tm, ok)
	}
	if tm, ok := EpochTime(UnixMs, 5000); !ok || tm.Format(time.RFC3339Nano) != "1970-01-01T00:00:05Z" {
		t.Errorf("EpochTime(unix_ms, 5000) = %v, %v", tm, ok)
	}
}

func TestDecimalEpochs(t *testing.T) {
	tests := []struct {
		format, in string
		want       int64
	}{
		{UnixMs, "1577836800123.5", 1577836800123500000},
		{Unix, "1577836800.123456789", 1577836800123456789},
		{Unix, "1577836800.1234567891", 1577836800123456789},
		{Unix, "-1.5", -1500000000},
		{Unix, ".5", 500000000},
		{UnixUs, "1.25", 1250},
		{UnixNs, "7.9", 7},
		{Unix, "1.5e9", 1500000000000000000},
	}
	for _, tt := range tests {
		got, err := NewParser(tt.format, 0, nil).Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%s, %q) = %d, %v; want %d", tt.format, tt.in, got, err, tt.want)
		}
	}
}
