package frame

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/influxframe/influxframe/internal/csvscan"
	"github.com/influxframe/influxframe/internal/fastnum"
	"github.com/influxframe/influxframe/internal/timefmt"
)

// The CSV reader's hot loops work on the bytes of the cells csvscan reads
// in batches, without making a string per cell: inference classifies them
// (colInfer) and conversion writes them into Arrow buffers (chunkBuilder),
// a column of a batch at a time. The cases that are common and cheap to
// recognise exactly (integers, plain decimals,
// ISO 8601 timestamps, empty cells, text into a string column) are done
// on the bytes; every other cell goes through the string functions
// (classifyIn, parseFloatIn, ...) over a view of the bytes, so that the
// two paths always agree.

// view returns b as a string without copying: valid only while b is, and
// never to be kept (Stats samples are copies).
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// colInfer gathers one column's Stats from cells of bytes.
type colInfer struct {
	st    *Stats
	comma bool      // numbers have a decimal comma
	iso   isoMemo   // the last ISO 8601 timestamp of the column
	text  []byte    // the last text cell of 8 to 32 bytes classifyFull read
	short [8]uint64 // text cells of up to 7 bytes classifyFull read (knowText); 0: none
}

// observe adds one cell to the column's statistics, as Stats.observeIn
// does for a string.
func (ci *colInfer) observe(cell []byte, line int64) {
	st := ci.st
	if len(cell) == 0 {
		st.Cells[CellEmpty]++
		return
	}
	if m := &ci.iso; m.matches(cell) {
		// A timestamp of the column's last date and layout, which no
		// number is.
		st.Layouts |= m.mask
		st.FracDigits = max(st.FracDigits, m.frac)
		ci.add(CellTime, line, cell)
		return
	}
	c := cell[0]
	if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == ',' {
		sep := byte('.')
		if ci.comma {
			sep = ','
		}
		switch k, v := scanNumber(cell, sep); k {
		case CellInt:
			if st.Cells[CellInt] == 0 || v < st.IntMin {
				st.IntMin = v
			}
			if st.Cells[CellInt] == 0 || v > st.IntMax {
				st.IntMax = v
			}
			ci.add(CellInt, line, cell)
			return
		case CellFloat:
			ci.add(CellFloat, line, cell)
			return
		}
		if mask, frac, ok := ci.iso.detect(cell); ok {
			st.Layouts |= mask
			st.FracDigits = max(st.FracDigits, frac)
			ci.add(CellTime, line, cell)
			return
		}
	}
	if ci.knownText(cell) {
		// A code or flag repeating: text again.
		st.Cells[CellText]++
		return
	}
	k, nan, mask, frac := classifyFull(view(cell), ci.comma)
	if k == CellText {
		ci.knowText(cell)
	}
	if k == CellTime {
		st.Layouts |= mask
		st.FracDigits = max(st.FracDigits, frac)
	}
	if nan {
		st.NaN++
	}
	if k == CellInt {
		_, v := scanNumber(bytes.TrimSpace(cell), '.')
		if v == 0 { // beyond 18 digits, or not plain: strconv
			v, _ = strconv.ParseInt(strings.TrimSpace(view(cell)), 10, 64)
		}
		if st.Cells[CellInt] == 0 || v < st.IntMin {
			st.IntMin = v
		}
		if st.Cells[CellInt] == 0 || v > st.IntMax {
			st.IntMax = v
		}
	}
	if k == CellEmpty {
		st.Cells[CellEmpty]++
		return
	}
	ci.add(k, line, cell)
}

// knownText reports whether the cell is one of the text cells the
// column remembers, which observe counts as text: whether a cell is text
// depends on its bytes alone.
func (ci *colInfer) knownText(cell []byte) bool {
	if len(cell) <= 7 {
		return ci.knownShort(cell)
	}
	return ci.text != nil && bytes.Equal(cell, ci.text)
}

