package timefmt

import (
	"testing"
	"time"
)

// slowLayout is what Detect does without the fast path: the first
// layout that parses s, and the instant it reads.
func slowLayout(s string, loc *time.Location) (int, int64, bool) {
	for i, l := range Layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return i, t.UnixNano(), true
		}
	}
	return 0, 0, false
}

func TestParseISO(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	for _, s := range []string{
		"2019-01-01", "2019-01-01 00:00:02", "2019-01-01T00:00:02Z", "2019-01-01T00:00:02.5+02:00",
		"2020-02-29 23:59:59.123456789", "2019-06-30T12:00", "2019-06-30 12:00", "2021-03-28 02:30:00",
		"2019-01-01 00:00:02Z", "2019-01-01 00:00:02-07:30",
	} {
		for _, loc := range []*time.Location{time.UTC, paris} {
			ns, layout, ok := ParseISO(s, loc)
			wl, wns, wok := slowLayout(s, loc)
			if !ok || !wok || layout != wl || ns != wns {
				t.Errorf("ParseISO(%q, %s) = %d, layout %d, %v; time.Parse: %d, layout %d, %v", s, loc, ns, layout, ok, wns, wl, wok)
			}
		}
	}
	for _, s := range []string{"2019-02-29", "2019-13-01", "2019-01-01 24:00:00", "2019-01-01T00:00:60Z", "2019-01-01T00:00:00.Z", "2019-1-01", "2019-01-01 00:00:00+0200"} {
		if _, _, ok := ParseISO(s, time.UTC); ok {
			t.Errorf("ParseISO(%q) accepted", s)
		}
	}
}

// FuzzParseISO checks that the fast path never accepts what time.Parse
// refuses, and reads what it accepts as time.Parse does.
func FuzzParseISO(f *testing.F) {
	for _, s := range []string{"2019-01-01", "2019-01-01 00:00:02", "2019-01-01T00:00:02.123Z", "2019-01-01T00:00:02-05:00", "2019-01-01T10:20"} {
		f.Add(s)
	}
	loc := time.FixedZone("X", -5*3600)
	f.Fuzz(func(t *testing.T, s string) {
		ns, layout, ok := ParseISO(s, loc)
		if !ok {
			return
		}
		wl, wns, wok := slowLayout(s, loc)
		if !wok || wl != layout || wns != ns {
			t.Fatalf("ParseISO(%q) = %d layout %d; time.Parse: %d layout %d ok %v", s, ns, layout, wns, wl, wok)
		}
	})
}
