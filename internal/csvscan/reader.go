package csvscan

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"
)

// A ParseError is a syntax error in the input, or a record with the wrong
// number of fields. Lines and columns are 1-based; columns count bytes.
type ParseError struct {
	StartLine int   // line where the record starts
	Line      int   // line where the error occurred
	Column    int   // column (1-based byte index) where the error occurred
	Err       error // the cause: ErrQuote, ErrBareQuote or ErrFieldCount
}

func (e *ParseError) Error() string {
	if e.Err == ErrFieldCount {
		return fmt.Sprintf("csvscan: record on line %d: %v", e.Line, e.Err)
	}
	if e.StartLine != e.Line {
		return fmt.Sprintf("csvscan: record on line %d; parse error on line %d, column %d: %v", e.StartLine, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("csvscan: parse error on line %d, column %d: %v", e.Line, e.Column, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// The causes of a ParseError. They are encoding/csv's own values, so that
// errors.Is(err, csv.ErrQuote) and errors.Is(err, csvscan.ErrQuote) agree.
var (
	// ErrQuote: a quoted field whose closing quote is followed by
	// something other than Comma or a line end, or that is never closed.
	ErrQuote = csv.ErrQuote
	// ErrBareQuote: a quote inside an unquoted field.
	ErrBareQuote = csv.ErrBareQuote
	// ErrFieldCount: a record whose number of fields is not
	// FieldsPerRecord. Read returns the record along with it.
	ErrFieldCount = csv.ErrFieldCount
)

var errInvalidDelim = errors.New("csvscan: invalid field delimiter, comment or quote character")

func validDelim(r, quote rune) bool {
	return r != 0 && r != quote && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// validOptions reports whether Comma, Comment and Quote are valid together.
func (r *Reader) validOptions() bool {
	if r.Quote != 0 && (r.Quote >= utf8.RuneSelf || r.Quote == '\r' || r.Quote == '\n') {
		return false
	}
	return r.Comma != r.Comment && validDelim(r.Comma, r.Quote) && (r.Comment == 0 || validDelim(r.Comment, r.Quote))
}

// bom is the UTF-8 byte order mark, dropped at the start of the input.
const bom = "\xef\xbb\xbf"

// defaultBufSize is the initial size of the input buffer. It grows to hold
// the longest line.
const defaultBufSize = 64 << 10

// A Reader reads records from CSV text, keeping the bytes of every field
// as they are (see the package documentation).
//
// Set the option fields after NewReader and before the first Read. An
// invalid Comma or Comment makes every Read fail.
type Reader struct {
	// Comma is the field delimiter, ',' by default. It must be a valid
	// rune other than 0, Quote, '\r', '\n' and utf8.RuneError.
	Comma rune

	// Quote is the quote character, '"' by default. 0 means no quoting:
	// every byte, '"' included, is an ordinary byte of its field, and a
	// field ends at the next Comma or line end. Quote must be 0 or an
	// ASCII character other than Comma, Comment, '\r' and '\n'; doubled
	// inside a quoted field, it stands for itself.
	Quote rune

	// Comment, if not 0, starts comment lines: a line that begins with it
	// between records is skipped. It has the same constraints as Comma
	// and must differ from it.
	Comment rune

	// FieldsPerRecord is the number of fields each record must have. If
	// it is 0, Read sets it to the number of fields of the first record
	// read without error. If it is negative, records may have any number
	// of fields.
	FieldsPerRecord int

	// ReuseRecord lets Read return a slice that shares the backing array
	// of the slice the previous call returned. By default each call
	// returns a new slice. The strings are never reused.
	ReuseRecord bool

	rd      io.Reader
	buf     []byte
	pos     int   // next unread byte of buf
	end     int   // end of the buffered bytes
	lf      int   // buf[pos:lf] holds no '\n'; see findLF
	cr      int   // buf[pos:cr] holds no '\r'; see findCR
	qt      int   // buf[pos:qt] holds no qtByte; see batchLines
	qline   int   // where the line of qt starts, when it is a quote
	qtByte  byte  // the quote byte of qt
	rerr    error // error from rd, returned once buf is drained
	bufSize int   // initial size of buf
	started bool  // the BOM check is done

	numLine   int   // lines read so far
	offset    int64 // bytes read so far, as returned by readLine
	recOffset int64 // offset of the first byte of the record read last

	// The fields of the record read last. A record that scanLine splits
	// (simple) is sliced from its line, which is line recLine: field i
	// spans fieldBounds[i], which begins at its opening quote when it is
	// quoted. Otherwise parseQuoted unquotes the fields one after another
	// into recordBuffer, where field i ends at fieldIndexes[i] and begins
	// at fieldPositions[i].
	simple         bool
	recLine        int
	fieldBounds    []span
	recordBuffer   []byte
	fieldIndexes   []int
	fieldPositions []position
	lastRecord     []string
	lastBytes      [][]byte
}

type position struct {
	line, col int
}

// A span is where the bytes of a field are in a buffer: buf[start:end].
type span struct {
	start, end int
}

// NewReader returns a Reader that reads from r, through its own buffer.
func NewReader(r io.Reader) *Reader {
	return &Reader{Comma: ',', Quote: '"', rd: r, bufSize: defaultBufSize}
}

// Reset makes r read from rd from its start, as a new Reader with r's
// option fields as they are now (FieldsPerRecord included, which reading
// may have set), keeping the memory r has grown: its buffer and the
// slices of its last record, so that a Reader reused for many inputs
// allocates nothing more.
func (r *Reader) Reset(rd io.Reader) {
	*r = Reader{
		Comma: r.Comma, Quote: r.Quote, Comment: r.Comment,
		FieldsPerRecord: r.FieldsPerRecord, ReuseRecord: r.ReuseRecord,
		rd: rd, buf: r.buf, bufSize: r.bufSize,
		fieldBounds: r.fieldBounds[:0], recordBuffer: r.recordBuffer[:0],
		fieldIndexes: r.fieldIndexes[:0], fieldPositions: r.fieldPositions[:0],
		lastRecord: r.lastRecord[:0], lastBytes: r.lastBytes[:0],
	}
}

// Read reads one record, a slice of fields. It returns io.EOF, and no
// record, at the end of the input.
//
// A record with the wrong number of fields is returned along with a
// *ParseError whose cause is ErrFieldCount; Read may be called again. On
// a syntax error Read returns the fields read before it along with a
// *ParseError; the next call begins on the line after the error. An error
// reading the input is returned as it is, with no record.
func (r *Reader) Read() (record []string, err error) {
	if r.ReuseRecord {
		record, err = r.readRecord(r.lastRecord)
		r.lastRecord = record
	} else {
		record, err = r.readRecord(nil)
	}
	return record, err
}

// FieldPos returns the line and column of the first byte of the field
// with the given index in the record Read returned last: of its opening
// quote, for a quoted field. Lines and columns start at 1; columns count
// bytes. It panics if field is out of range.
func (r *Reader) FieldPos(field int) (line, column int) {
	if r.simple {
		if field < 0 || field >= len(r.fieldBounds) {
			panic("csvscan: out of range index passed to FieldPos")
		}
		return r.recLine, r.fieldBounds[field].start + 1
	}
	if field < 0 || field >= len(r.fieldPositions) {
		panic("csvscan: out of range index passed to FieldPos")
	}
	p := &r.fieldPositions[field]
	return p.line, p.col
}

// InputOffset returns the number of bytes of the input read so far: the
// offset of the end of the last record read, line end included, which is
// where the next one begins. It counts a dropped BOM.
func (r *Reader) InputOffset() int64 {
	return r.offset
}

// LinesRead returns the number of lines read so far, up to InputOffset
// (those StartAt says come before the input included): the line before
// the next record's, or before the blank lines and comments ahead of it.
func (r *Reader) LinesRead() int {
	return r.numLine
}

// RecordOffset returns the offset in the input of the first byte of the
// record Read returned last, the byte FieldPos(0) points at: past the
// blank lines and comments skipped before the record, and past a dropped
// BOM, which it counts as InputOffset does. Before the first record it is
// 0 (or StartAt's offset).
func (r *Reader) RecordOffset() int64 {
	return r.recOffset
}

// StartAt tells the Reader that its input is the rest of a longer text,
// from byte offset on, and that line lines of that text come before it:
// FieldPos and errors number lines from line+1, InputOffset and
// RecordOffset count from offset, and a BOM is dropped only when offset
// is 0, the start of the text. Call it before the first Read.
//
// It lets a caller read a byte range of a file that starts at a record:
// given a record's RecordOffset and the line before it (FieldPos(0)'s line
// minus 1) from a reading of the whole file, a Reader over the file from
// that offset, with StartAt and the same options (FieldsPerRecord set as
// the whole reading had set it), reads the same records with the same
// positions.
func (r *Reader) StartAt(line int, offset int64) {
	r.numLine = line
	r.offset = offset
	r.recOffset = offset
	r.started = offset != 0
}

// fill reads more input into buf, first moving the unread bytes to its
// start (and growing it when they fill it). It returns how far they moved.
func (r *Reader) fill() int {
	if r.buf == nil {
		r.buf = make([]byte, max(r.bufSize, 4))
	}
	d := r.pos
	if d > 0 {
		copy(r.buf, r.buf[r.pos:r.end])
		r.pos = 0
		r.end -= d
		r.lf -= d
		r.cr -= d
		r.qt -= d
		r.qline -= d
	}
	if r.end == len(r.buf) {
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for range 100 {
		n, err := r.rd.Read(r.buf[r.end:])
		if n < 0 || n > len(r.buf)-r.end {
			panic("csvscan: reader returned invalid count")
		}
		r.end += n
		if err != nil {
			r.rerr = err
			return d
		}
		if n > 0 {
			return d
		}
	}
	r.rerr = io.ErrNoProgress
	return d
}

// start drops a BOM at the start of the input.
func (r *Reader) start() {
	r.started = true
	for r.end-r.pos < len(bom) && r.rerr == nil {
		r.fill()
	}
	if bytes.HasPrefix(r.buf[r.pos:r.end], []byte(bom)) {
		r.pos += len(bom)
		r.offset += int64(len(bom))
	}
}

// findLF sets r.lf to the index of the first '\n' in buf[pos:end], or to
// end if there is none. It keeps the invariant that buf[pos:lf] holds no
// '\n', so that each byte is searched once even when lines end with CR.
func (r *Reader) findLF() {
	if r.lf < r.pos {
		r.lf = r.pos
	}
	if r.lf < r.end && r.buf[r.lf] != '\n' {
		if i := bytes.IndexByte(r.buf[r.lf:r.end], '\n'); i >= 0 {
			r.lf += i
		} else {
			r.lf = r.end
		}
	}
}

// readLine returns the next line with its line end (LF, CR LF, CR, or
// nothing at the end of the input) and the length nl of that line end.
// The line is valid until the next call. At the end of the input it
// returns no line and io.EOF, or the error reading the input.
func (r *Reader) readLine() (line []byte, nl int, err error) {
	if !r.started {
		r.start()
	}
	for {
		r.findLF()
		r.findCR()
		var i int
		switch {
		case r.cr < r.lf: // a CR ends the line, alone or before LF
			i = r.cr
			if i+1 < r.end {
				nl = 1
				if r.buf[i+1] == '\n' {
					nl = 2
				}
			} else if r.rerr != nil {
				nl = 1
			} else {
				r.fill() // a CR at the end of the buffered bytes: LF may follow
				continue
			}
		case r.lf < r.end:
			i, nl = r.lf, 1
		case r.rerr != nil:
			if r.rerr != io.EOF {
				return nil, 0, r.rerr
			}
			if r.pos == r.end {
				return nil, 0, io.EOF
			}
			i, nl = r.end, 0
		default:
			r.fill()
			continue
		}
		line = r.buf[r.pos : i+nl]
		r.pos = i + nl
		r.numLine++
		r.offset += int64(len(line))
		return line, nl, nil
	}
}

// findCR sets r.cr to the index of the first '\r' in buf[pos:end], or to
// end if there is none, keeping the invariant that buf[pos:cr] holds no
// '\r', as findLF does for '\n': each byte is searched once.
func (r *Reader) findCR() {
	if r.cr < r.pos {
		r.cr = r.pos
	}
	if r.cr < r.end && r.buf[r.cr] != '\r' {
		if i := bytes.IndexByte(r.buf[r.cr:r.end], '\r'); i >= 0 {
			r.cr += i
		} else {
			r.cr = r.end
		}
	}
}

// startsWithRune reports whether b begins with the encoding of c.
func startsWithRune(b []byte, c rune) bool {
	if c < utf8.RuneSelf {
		return len(b) > 0 && b[0] == byte(c)
	}
	rn, _ := utf8.DecodeRune(b)
	return rn == c
}

// readRecord reads the next record into dst, which it reuses if it can.
func (r *Reader) readRecord(dst []string) ([]string, error) {
	content, quote, simple, err := r.tokenize()
	if _, syntax := err.(*ParseError); err != nil && !syntax {
		return nil, err
	}
	if simple {
		// The usual case: a record of one line whose quoted fields hold
		// no quote and no line end. Its fields are sliced from one
		// string of the line.
		str := string(content)
		dst = sized(dst, len(r.fieldBounds))
		for i, f := range r.fieldBounds {
			begin, end := f.start, f.end
			if begin < end && r.Quote != 0 && str[begin] == quote {
				begin++ // a quoted field
			}
			dst[i] = str[begin:end]
		}
	} else {
		str := string(r.recordBuffer)
		dst = sized(dst, len(r.fieldIndexes))
		pre := 0
		for i, end := range r.fieldIndexes {
			dst[i] = str[pre:end]
			pre = end
		}
	}
	return dst, r.checkCount(len(dst), err)
}

// ReadBytes reads one record as Read does, without making strings: its
// fields are slices of the Reader's own buffers, and the slice holding
// them is reused. Both are valid until the next call to Read or
// ReadBytes; copy what must last longer. Once its buffers have grown to
// the longest record, ReadBytes allocates nothing. It returns the same
// errors as Read, and io.EOF with no record at the end of the input.
func (r *Reader) ReadBytes() (record [][]byte, err error) {
	content, quote, simple, err := r.tokenize()
	if _, syntax := err.(*ParseError); err != nil && !syntax {
		return nil, err
	}
	dst := r.lastBytes[:0]
	if simple {
		for _, f := range r.fieldBounds {
			begin, end := f.start, f.end
			if begin < end && r.Quote != 0 && content[begin] == quote {
				begin++ // a quoted field
			}
			dst = append(dst, content[begin:end:end])
		}
	} else {
		pre := 0
		for _, end := range r.fieldIndexes {
			dst = append(dst, r.recordBuffer[pre:end:end])
			pre = end
		}
	}
	r.lastBytes = dst
	return dst, r.checkCount(len(dst), err)
}

// checkCount returns err, or, when there is none, the ErrFieldCount of a
// record of n fields that FieldsPerRecord does not allow (setting it from
// the first record when it is 0).
func (r *Reader) checkCount(n int, err error) error {
	if err != nil {
		return err
	}
	if r.FieldsPerRecord > 0 {
		if n != r.FieldsPerRecord {
			return &ParseError{StartLine: r.recLine, Line: r.recLine, Column: 1, Err: ErrFieldCount}
		}
	} else if r.FieldsPerRecord == 0 {
		r.FieldsPerRecord = n
	}
	return nil
}

// tokenize reads the next record and finds its fields. When simple, the
// record is the line content, field i spanning fieldBounds[i] in it (one
// byte further on when it begins with quote); otherwise the fields are
// unquoted one after another in recordBuffer, field i ending at
// fieldIndexes[i]. quote is the byte that quotes, or the comma without
// quoting. An error that is not a *ParseError (reading the
// input failed, or the end of the input) comes with nothing else; a
// *ParseError comes with the fields read before it.
func (r *Reader) tokenize() (content []byte, quote byte, simple bool, err error) {
	if !r.validOptions() {
		return nil, 0, false, errInvalidDelim
	}
	line, nl, err := r.readRecordLine()
	if err != nil {
		return nil, 0, false, err
	}
	return r.splitRecord(line, nl)
}

// readRecordLine reads the first line of the next record, skipping blank
// lines and comments, and sets recOffset and recLine. line and nl are
// those of readLine.
func (r *Reader) readRecordLine() (line []byte, nl int, err error) {
	for {
		line, nl, err = r.readLine()
		if err != nil {
			return nil, 0, err
		}
		if len(line) == nl {
			continue // blank line
		}
		if r.Comment != 0 && startsWithRune(line, r.Comment) {
			continue
		}
		r.recOffset = r.offset - int64(len(line))
		r.recLine = r.numLine
		return line, nl, nil
	}
}

// commaQuote returns the encoding of Comma and the byte that quotes: Quote,
// or without quoting the comma's first byte, which the scans find as a
// comma first.
func (r *Reader) commaQuote() (comma [utf8.UTFMax]byte, commaLen int, quote byte) {
	commaLen = 1
	if r.Comma < utf8.RuneSelf {
		comma[0] = byte(r.Comma)
	} else {
		commaLen = utf8.EncodeRune(comma[:], r.Comma)
	}
	quote = byte(r.Quote)
	if r.Quote == 0 {
		quote = comma[0]
	}
	return comma, commaLen, quote
}

// splitRecord finds the fields of the record whose first line readRecordLine
// returned, as tokenize does.
func (r *Reader) splitRecord(line []byte, nl int) (content []byte, quote byte, simple bool, err error) {
	comma, commaLen, quote := r.commaQuote()
	content = line[:len(line)-nl]
	var start int
	if commaLen == 1 {
		r.fieldBounds, simple, start = scanLine(r.fieldBounds[:0], content, comma[0], quote, 0, 0)
	} else {
		simple = r.scanLineRune(content, comma[:commaLen])
	}
	r.simple = simple
	if simple {
		return content, quote, true, nil
	}
	r.recordBuffer = r.recordBuffer[:0]
	err = r.parseQuoted(content, start, line[len(content):], comma[:commaLen], quote, r.fieldBounds, 0, 0)
	if err != nil {
		if _, ok := err.(*ParseError); !ok {
			return nil, 0, false, err // reading the input failed
		}
	}
	return nil, quote, false, err
}

const (
	lsb  = 0x0101010101010101
	low7 = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes returns x with bit 7 of each byte set when that byte of x is
// zero and every other bit clear.
func zeroBytes(x uint64) uint64 {
	return ^((x&low7 + low7) | x | low7)
}

// scanLine splits content, a line without its line end, into fields at
// the one-byte comma when the line is a whole record whose quoted fields
// hold neither a quote nor a line end (quote is the comma itself when
// there is no quoting). It appends to bounds the span of each field plus
// base, which begins at its opening quote when it is quoted (past it when
// skip is 1), and reports true. Otherwise it reports false, with the spans
// of the fields before the one it stopped at, which begins at
// content[start:], for parseQuoted to go on from.
func scanLine(bounds []span, content []byte, comma, quote byte, base, skip int) (_ []span, ok bool, start int) {
	if quote == comma || bytes.IndexByte(content, quote) < 0 {
		return splitCommas(bounds, content, comma, base), true, 0
	}
	cpat := uint64(comma) * lsb
	qpat := uint64(quote) * lsb
	n := len(content)
	// The stops (commas and quotes) of the eight bytes from pos, as bit 7
	// of their byte in m, those before the scan point cleared: a word is
	// loaded once for all the fields that end in it.
	pos, m := 0, uint64(0)
	loaded := false
	for {
		if start < n && content[start] == quote && quote != comma {
			j := bytes.IndexByte(content[start+1:], quote)
			if j < 0 {
				return bounds, false, start // a line end inside quotes, or no closing quote
			}
			end := start + 1 + j
			if end+1 < n && content[end+1] != comma {
				return bounds, false, start // "" inside the field, or a syntax error
			}
			bounds = append(bounds, span{base + start + skip, base + end})
			if end+1 == n {
				return bounds, true, 0
			}
			start = end + 2
			loaded = false
			continue
		}
		// An unquoted field ends at the next comma; a quote in it is an
		// error.
		if loaded && start < pos+8 {
			m &^= 1<<(8*uint(start-pos)) - 1
		} else {
			pos, m = start, stopsAt(content, start, cpat, qpat)
			loaded = true
		}
		for m == 0 && pos+8 < n {
			pos += 8
			m = stopsAt(content, pos, cpat, qpat)
		}
		k := n
		if m != 0 {
			k = pos + bits.TrailingZeros64(m)>>3
		}
		if k < n && content[k] != comma {
			return bounds, false, start // a bare quote
		}
		bounds = append(bounds, span{base + start, base + k})
		if k == n {
			return bounds, true, 0
		}
		start = k + 1
	}
}

// splitCommas is scanLine for a line without quotes: it appends the spans
// of the fields between the commas, eight bytes at a time, all the commas
// of a word taken in one loop.
func splitCommas(bounds []span, content []byte, comma byte, base int) []span {
	cpat := uint64(comma) * lsb
	n := len(content)
	start := base
	for pos := 0; pos < n; pos += 8 {
		var m uint64
		if pos+8 <= cap(content) {
			w := binary.LittleEndian.Uint64(content[pos : pos+8 : pos+8])
			m = zeroBytes(w ^ cpat)
			if n-pos < 8 {
				m &= 1<<(8*uint(n-pos)) - 1
			}
		} else {
			m = stopsAt(content, pos, cpat, cpat)
		}
		for m != 0 {
			k := base + pos + bits.TrailingZeros64(m)>>3
			bounds = append(bounds, span{start, k})
			start = k + 1
			m &= m - 1
		}
	}
	return append(bounds, span{start, base + n})
}

// stopsAt returns the stops (comma or quote bytes, given as patterns) of
// b[pos:pos+8] within len(b), as bit 7 of their byte: eight bytes read at
// once when b's capacity allows, reading past len(b) (buffered input,
// ignored).
func stopsAt(b []byte, pos int, cpat, qpat uint64) uint64 {
	n := len(b)
	if pos+8 > cap(b) {
		var m uint64
		for i := 0; i < 8 && pos+i < n; i++ {
			if c := b[pos+i]; c == byte(cpat) || c == byte(qpat) {
				m |= 0x80 << (8 * uint(i))
			}
		}
		return m
	}
	w := binary.LittleEndian.Uint64(b[pos : pos+8 : pos+8])
	m := zeroBytes(w^cpat) | zeroBytes(w^qpat)
	if n-pos < 8 {
		m &= 1<<(8*uint(n-pos)) - 1
	}
	return m
}

// indexStop returns the index in b of the first comma or quote, or len(b)
// if there is none: the end of an unquoted field. It looks eight bytes at
// a time, which costs less than bytes.IndexByte on short fields, reading
// past len(b) up to cap(b) (buffered input, ignored).
func indexStop(b []byte, comma, quote byte) int {
	cpat := uint64(comma) * lsb
	qpat := uint64(quote) * lsb
	n := len(b)
	for pos := 0; pos < n; {
		if pos+8 > cap(b) {
			if c := b[pos]; c == comma || c == quote {
				return pos
			}
			pos++
			continue
		}
		w := binary.LittleEndian.Uint64(b[pos : pos+8])
		m := zeroBytes(w^cpat) | zeroBytes(w^qpat)
		if n-pos < 8 {
			m &= 1<<(8*(n-pos)) - 1
		}
		if m != 0 {
			return pos + bits.TrailingZeros64(m)>>3
		}
		pos += 8
	}
	return n
}

// scanLineRune is scanLine for a comma of several bytes, and only for
// lines without quotes (any line, without quoting). It sets fieldBounds.
func (r *Reader) scanLineRune(content, comma []byte) bool {
	fb := r.fieldBounds[:0]
	if r.Quote != 0 && bytes.IndexByte(content, byte(r.Quote)) >= 0 {
		r.fieldBounds = fb
		return false
	}
	start := 0
	for {
		i := bytes.Index(content[start:], comma)
		if i < 0 {
			r.fieldBounds = append(fb, span{start, len(content)})
			return true
		}
		fb = append(fb, span{start, start + i})
		start += i + len(comma)
	}
}

// sized returns dst resized to n strings, reusing its array if it can.
func sized(dst []string, n int) []string {
	if cap(dst) < n {
		return make([]string, n)
	}
	return dst[:n]
}

// parseQuoted reads a record that scanLine could not split: content is
// its first line without the line end term, and the fields that scanLine
// found before content[start:], given as the spans it appended, with the
// base and skip it was given, are kept. It appends the fields to
// recordBuffer, unquoted, and sets fieldIndexes to their ends in it and
// fieldPositions to their positions, reading further lines while a quoted
// field goes on. It returns a *ParseError, or the error reading the input.
func (r *Reader) parseQuoted(content []byte, start int, term, comma []byte, quote byte, bounds []span, base, skip int) error {
	recLine := r.numLine
	r.simple = false
	r.fieldIndexes = r.fieldIndexes[:0]
	r.fieldPositions = r.fieldPositions[:0]
	for _, f := range bounds {
		s, end := f.start-base, f.end-base
		col := s + 1
		if r.Quote != 0 {
			if skip == 0 && s < end && content[s] == quote {
				s++ // a quoted field
			} else if skip == 1 && s > 0 && content[s-1] == quote {
				col-- // a quoted field: an unquoted one follows a comma
			}
		}
		r.fieldPositions = append(r.fieldPositions, position{recLine, col})
		r.recordBuffer = append(r.recordBuffer, content[s:end]...)
		r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
	}
	content = content[start:]
	pos := position{line: r.numLine, col: start + 1}
	for {
		if len(content) == 0 || r.Quote == 0 || content[0] != quote {
			// An unquoted field: a quote in it is an error.
			var i int
			field := content
			if len(comma) == 1 {
				i = indexStop(content, comma[0], quote)
				if i < len(content) && content[i] != comma[0] {
					return &ParseError{StartLine: recLine, Line: pos.line, Column: pos.col + i, Err: ErrBareQuote}
				}
				field = content[:i]
				if i == len(content) {
					i = -1
				}
			} else {
				if i = bytes.Index(content, comma); i >= 0 {
					field = content[:i]
				}
				if j := bytes.IndexByte(field, quote); j >= 0 && r.Quote != 0 {
					return &ParseError{StartLine: recLine, Line: pos.line, Column: pos.col + j, Err: ErrBareQuote}
				}
			}
			r.recordBuffer = append(r.recordBuffer, field...)
			r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
			r.fieldPositions = append(r.fieldPositions, pos)
			if i < 0 {
				return nil
			}
			content = content[i+len(comma):]
			pos.col += i + len(comma)
			continue
		}

		// A quoted field.
		fieldPos := pos
		content = content[1:]
		pos.col++
		for {
			i := bytes.IndexByte(content, quote)
			if i < 0 {
				// The field goes on past the line end, which is part
				// of it as it is.
				r.recordBuffer = append(r.recordBuffer, content...)
				pos.col += len(content)
				if len(term) == 0 {
					return &ParseError{StartLine: recLine, Line: pos.line, Column: pos.col, Err: ErrQuote}
				}
				r.recordBuffer = append(r.recordBuffer, term...)
				line, nl, err := r.readLine()
				pos.line++
				pos.col = 1
				if err == io.EOF {
					return &ParseError{StartLine: recLine, Line: pos.line, Column: pos.col, Err: ErrQuote}
				}
				if err != nil {
					return err
				}
				content, term = line[:len(line)-nl], line[len(line)-nl:]
				continue
			}
			r.recordBuffer = append(r.recordBuffer, content[:i]...)
			content = content[i+1:]
			pos.col += i + 1
			switch {
			case len(content) > 0 && content[0] == quote:
				// A doubled quote stands for one.
				r.recordBuffer = append(r.recordBuffer, quote)
				content = content[1:]
				pos.col++
				continue
			case bytes.HasPrefix(content, comma):
				r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
				r.fieldPositions = append(r.fieldPositions, fieldPos)
				content = content[len(comma):]
				pos.col += len(comma)
			case len(content) == 0:
				r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
				r.fieldPositions = append(r.fieldPositions, fieldPos)
				return nil
			default:
				return &ParseError{StartLine: recLine, Line: pos.line, Column: pos.col - 1, Err: ErrQuote}
			}
			break
		}
	}
}