// knownShort is knownText for a cell of 1 to 7 bytes.
func (ci *colInfer) knownShort(cell []byte) bool {
	k := shortKey(cell)
	return ci.short[shortSlot(k)] == k
}

// shortSlot returns the slot of colInfer.short for a shortKey.
func shortSlot(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 >> 61 }

// knowText remembers a text cell of at most 32 bytes. A cell of up to 7
// bytes takes one of 8 slots, by its shortKey, from the cell there before;
// a longer one replaces the last longer one. A column of codes or flags
// then seldom needs classifyFull again.
func (ci *colInfer) knowText(cell []byte) {
	switch {
	case len(cell) <= 7:
		k := shortKey(cell)
		ci.short[shortSlot(k)] = k
	case len(cell) <= 32:
		ci.text = append(ci.text[:0], cell...)
	}
}

// shortKey returns the bytes of a cell of 1 to 7 bytes in one word,
// little-endian, with its length in the top byte: never 0, and never the
// same for two cells, NUL bytes or not.
func shortKey(b []byte) uint64 {
	n := len(b)
	var w uint64
	switch {
	case n >= 4:
		w = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<(8*uint(n-4))
	case n >= 2:
		w = uint64(binary.LittleEndian.Uint16(b)) | uint64(binary.LittleEndian.Uint16(b[n-2:]))<<(8*uint(n-2))
	default:
		w = uint64(b[0])
	}
	return w | uint64(n)<<56
}

// observeBatch observes column j of the records of b, and returns the
// bytes of its cells.
func (ci *colInfer) observeBatch(b *csvscan.Batch, j int) int64 {
	return ci.observeRecords(b, j, 0, b.Len())
}

// observeRecords observes column j of records [from, n) of b, and
// returns the bytes of its cells. The plain integers and decimals of a
// column that has had one of their kind already are counted in a tight
// loop; the other cells go through observe.
func (ci *colInfer) observeRecords(b *csvscan.Batch, j, from, n int) int64 {
	st := ci.st
	sep := byte('.')
	if ci.comma {
		sep = ','
	}
	ints, floats, lo, hi := st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax
	var size int64
	for rec := from; rec < n; rec++ {
		cell := b.Cell(rec, j)
		size += int64(len(cell))
		if len(cell) == 0 {
			st.Cells[CellEmpty]++
			continue
		}
		// observe's commonest cases, inlined: a call in this loop spills
		// its registers for every cell.
		if ints+floats > 0 {
			m, i := plainDigits(cell)
			if i == len(cell) && i <= 18 && ints > 0 {
				ints++
				lo, hi = min(lo, int64(m)), max(hi, int64(m))
				continue
			}
			if i < len(cell) && floats > 0 {
				if _, _, ok := plainFrac(cell, m, i, sep); ok {
					floats++
					continue
				}
			}
			switch k, v := scanNumber(cell, sep); {
			case k == CellInt && ints > 0:
				ints++ // a signed integer
				lo, hi = min(lo, v), max(hi, v)
				continue
			case k == CellFloat && floats > 0:
				floats++
				continue
			}
		}
		if ci.iso.sameDate(cell) && clockWord(binary.LittleEndian.Uint64(cell[11:19])) {
			st.Cells[CellTime]++ // a timestamp of the remembered date, without fraction or zone
			continue
		}
		if len(cell) <= 7 {
			if k := shortKey(cell); ci.short[shortSlot(k)] == k {
				st.Cells[CellText]++ // a short text cell seen before
				continue
			}
		}
		st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax = ints, floats, lo, hi
		ci.observe(cell, int64(b.Line(rec)))
		ints, floats, lo, hi = st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax
	}
	st.Cells[CellInt], st.Cells[CellFloat], st.IntMin, st.IntMax = ints, floats, lo, hi
	return size
}

// add counts a cell of kind k, keeping a copy of the first one.
func (ci *colInfer) add(k CellKind, line int64, cell []byte) {
	st := ci.st
	if st.Cells[k] == 0 {
		st.First[k] = Sample{Line: line, Value: string(cell)}
	}
	st.Cells[k]++
}

