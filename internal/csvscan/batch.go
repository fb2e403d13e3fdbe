package csvscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"unicode/utf8"
)

// A Batch holds records read by ReadBatch, all with the same number of
// fields: the bytes of their fields in one buffer, and where each field
// is in it. The zero value is ready to use. Each ReadBatch replaces what
// the Batch held and reuses its memory: what Cell returns is valid until
// the next ReadBatch with the Batch.
type Batch struct {
	data   []byte     // the fields' bytes, often in their lines, as they were in the input
	cells  []span     // field f of record r is data[cells[r*fields+f]]
	starts []recStart // where each record starts
	fields int        // the number of fields of each record
}

// recStart is where a record starts: its line and its offset in the input.
type recStart struct {
	line   int
	offset int64
}

// Len returns the number of records in the batch.
func (b *Batch) Len() int { return len(b.starts) }

// Fields returns the number of fields of each record of the batch (0 when
// it holds none).
func (b *Batch) Fields() int { return b.fields }

// Cell returns field field of record rec: the bytes ReadBytes would have
// returned for it, unquoted. It is valid until the next ReadBatch with b,
// and shares its memory with the other cells: do not append to it or
// modify it. It panics if rec or field is out of range.
func (b *Batch) Cell(rec, field int) []byte {
	if uint(field) >= uint(b.fields) {
		panic("csvscan: out of range field passed to Batch.Cell")
	}
	c := b.cells[rec*b.fields+field]
	return b.data[c.start:c.end:c.end]
}

// Line returns the line record rec starts on: the line of FieldPos(0)
// after ReadBytes reads it.
func (b *Batch) Line(rec int) int { return b.starts[rec].line }

// Offset returns the offset in the input of record rec: its RecordOffset.
func (b *Batch) Offset(rec int) int64 { return b.starts[rec].offset }

// errBatchFields is ReadBatch's error when FieldsPerRecord is negative.
var errBatchFields = errors.New("csvscan: ReadBatch needs records of one length: FieldsPerRecord >= 0")

// ReadBatch reads up to max records into b, replacing what it held, as max
// calls of ReadBytes would: it stops early at the end of the input or at
// an error. It returns nil when it has read a record, and io.EOF, with b
// empty, at the end of the input. A max below 1 reads nothing.
//
// On an error (a *ParseError, ErrFieldCount included, or an error reading
// the input) b holds the records read before it and ReadBatch returns the
// error. Unlike ReadBytes, it leaves out the record that failed, even a
// record with the wrong number of fields. Reading may go on after a
// *ParseError, with the next record, as after ReadBytes.
//
// ReadBatch needs records of one length: FieldsPerRecord >= 0. With
// FieldsPerRecord 0, it sets it from the first record, as Read does; with
// a negative FieldsPerRecord it reads nothing and returns an error.
//
// After ReadBatch, InputOffset, LinesRead and RecordOffset are what they
// are after the ReadBytes calls it stands for: when it stops at the end of
// the input, those calls include the one that returns io.EOF, so that
// InputOffset is the size of the input. FieldPos(0) gives the line of the
// last record read (the one that failed, after an error) and column 1;
// FieldPos of the other fields is valid only after a *ParseError.
func (r *Reader) ReadBatch(b *Batch, max int) error {
	b.data = b.data[:0]
	b.cells = b.cells[:0]
	b.starts = b.starts[:0]
	b.fields = 0
	if !r.validOptions() {
		return errInvalidDelim
	}
	if r.FieldsPerRecord < 0 {
		return errBatchFields
	}
	if !r.started {
		r.start()
	}
	comma, commaLen, quote := r.commaQuote()
	for len(b.starts) < max {
		var p pendingLine
		if commaLen == 1 {
			// Most records, straight from the input buffer.
			if p = r.batchLines(b, max, comma[0], quote); len(b.starts) == max {
				break
			}
		}
		// The next record, as ReadBytes reads it.
		line, nl := p.line, p.nl
		if line == nil {
			var err error
			if line, nl, err = r.readRecordLine(); err != nil {
				if err == io.EOF && len(b.starts) > 0 {
					err = nil
				}
				r.lastBatchRecord(b)
				return err
			}
		}
		if commaLen == 1 {
			if done, err := r.appendLine(b, line, nl, p, comma[0], quote); done || err != nil {
				if err != nil {
					return err
				}
				continue
			}
		}
		content, q, simple, err := r.splitRecord(line, nl)
		if _, syntax := err.(*ParseError); err != nil && !syntax {
			return err // reading the input failed
		}
		n := len(r.fieldIndexes)
		if simple {
			n = len(r.fieldBounds)
		}
		if err := r.checkCount(n, err); err != nil {
			return err
		}
		b.appendRecord(r, content, q, simple)
	}
	r.lastBatchRecord(b)
	return nil
}

