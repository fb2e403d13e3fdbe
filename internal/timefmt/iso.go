package timefmt

import "time"

// ParseISO parses the ISO 8601 forms that most timestamps take, without
// time.Parse's cost: YYYY-MM-DD, then optionally 'T' or ' ' and HH:MM, :SS,
// .fraction (1 to 9 digits), and a zone 'Z' or ±hh:mm (only after seconds,
// as Go's layouts have it). Values without a zone are read in loc. It
// returns the index in Layouts of the layout time.Parse would match first,
// and ok=false for anything else (the caller then tries the layouts), so
// that it never accepts what time.Parse would refuse nor reads a value
// differently. Years outside 1678 to 2261, where nanoseconds since 1970 may
// not fit an int64, are left to the caller too. FuzzParseISO checks this
// against time.Parse.
func ParseISO(s string, loc *time.Location) (ns int64, layout int, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		year < 1678 || year > 2261 {
		return 0, 0, false
	}
	var hour, min, sec, nsec int
	zoned, offset := false, 0
	rest := s[10:]
	switch {
	case rest == "":
		layout = 8 // 2006-01-02
	case len(rest) >= 6 && (rest[0] == 'T' || rest[0] == ' ') && rest[3] == ':':
		t := rest[0] == 'T'
		var okh, okm bool
		hour, okh = digits(rest[1:3])
		min, okm = digits(rest[4:6])
		if !okh || !okm || hour > 23 || min > 59 {
			return 0, 0, false
		}
		rest = rest[6:]
		if rest == "" {
			layout = 7 // 2006-01-02 15:04
			if t {
				layout = 6 // 2006-01-02T15:04
			}
			break
		}
		if len(rest) < 3 || rest[0] != ':' {
			return 0, 0, false
		}
		var oks bool
		if sec, oks = digits(rest[1:3]); !oks || sec > 59 {
			return 0, 0, false
		}
		rest = rest[3:]
		if len(rest) > 0 && rest[0] == '.' {
			n := 1
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			if n == 1 || n > 10 {
				return 0, 0, false
			}
			f, _ := digits(rest[1:n])
			for i := n; i < 10; i++ {
				f *= 10
			}
			nsec = f
			rest = rest[n:]
		}
		switch {
		case rest == "":
		case rest == "Z":
			zoned = true
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			oh, okh := digits(rest[1:3])
			om, okm := digits(rest[4:6])
			if !okh || !okm || oh > 24 || om > 59 {
				return 0, 0, false
			}
			offset = (oh*60 + om) * 60
			if rest[0] == '-' {
				offset = -offset
			}
			zoned = true
		default:
			return 0, 0, false
		}
		switch {
		case t && zoned:
			layout = 0 // RFC 3339
		case t:
			layout = 1 // 2006-01-02T15:04:05.999999999
		case zoned:
			layout = 2 // 2006-01-02 15:04:05.999999999Z07:00
		default:
			layout = 4 // 2006-01-02 15:04:05.999999999
		}
	default:
		return 0, 0, false
	}
	var tm time.Time
	if zoned {
		tm = time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	} else {
		tm = time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc)
	}
	return tm.UnixNano(), layout, true
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