// plainDigits returns the value (modulo 2^64) and the number of the
// decimal digits at the start of b. With plainInt and plainFrac it reads
// the plain unsigned numbers of the loops that observe or convert a
// column, inlined: a call there spills the loop's registers for every
// cell. Keep the three small enough to inline (go build -gcflags=-m).
func plainDigits(b []byte) (m uint64, i int) {
	for i < len(b) && b[i]-'0' <= 9 {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	return m, i
}

// plainInt returns the value of b when it is an unsigned integer of 1 to
// 18 digits, as scanNumber reads it.
func plainInt(b []byte) (int64, bool) {
	m, i := plainDigits(b)
	return int64(m), i == len(b) && i > 0 && i <= 18
}

// plainFrac reads the rest of b, whose first i bytes are digits of value
// m (plainDigits) and not all of b: when it is sep and digits, with at
// most 19 digits in all and at least one, it returns all of them as one
// integer and how many follow sep, for fastnum.Decimal.
func plainFrac(b []byte, m uint64, i int, sep byte) (uint64, int, bool) {
	f, n := plainDigits(b[i+1:])
	return m*pow10u[n&31] + f, n, b[i] == sep && i+1+n == len(b) && uint(i+n-1) < 19
}

// pow10u holds the powers of ten a uint64 holds.
var pow10u = [32]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// scanNumber recognises the plain numbers of a cell without spaces: an
// integer of up to 18 digits with an optional sign (CellInt and its
// value), or a decimal with the separator sep, digits on at least one
// side and fewer than 300 before it, no exponent (CellFloat: never NaN
// nor infinite). Anything else is CellText: not recognised here, which
// does not mean it is not a number.
func scanNumber(b []byte, sep byte) (CellKind, int64) {
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	start := i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	digits := i - start
	if i == len(b) {
		if digits == 0 || digits > 18 {
			return CellText, 0
		}
		if neg {
			v = -v
		}
		return CellInt, v
	}
	if b[i] != sep || digits >= 300 {
		return CellText, 0
	}
	i++
	f := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i != len(b) || digits+i-f == 0 {
		return CellText, 0
	}
	return CellFloat, 0
}

// scanValue is scanNumber with the cell's value as a float column holds
// it: for CellInt, the integer and its float64 (-0 for "-0"); for
// CellFloat, the float64 that strconv.ParseFloat reads, when exact says
// that fastnum.Decimal could compute it. It repeats scanNumber's scan on
// purpose: scanNumber, which inference calls on every numeric cell, does
// not gather a decimal's digits. Built on one shared scanner, the two cost
// inference on two cores 3-4% (BenchmarkCSVReader/500k/frame-2).
func scanValue(b []byte, sep byte) (k CellKind, iv int64, fv float64, exact bool) {
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	start := i
	var m uint64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	digits := i - start
	if i == len(b) {
		if digits == 0 || digits > 18 {
			return CellText, 0, 0, false
		}
		iv = int64(m)
		fv = float64(iv)
		if neg {
			iv, fv = -iv, -fv
		}
		return CellInt, iv, fv, true
	}
	if b[i] != sep || digits >= 300 {
		return CellText, 0, 0, false
	}
	i++
	f := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	if i != len(b) || digits+i-f == 0 {
		return CellText, 0, 0, false
	}
	if digits+i-f > 19 { // m may have overflowed
		return CellFloat, 0, 0, false
	}
	fv, exact = fastnum.Decimal(m, i-f, neg)
	return CellFloat, 0, fv, exact
}

// isoMemo remembers the last ISO 8601 timestamp of a column of the form
// date, 'T' or ' ', HH:MM:SS, an optional fraction and an optional 'Z',
// which is how timestamps of one column are usually written: a cell of
// the same form and date is then a timestamp of the same layout when its
// clock is in range, which needs no call to timefmt.ParseISO.
type isoMemo struct {
	n    int    // the length of the cells it matches; 0: none
	date uint64 // the date's first 8 bytes, little-endian
	sep  uint64 // its bytes 3 to 10: the rest of the date and the separator after it
	mask uint32
	frac int
	tail byte // 'Z' or 0
}

// detect returns the layout bit and fractional digits of an ISO 8601
// timestamp cell, as timefmt.Detect does, and whether it is one; false
// says only that it is not one ParseISO reads.
func (m *isoMemo) detect(b []byte) (mask uint32, frac int, ok bool) {
	if len(b) < 10 || len(b) > 40 || b[4] != '-' || b[7] != '-' {
		return 0, 0, false
	}
	if m.matches(b) {
		return m.mask, m.frac, true
	}
	s := view(b)
	_, layout, ok := timefmt.ParseISO(s, time.UTC)
	if !ok {
		return 0, 0, false
	}
	mask, frac = 1<<uint(layout), timefmt.FracDigits(s)
	m.n = 0
	if len(b) >= 19 && (b[10] == 'T' || b[10] == ' ') {
		tail := len(b) - 19
		if frac > 0 {
			tail -= 1 + frac
		}
		if tail == 0 || tail == 1 && b[len(b)-1] == 'Z' {
			m.n, m.date, m.sep, m.mask, m.frac, m.tail = len(b), binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[3:11]), mask, frac, 0
			if tail == 1 {
				m.tail = 'Z'
			}
		}
	}
	return mask, frac, true
}