// appendLine appends to b the record whose first line readRecordLine (or
// batchLines, as p) has read, for a one-byte comma, as ReadBytes reads it,
// and reports true; or it returns the error that ReadBytes returns. It
// reports false, for splitRecord to read the line again, when the line is
// a record of the wrong number of fields.
func (r *Reader) appendLine(b *Batch, line []byte, nl int, p pendingLine, comma, quote byte) (bool, error) {
	content := line[:len(line)-nl]
	mark, base, start := len(b.cells), len(b.data), p.start
	if p.line == nil {
		var simple bool
		if b.cells, simple, start = scanLine(b.cells, content, comma, quote, base, 1); simple {
			// The fields are slices of the line, appended whole.
			n := len(b.cells) - mark
			if r.FieldsPerRecord == 0 {
				r.FieldsPerRecord = n
			}
			if n != r.FieldsPerRecord {
				b.cells = b.cells[:mark]
				return false, nil
			}
			b.data = append(b.data, content...)
			b.starts = append(b.starts, recStart{r.recLine, r.recOffset})
			b.fields = n
			return true, nil
		}
	} else {
		mark = p.mark // batchLines has run scanLine
	}
	// Go on where scanLine stopped, as splitRecord does, but unquoting the
	// fields straight into b.data.
	rb := r.recordBuffer
	r.recordBuffer = b.data
	err := r.parseQuoted(content, start, line[len(content):], []byte{comma}, quote, b.cells[mark:], base, 1)
	data := r.recordBuffer
	r.recordBuffer = rb
	b.data = data[:base]
	b.cells = b.cells[:mark]
	if _, syntax := err.(*ParseError); err != nil && !syntax {
		return false, err // reading the input failed
	}
	if err := r.checkCount(len(r.fieldIndexes), err); err != nil {
		return false, err
	}
	b.data = data
	pre := base
	for _, end := range r.fieldIndexes {
		b.cells = append(b.cells, span{pre, end})
		pre = end
	}
	b.starts = append(b.starts, recStart{r.recLine, r.recOffset})
	b.fields = r.FieldsPerRecord
	return true, nil
}

// appendRecord appends to b the record that splitRecord has read, as
// ReadBytes returns it.
func (b *Batch) appendRecord(r *Reader, content []byte, quote byte, simple bool) {
	if simple {
		for _, f := range r.fieldBounds {
			begin, end := f.start, f.end
			if begin < end && r.Quote != 0 && content[begin] == quote {
				begin++ // a quoted field
			}
			b.cells = append(b.cells, span{len(b.data), len(b.data) + end - begin})
			b.data = append(b.data, content[begin:end]...)
		}
	} else {
		base, pre := len(b.data), 0
		for _, end := range r.fieldIndexes {
			b.cells = append(b.cells, span{base + pre, base + end})
			pre = end
		}
		b.data = append(b.data, r.recordBuffer...)
	}
	b.starts = append(b.starts, recStart{r.recLine, r.recOffset})
	b.fields = r.FieldsPerRecord
}

// lastBatchRecord makes FieldPos(0) give the line of the last record of
// b, column 1, as after ReadBytes read it, when b holds a record.
func (r *Reader) lastBatchRecord(b *Batch) {
	if n := len(b.starts); n > 0 {
		r.simple = true
		r.recLine = b.starts[n-1].line
		r.fieldBounds = append(r.fieldBounds[:0], span{0, 0})
	}
}

// A pendingLine is the first line of a record, read as readRecordLine
// reads it, that scanLine did not split: it stopped at content[start:],
// after appending the spans of the fields before it to b.cells[mark:].
type pendingLine struct {
	line  []byte // nil when there is none
	nl    int
	start int
	mark  int
}

