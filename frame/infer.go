package frame

import (
	"strconv"
	"strings"

	"github.com/influxframe/influxframe/internal/timefmt"
)

// classify returns the kind of one CSV cell, and whether a float cell is
// NaN or ±Inf. Surrounding spaces are ignored for numbers and bools.
// Integers that look like years or epochs are integers: only the transform
// stage decides that an integer column is a time column.
func classify(s string) (k CellKind, nan bool) {
	k, nan, _, _ = classifyDot(s)
	return k, nan
}

// classifyDot is classify, with the layouts and fractional digits of a
// time cell (timefmt.Detect's).
func classifyDot(s string) (k CellKind, nan bool, mask uint32, frac int) {
	if s == "" {
		return CellEmpty, false, 0, 0
	}
	t := s
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		t = strings.TrimSpace(s)
		if t == "" {
			return CellEmpty, false, 0, 0
		}
	}
	switch c := t[0]; {
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		if isInt(t) {
			if _, err := strconv.ParseInt(t, 10, 64); err == nil {
				return CellInt, false, 0, 0
			}
			// Integers beyond int64 are still numbers.
			return CellFloat, false, 0, 0
		}
		if f, ok := parseFloat(t); ok {
			return CellFloat, f != f || f > maxFloat || f < -maxFloat, 0, 0
		}
	case c == 't' || c == 'T' || c == 'f' || c == 'F':
		if strings.EqualFold(t, "true") || strings.EqualFold(t, "false") {
			return CellBool, false, 0, 0
		}
	case c == 'n' || c == 'N' || c == 'i' || c == 'I':
		if f, ok := parseFloat(t); ok {
			return CellFloat, f != f || f > maxFloat || f < -maxFloat, 0, 0
		}
	}
	if m, fd := timefmt.Detect(s); m != 0 {
		return CellTime, false, m, fd
	}
	return CellText, false, 0, 0
}

const maxFloat = 1.7976931348623157e308

// classifyIn is classify in a dialect whose decimal separator is a comma
// when comma is set: then "1,5" is a float, and a number written with a
// decimal point ("1.5", which could be 1.5 or, with a thousands point,
// 15) is text.
func classifyIn(s string, comma bool) (k CellKind, nan bool) {
	k, nan, _, _ = classifyFull(s, comma)
	return k, nan
}

// classifyFull is classifyIn, with classifyDot's layouts and fractional
// digits of a time cell.
func classifyFull(s string, comma bool) (k CellKind, nan bool, mask uint32, frac int) {
	if !comma {
		return classifyDot(s)
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		if strings.IndexByte(s, '.') < 0 && strings.IndexByte(s[i+1:], ',') < 0 {
			var buf [64]byte // longer cells are copied to the heap
			b := append(buf[:0], s...)
			b[i] = '.'
			if k, nan, _, _ := classifyDot(string(b)); k == CellFloat {
				return k, nan, 0, 0
			}
		}
		return classifyDot(s) // a timestamp or text
	}
	k, nan, mask, frac = classifyDot(s)
	if k == CellFloat && strings.IndexByte(s, '.') >= 0 {
		return CellText, false, 0, 0
	}
	return k, nan, mask, frac
}

// parseFloatIn is parseFloat of a trimmed cell in a dialect whose decimal
// separator is a comma when comma is set (see classifyIn).
func parseFloatIn(s string, comma bool) (float64, bool) {
	if !comma {
		return parseFloat(s)
	}
	if strings.IndexByte(s, '.') >= 0 {
		return 0, false
	}
	i := strings.IndexByte(s, ',')
	if i < 0 {
		return parseFloat(s)
	}
	if strings.IndexByte(s[i+1:], ',') >= 0 {
		return 0, false
	}
	var buf [64]byte // longer cells are copied to the heap
	b := append(buf[:0], s...)
	b[i] = '.'
	return parseFloat(string(b))
}

// nanOrInf reports whether s spells NaN or infinity as strconv reads them.
func nanOrInf(s string) bool {
	return strings.EqualFold(s, "nan") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity")
}

// floatChars reports whether s holds only characters of a decimal float,
// so that other text skips strconv's costlier failure.
func floatChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return false
		}
	}
	return true
}

func isInt(s string) bool {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseFloat parses decimal floats, NaN and Inf, but not the hexadecimal
// and underscore forms strconv also accepts: no CSV writer means those.
// Other text is refused before strconv, whose failures allocate.
func parseFloat(s string) (float64, bool) {
	if !floatChars(s) {
		body := s
		if body != "" && (body[0] == '-' || body[0] == '+') {
			body = body[1:]
		}
		if !nanOrInf(body) {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Out-of-range values parse to ±Inf with an error: numbers still.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// parseBool parses the bool cells Classify accepts.
func parseBool(s string) (bool, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// observe adds one cell to the column statistics.
func (s *Stats) observe(cell string, line int64) { s.observeIn(cell, line, false) }

// observeIn adds one cell to the column statistics, reading numbers with
// a decimal comma when comma is set.
func (s *Stats) observeIn(cell string, line int64, comma bool) {
	k, nan, mask, fd := classifyFull(cell, comma)
	if k == CellTime {
		s.Layouts |= mask
		if fd > s.FracDigits {
			s.FracDigits = fd
		}
	}
	if nan {
		s.NaN++
	}
	if k == CellEmpty {
		s.Cells[CellEmpty]++
		return
	}
	if k == CellInt {
		// classify has checked that the cell, trimmed as it trims it, is a
		// decimal int64 with an optional sign: sum its digits without
		// strconv's checks.
		t := cell
		if t[0] == ' ' || t[len(t)-1] == ' ' {
			t = strings.TrimSpace(t)
		}
		neg := t[0] == '-'
		if t[0] == '-' || t[0] == '+' {
			t = t[1:]
		}
		var v int64
		for i := 0; i < len(t) && t[i] >= '0' && t[i] <= '9'; i++ {
			v = v*10 - int64(t[i]-'0') // negative, so that math.MinInt64 fits
		}
		if !neg {
			v = -v
		}
		if s.Cells[CellInt] == 0 || v < s.IntMin {
			s.IntMin = v
		}
		if s.Cells[CellInt] == 0 || v > s.IntMax {
			s.IntMax = v
		}
	}
	s.add(k, line, cell)
}