// matches reports whether b is a timestamp of the memo's date and
// layout. The date is compared as two words, as observeText does too.
func (m *isoMemo) matches(b []byte) bool {
	return len(b) == m.n && m.n > 0 && binary.LittleEndian.Uint64(b) == m.date &&
		binary.LittleEndian.Uint64(b[3:11]) == m.sep && m.clock(b)
}

// sameDate reports whether b has 19 bytes and the memo's date, and the
// memo's layout has neither fraction nor zone: b is then a timestamp of
// the memo's layout when its last 8 bytes are a clockWord. It and
// clockWord inline, for the loops that observe a column.
func (m *isoMemo) sameDate(b []byte) bool {
	return len(b) == 19 && m.n == 19 && m.frac == 0 && m.tail == 0 &&
		binary.LittleEndian.Uint64(b) == m.date && binary.LittleEndian.Uint64(b[3:11]) == m.sep
}

// clockWord reports whether x, 8 bytes little-endian, is HH:MM:SS: six
// digits and two colons, with the hour, minutes and seconds in range.
func clockWord(x uint64) bool {
	const (
		zeros  = 0x3030_3a30_303a_3030 // "00:00:00", little-endian
		digits = 0xffff_00ff_ff00_ffff // the digits' bytes
		fixed  = 0xf0f0_fff0_f0ff_f0f0 // the colons, and the digits' high nibbles
	)
	d := x & 0x0f0f_0f0f_0f0f_0f0f & digits
	if x&fixed != zeros&fixed || // two colons, six bytes of 0x30 to 0x3f ...
		(d+0x0606_0606_0606_0606&digits)&0xf0f0_f0f0_f0f0_f0f0 != 0 { // ... up to '9'
		return false
	}
	return d&0xff*10+d>>8&0xff <= 23 && d>>24&0xff*10+d>>32&0xff <= 59 && d>>48&0xff*10+d>>56&0xff <= 59
}

// clock reports whether b, of the memo's length and date, holds a clock
// HH:MM:SS in range followed by the memo's fraction and tail.
func (m *isoMemo) clock(b []byte) bool {
	if !clockWord(binary.LittleEndian.Uint64(b[11:19])) {
		return false
	}
	i := 19
	if m.frac > 0 {
		if b[i] != '.' {
			return false
		}
		for _, c := range b[i+1 : i+1+m.frac] {
			if c < '0' || c > '9' {
				return false
			}
		}
		i += 1 + m.frac
	}
	return m.tail == 0 || b[i] == m.tail
}