// batchLines appends to b, until it holds limit records, the records that
// it can split by itself from the lines buffered from r.pos on, consuming
// them and the blank lines and comments between them as readRecordLine
// and splitRecord would: lines that end with LF or CR LF and hold no
// other CR, split at each comma (by scanLine when they hold a quote) into
// FieldsPerRecord fields. It stops before any other line, before a line
// that is not wholly buffered, and at once when FieldsPerRecord is 0. It
// returns the line after them, read, when scanLine stopped in it.
//
// It finds the lines that hold a quote or a CR from the first of each in
// the buffer (qt and cr), found once for many lines, and keeps qt in r.qt
// as r.cr keeps cr.
func (r *Reader) batchLines(b *Batch, limit int, comma, quote byte) (p pendingLine) {
	fields := r.FieldsPerRecord
	if fields <= 0 {
		return p
	}
	buf, end := r.buf, r.end
	start := r.pos
	ls := start                  // the first byte of the current line
	delta := len(b.data) - start // buf[i] is copied to b.data[i+delta]
	cells := b.cells
	rec := len(cells) // the cells of the current line begin at cells[rec]
	line := r.numLine // the lines consumed
	recOff := r.recOffset
	found := false // a record

	r.findCR()
	cr := r.cr // the first CR from ls on, or end
	// qline is the start of the line that holds qt, the first quote from
	// ls on: past end when there is none, or no quoting.
	qline, qt := end+1, end
	if r.Quote != 0 {
		if r.qt < r.pos || r.qtByte != quote {
			r.qt, r.qline, r.qtByte = r.pos, r.pos, quote
		}
		switch qt = r.qt; {
		case qt < end && buf[qt] == quote && r.qline <= qt:
			qline = max(r.qline, ls) // found before
		case qt < end:
			if qt = nextByte(buf, qt, end, quote); qt < end {
				qline = lineStart(buf, ls, qt)
			}
		}
	}
	var c0 byte // the comment's first byte, when there is a comment
	if r.Comment != 0 {
		var c [utf8.UTFMax]byte
		utf8.EncodeRune(c[:], r.Comment)
		c0 = c[0]
	}

	cpat := uint64(comma) * lsb
	for ls < end && len(b.starts) < limit {
		comment := c0 != 0 && buf[ls] == c0 && startsWithRune(buf[ls:end], r.Comment)
		var k int // the LF that ends the line
		if comment || ls == qline {
			// Skipped, or split by scanLine below.
			if k = bytes.IndexByte(buf[ls:end], '\n'); k < 0 {
				break
			}
			k += ls
		} else {
			if cap(cells)-rec < fields {
				cells = append(cells[:rec], make([]span, fields)...)
			}
			var n int
			if n, k = splitToLF(cells[rec:rec+fields], buf[:end], ls, cpat, delta); k < 0 {
				break // no LF, or too many fields
			}
			cells = cells[:rec+n]
		}
		ce := k // the end of the line's content
		if cr < k {
			if cr != k-1 {
				break // a lone CR ends the line, or is in a quoted field
			}
			ce = k - 1
			if len(cells) > rec {
				cells[len(cells)-1].end-- // the last field ends at the CR
			}
		}
		if !comment && ce > ls {
			if ls == qline {
				var ok bool
				var st int
				if cells, ok, st = scanLine(cells[:rec], buf[ls:ce], comma, quote, ls+delta, 1); !ok {
					// Not one line, "", or a syntax error: ReadBatch goes
					// on where scanLine stopped.
					p = pendingLine{buf[ls : k+1], k + 1 - ce, st, rec}
					break
				}
			}
			if len(cells)-rec != fields {
				break // the wrong number of fields
			}
			recOff = r.offset + int64(ls-start)
			found = true
			b.starts = append(b.starts, recStart{line + 1, recOff})
			rec = len(cells)
		}
		// The line is read: a record, a blank line or a comment.
		cells = cells[:rec]
		line++
		ls = k + 1
		if cr < ls {
			cr = nextByte(buf, ls, end, '\r')
		}
		if qt < ls {
			qt = nextByte(buf, ls, end, quote)
			qline = end + 1
			if qt < end {
				qline = lineStart(buf, ls, qt)
			}
		}
	}
	b.cells = cells[:rec]
	b.data = append(b.data, buf[start:ls]...)
	r.offset += int64(ls - start)
	r.numLine = line
	r.pos = ls
	r.cr = cr
	if r.Quote != 0 {
		r.qt, r.qline = qt, qline
	}
	if found {
		r.recOffset = recOff
		b.fields = fields
	}
	if p.line != nil {
		b.cells = cells
		n := len(p.line)
		r.pos += n
		r.numLine++
		r.offset += int64(n)
		r.recOffset = r.offset - int64(n)
		r.recLine = r.numLine
	}
	return p
}

