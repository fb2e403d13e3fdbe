package fastnum

import (
	"math"
	"strconv"
)

// AppendFloat appends v to b as strconv.AppendFloat(b, v, 'g', -1, 64)
// does: the shortest decimal that reads back as v. Most values of a CSV
// file or a query response are short decimals such as 6.16 or 1250.5,
// and for those it is several times faster: when v is m/10^k, correctly
// rounded, for an integer m of at most 15 digits and 1e-4 <= |v| < 1e6
// (the range 'g' writes without an exponent), the digits of m with the
// point k places from the right are that shortest decimal. They read
// back as v, and no other decimal of at most 15 significant digits does,
// since float64 holds 15 (strconv's DBL_DIG); so no shorter one does
// either. Every other value goes to strconv.
func AppendFloat(b []byte, v float64) []byte {
	a := math.Abs(v)
	if !(a >= 1e-4 && a < 1e6) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	for k := 0; k < len(pow10); k++ {
		x := a * pow10[k]
		if x >= 1e15 {
			break
		}
		m := math.Round(x)
		// x is a*10^k within an ulp: far from an integer, k is not the
		// one (the division, which decides, is the slow part).
		if math.Abs(x-m) > x*1e-12 || m/pow10[k] != a {
			continue
		}
		// The first k that fits: m has no trailing zero unless k is 0.
		// Its digits from the right, the point after k of them, and a
		// 0 before the point when m has no more.
		var buf [24]byte
		i := len(buf)
		u := uint64(m)
		for n := 0; u > 0 || n <= k; n++ {
			if n == k && k > 0 {
				i--
				buf[i] = '.'
			}
			i--
			buf[i] = byte('0' + u%10)
			u /= 10
		}
		if v < 0 {
			i--
			buf[i] = '-'
		}
		b = append(b, buf[i:]...)
		return b
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
