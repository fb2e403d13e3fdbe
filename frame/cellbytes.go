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
	comma bool    // numbers have a decimal comma
	iso   isoMemo // the last ISO 8601 timestamp of the column
	text  []byte  // the last text cell classifyFull read, when short
}

// observe adds one cell to the column's statistics, as Stats.observeIn
// does for a string.
func (ci *colInfer) observe(cell []byte, line int64) {
	st := ci.st
	if len(cell) == 0 {
		st.Cells[CellEmpty]++
		return
	}
	if m := &ci.iso; len(cell) == m.n && [11]byte(cell[:11]) == m.date && m.clock(cell) {
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
	if ci.text != nil && bytes.Equal(cell, ci.text) {
		// A code or flag repeating: text again.
		st.Cells[CellText]++
		return
	}
	k, nan, mask, frac := classifyFull(view(cell), ci.comma)
	if k == CellText && len(cell) <= 32 {
		ci.text = append(ci.text[:0], cell...)
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
		if len(cell) > 0 && ints+floats > 0 {
			k, v := scanNumber(cell, sep)
			if k == CellInt && ints > 0 {
				ints++
				lo, hi = min(lo, v), max(hi, v)
				continue
			}
			if k == CellFloat && floats > 0 {
				floats++
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
	n    int      // the length of the cells it matches; 0: none
	date [11]byte // the date and the separator after it
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
	if len(b) == m.n && [11]byte(b[:11]) == m.date && m.clock(b) {
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
			m.n, m.date, m.mask, m.frac, m.tail = len(b), [11]byte(b[:11]), mask, frac, 0
			if tail == 1 {
				m.tail = 'Z'
			}
		}
	}
	return mask, frac, true
}

// clock reports whether b, of the memo's length and date, holds a clock
// HH:MM:SS in range followed by the memo's fraction and tail.
func (m *isoMemo) clock(b []byte) bool {
	// HH:MM:SS, 8 bytes read at once: six digits and two colons.
	const (
		zeros  = 0x3030_3a30_303a_3030 // "00:00:00", little-endian
		digits = 0xffff_00ff_ff00_ffff // the digits' bytes
	)
	x := binary.LittleEndian.Uint64(b[11:19])
	if x&^digits != zeros&^digits || // the colons
		x&(0xf0f0_f0f0_f0f0_f0f0&digits) != zeros&(0xf0f0_f0f0_f0f0_f0f0&digits) || // 0x30 to 0x3f
		((x&0x0f0f_0f0f_0f0f_0f0f&digits)+0x0606_0606_0606_0606&digits)&0xf0f0_f0f0_f0f0_f0f0 != 0 { // ... to '9'
		return false
	}
	d := x & 0x0f0f_0f0f_0f0f_0f0f & digits
	two := func(shift uint) uint64 { return (d>>shift&0xff)*10 + (d >> (shift + 8) & 0xff) }
	if two(0) > 23 || two(24) > 59 || two(48) > 59 {
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