// fieldEnds writes into dst, from dst[n], the span of a field ending at
// base plus the byte index of each marker byte of m (zeroBytes), the first
// starting at fs, and returns the new n and fs; false when dst is full.
func fieldEnds(dst []span, n, fs int, m uint64, base int) (int, int, bool) {
	for ; m != 0; m &= m - 1 {
		k := base + bits.TrailingZeros64(m)>>3
		if n >= len(dst) {
			return n, fs, false
		}
		dst[n] = span{fs, k}
		n++
		fs = k + 1
	}
	return n, fs, true
}

// splitToLF splits the line that begins at buf[from] at each comma (cpat
// is the comma in every byte), eight or sixteen bytes at a time: it writes
// into dst the span of each field plus delta, the last one ending at the
// LF that ends the line, and returns how many it wrote and the index of
// that LF. It returns -1 for the LF when there is none in buf, or when the
// line has more than len(dst) fields. It reads buf up to its capacity,
// past its length.
func splitToLF(dst []span, buf []byte, from int, cpat uint64, delta int) (n, lf int) {
	const lfpat = '\n' * lsb
	fs := from + delta // the start of the next field
	p := from
	// Sixteen bytes without LF at a time.
	for ; p+16 <= len(buf); p += 16 {
		w0 := binary.LittleEndian.Uint64(buf[p : p+8 : p+8])
		w1 := binary.LittleEndian.Uint64(buf[p+8 : p+16 : p+16])
		if zeroBytes(w0^lfpat)|zeroBytes(w1^lfpat) != 0 {
			break
		}
		var ok bool
		if n, fs, ok = fieldEnds(dst, n, fs, zeroBytes(w0^cpat), p+delta); !ok {
			return n, -1
		}
		if n, fs, ok = fieldEnds(dst, n, fs, zeroBytes(w1^cpat), p+8+delta); !ok {
			return n, -1
		}
	}
	// Then eight, up to the LF.
	for ; p < len(buf); p += 8 {
		var w uint64
		if p+8 <= cap(buf) {
			w = binary.LittleEndian.Uint64(buf[p : p+8 : p+8])
		} else {
			for i := len(buf) - 1; i >= p; i-- {
				w = w<<8 | uint64(buf[i])
			}
		}
		mc := zeroBytes(w ^ cpat)
		ml := zeroBytes(w ^ lfpat)
		if len(buf)-p < 8 {
			mc &= 1<<(8*uint(len(buf)-p)) - 1
			ml &= 1<<(8*uint(len(buf)-p)) - 1
		}
		if ml != 0 {
			t := uint(bits.TrailingZeros64(ml))
			mc = mc&(1<<t-1) | 1<<t // the commas before the LF, and the LF
			lf = p + int(t>>3)
		}
		var ok bool
		if n, fs, ok = fieldEnds(dst, n, fs, mc, p+delta); !ok {
			return n, -1
		}
		if ml != 0 {
			return n, lf
		}
	}
	return n, -1
}

// lineStart returns the start of the line (ended by LF) that holds
// buf[i], looking back no further than from, a line start.
func lineStart(buf []byte, from, i int) int {
	j := bytes.IndexByte(buf[from:i], '\n')
	if j < 0 {
		return from // often: the quotes of a quoted file are on every line
	}
	return bytes.LastIndexByte(buf[from+j:i], '\n') + from + j + 1
}

// nextByte returns the index of the first c in buf[from:end], or end.
func nextByte(buf []byte, from, end int, c byte) int {
	if i := bytes.IndexByte(buf[from:end], c); i >= 0 {
		return from + i
	}
	return end
}
