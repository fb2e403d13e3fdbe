// Package fastnum parses and formats the plain decimal numbers that make
// up most of a CSV file or a query response, without strconv's
// generality: the CSV reader's conversion and the query decoder call
// ParseFloat first, the line-protocol encoder AppendFloat, and both fall
// back to strconv for anything else, with the same results.
package fastnum

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// ParseFloat reads plain decimal numbers exactly as
// strconv.ParseFloat does, and quickly: an optional sign, then digits with
// at most one separator sep, 15 significant digits at most and 22 after
// the separator at most, no exponent. The value is then the integer of its
// digits, exact in a float64, divided by an exact power of ten: one
// correctly rounded operation, which is strconv's own fast path. Other
// cells report false.
func ParseFloat(b []byte, sep byte) (float64, bool) {
	if len(b) == 0 || len(b) > 40 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	var m uint64
	digits, frac := 0, -1
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if m == 0 && c == '0' {
				if frac >= 0 {
					frac++
				}
				continue // leading zeros count for nothing but the scale
			}
			m = m*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == sep && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits > 15 {
		return 0, false
	}
	if digits == 0 && !hasDigit(b) {
		return 0, false
	}
	return Decimal(m, max(frac, 0), neg)
}

// Decimal returns the float64 nearest to m/10^frac, negated when neg, as
// strconv.ParseFloat reads it, when m ≤ 2^53 and frac ≤ 22: the integer
// and the power of ten are then exact in a float64, and one division
// rounds their quotient correctly. Otherwise it reports false.
func Decimal(m uint64, frac int, neg bool) (float64, bool) {
	if m > 1<<53 || frac > 22 {
		return 0, false
	}
	f := float64(m)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

func hasDigit(b []byte) bool {
	for _, c := range b {
		if c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}
