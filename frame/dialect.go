package frame

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/influxframe/influxframe/internal/csvscan"
)

// Dialect is how a CSV input is written: what separates its fields, what
// quotes them, how its numbers write the decimal point, and whether its
// first record names the columns. A CSVReader sniffs what CSVOptions does
// not give (see CSVOptions) and says, with Dialect, what it used.
//
// Its JSON form, in reports and schema contracts, names each character:
//
//	{"delimiter": ";", "quote": "\"", "decimal": ",", "header": true, "sniffed": true}
//
// with "none" for no quoting. Reading it, a field left out is its default
// (',', '"', '.', a header), and "tab" is accepted for "\t".
type Dialect struct {
	// Delimiter separates fields: ',', ';', '\t', '|' or any other
	// character.
	Delimiter rune
	// Quote quotes fields: the double or the single quote, or 0 when
	// fields are not quoted (every byte, quotes included, is then part
	// of its field).
	Quote rune
	// Decimal is the decimal separator of numbers: '.', or ',' as
	// spreadsheets export numbers in much of Europe ("1,5" in a file
	// separated by ';'). With ',' a number has no thousands separator
	// ("1.234,5" is text) and a cell such as "1.5" is text too.
	Decimal rune
	// Header says that the first record names the columns. Without one
	// the columns are named column0, column1, ... and the first record
	// is data.
	Header bool
	// Sniffed says that some of the above was sniffed from the input
	// rather than given.
	Sniffed bool
}

// DefaultDialect is RFC 4180's: comma-separated, double-quoted, decimal
// points, a header row.
var DefaultDialect = Dialect{Delimiter: ',', Quote: '"', Decimal: '.', Header: true}

// IsDefault reports whether d is DefaultDialect, sniffed or not.
func (d Dialect) IsDefault() bool {
	d.Sniffed = false
	return d == DefaultDialect
}

// String describes d in a few words: `delimiter ";", quote "\"", decimal
// ",", header (sniffed)`.
func (d Dialect) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "delimiter %s, quote %s, decimal %s, ", charName(d.Delimiter), charName(d.Quote), charName(d.Decimal))
	if d.Header {
		b.WriteString("header")
	} else {
		b.WriteString("no header")
	}
	if d.Sniffed {
		b.WriteString(" (sniffed)")
	}
	return b.String()
}

// Differences describes, in String's words, what d does not share with
// DefaultDialect: "delimiter \";\"", "decimal \",\"", "no header". Sniffed
// is not compared.
func (d Dialect) Differences() []string {
	var parts []string
	def := DefaultDialect
	if d.Delimiter != def.Delimiter {
		parts = append(parts, "delimiter "+charName(d.Delimiter))
	}
	if d.Quote != def.Quote {
		parts = append(parts, "quote "+charName(d.Quote))
	}
	if d.Decimal != def.Decimal {
		parts = append(parts, "decimal "+charName(d.Decimal))
	}
	if d.Header != def.Header {
		h := "no header"
		if d.Header {
			h = "header"
		}
		parts = append(parts, h)
	}
	return parts
}

// charName names a dialect character for people: tab, none, or quoted.
func charName(r rune) string {
	switch r {
	case '\t':
		return "tab"
	case 0:
		return "none"
	}
	return strconv.QuoteRune(r)
}

// dialectJSON is Dialect's JSON form.
type dialectJSON struct {
	Delimiter string `json:"delimiter"`
	Quote     string `json:"quote"`
	Decimal   string `json:"decimal"`
	Header    *bool  `json:"header"`
	Sniffed   bool   `json:"sniffed,omitempty"`
}

// MarshalJSON writes d's JSON form (see Dialect).
func (d Dialect) MarshalJSON() ([]byte, error) {
	q := "none"
	if d.Quote != 0 {
		q = string(d.Quote)
	}
	h := d.Header
	return json.Marshal(dialectJSON{Delimiter: string(d.Delimiter), Quote: q, Decimal: string(d.Decimal), Header: &h, Sniffed: d.Sniffed})
}

// UnmarshalJSON reads d's JSON form (see Dialect). Unknown fields and
// characters that cannot be a dialect's are errors.
func (d *Dialect) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var j dialectJSON
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("frame: dialect: %w", err)
	}
	out := DefaultDialect
	var err error
	if j.Delimiter != "" {
		if out.Delimiter, err = ParseDelimiter(j.Delimiter); err != nil {
			return err
		}
	}
	if j.Quote != "" {
		q, err := ParseQuote(j.Quote)
		if err != nil {
			return err
		}
		out.Quote = max(q, 0) // NoQuote is 0 in a Dialect
	}
	if j.Decimal != "" {
		if out.Decimal, err = ParseDecimal(j.Decimal); err != nil {
			return err
		}
	}
	if j.Header != nil {
		out.Header = *j.Header
	}
	out.Sniffed = j.Sniffed
	if err := out.options().check(); err != nil {
		return err
	}
	*d = out
	return nil
}

// CSVOptions returns options that read an input in dialect d exactly,
// sniffing nothing: what a schema contract's dialect imposes on later
// inputs. The other fields are zero.
func (d Dialect) CSVOptions() CSVOptions { return d.options() }

func (d Dialect) options() CSVOptions {
	o := CSVOptions{Comma: d.Delimiter, Quote: d.Quote, Decimal: d.Decimal, NoHeader: !d.Header, NoSniff: true}
	if d.Quote == 0 {
		o.Quote = NoQuote
	}
	return o
}

// NoQuote is the CSVOptions.Quote of an input whose fields are not quoted.
const NoQuote rune = -1

// ErrDialect is the cause of the error about a CSV input whose dialect
// the sniffer cannot decide: no delimiter splits its first records
// alike into several fields, nor into one.
var ErrDialect = errors.New("cannot decide the CSV dialect")

// DialectReader is a ChunkReader that reads a dialect of CSV: the CSV
// reader. Dialect says which, sniffed or given.
type DialectReader interface {
	Dialect() Dialect
}

// ParseDelimiter reads a delimiter as flags and files name it: one
// character, or "tab" (also `\t`) for a tab.
func ParseDelimiter(s string) (rune, error) {
	switch s {
	case "tab", `\t`:
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || n != len(s) || !validComma(r) {
		return 0, fmt.Errorf("frame: invalid delimiter %q: want one character such as , ; | or tab", s)
	}
	return r, nil
}

// ParseQuote reads a quote character as flags and files name it: one
// ASCII character (" or ' in practice), or "none" (NoQuote).
func ParseQuote(s string) (rune, error) {
	if s == "none" {
		return NoQuote, nil
	}
	if len(s) != 1 || s[0] >= utf8.RuneSelf || s[0] == '\r' || s[0] == '\n' || s[0] == 0 {
		return 0, fmt.Errorf(`frame: invalid quote %q: want one ASCII character such as " or ', or none`, s)
	}
	return rune(s[0]), nil
}

// ParseDecimal reads a decimal separator: "." or ",".
func ParseDecimal(s string) (rune, error) {
	if s != "." && s != "," {
		return 0, fmt.Errorf(`frame: invalid decimal separator %q: want . or ,`, s)
	}
	return rune(s[0]), nil
}

func validComma(r rune) bool {
	return r > 0 && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

// CheckDialect returns the error NewCSVReader returns for options whose
// dialect characters cannot work together (a decimal comma with a comma
// delimiter, a quote that is also the delimiter, ...), so that a caller
// can refuse them before opening anything.
func (o CSVOptions) CheckDialect() error { return o.check() }

// check refuses options whose dialect characters cannot work together.
func (o CSVOptions) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("frame: invalid CSV options: "+format, args...)
	}
	if o.Comma != 0 && !validComma(o.Comma) {
		return bad("delimiter %q", o.Comma)
	}
	if o.Quote != 0 && o.Quote != NoQuote {
		if o.Quote >= utf8.RuneSelf || o.Quote < 0 || o.Quote == '\r' || o.Quote == '\n' {
			return bad("quote %q: want an ASCII character", o.Quote)
		}
		if o.Quote == o.Comma || o.Quote == o.Comment {
			return bad("quote %q is also the delimiter or the comment character", o.Quote)
		}
	}
	if o.Decimal != 0 && o.Decimal != '.' && o.Decimal != ',' {
		return bad("decimal separator %q: want . or ,", o.Decimal)
	}
	if o.Decimal == ',' && o.Comma == ',' {
		return bad("a decimal comma needs a delimiter other than a comma")
	}
	if o.Comment != 0 && (o.Comment == o.Comma || !validComma(o.Comment)) {
		return bad("comment character %q", o.Comment)
	}
	if o.Header && o.NoHeader {
		return bad("both Header and NoHeader")
	}
	return nil
}

// sampleSize is how much of the input the sniffer reads: the first
// records up to this many bytes.
const sampleSize = 64 << 10

// maxSniffRecords is how many records of the sample decide the decimal
// separator and the header.
const maxSniffRecords = 1000

// The candidates the sniffer tries, in the order it prefers them when
// they read the sample equally well.
var (
	sniffDelimiters = []rune{',', ';', '\t', '|'}
	sniffQuotes     = []rune{'"', '\''}
)

// needsSample reports whether some of the dialect is left to sniff.
func (o CSVOptions) needsSample() bool {
	if o.NoSniff {
		return false
	}
	return o.Comma == 0 || o.Quote == 0 || o.Decimal == 0 || !o.NoHeader && !o.Header
}

// readSample reads the sniffer's sample from in: up to sampleSize bytes,
// and whether they are the whole input.
func readSample(in io.Reader) (sample []byte, whole bool, err error) {
	buf := make([]byte, sampleSize)
	n, err := io.ReadFull(in, buf)
	switch err {
	case nil:
		return buf[:n], false, nil
	case io.EOF, io.ErrUnexpectedEOF:
		return buf[:n], true, nil
	}
	return nil, false, err
}

// candidate is one way of reading the sample, and how well it does.
type candidate struct {
	comma, quote rune  // quote 0: no quoting
	records      int   // records read before the first syntax error
	cols         int   // fields of the first record
	consistent   int   // records, from the first, with cols fields
	quotes       int   // fields that seem to open with the quote
	typed, cells int   // see typedCells
	textHas      uint8 // see typedCells: the sniffDelimiters its text cells hold, a bit each
	typedDone    bool  // typed and cells are counted
	failed       bool  // a syntax error stopped the reading
	breakLine    int   // the line of the first record with another number of fields, or of the syntax error
	breakFields  int   // the fields of that record
}

func (c candidate) String() string {
	s := fmt.Sprintf("delimiter %s, quote %s: ", charName(c.comma), charName(c.quote))
	switch {
	case c.records == 0:
		return s + "no record"
	case c.consistent < c.records:
		return s + fmt.Sprintf("%s with %s, then line %d with %d", plural(c.consistent, "record"), plural(c.cols, "field"), c.breakLine, c.breakFields)
	case c.failed:
		return s + fmt.Sprintf("%s with %s, then a syntax error on line %d", plural(c.consistent, "record"), plural(c.cols, "field"), c.breakLine)
	}
	return s + fmt.Sprintf("%s with %s", plural(c.consistent, "record"), plural(c.cols, "field"))
}

// plural returns "1 record", "2 records".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// eligible reports whether c reads the sample as a table of several
// columns: the first record and the next one have the same number of
// fields, more than one; or the first is the only one read, because it is
// the only one or because a syntax error follows it (which reading the
// input in that dialect then reports, at its line).
func (c candidate) eligible() bool {
	return c.cols > 1 && (c.consistent >= 2 || c.consistent == c.records)
}

// better reports whether c reads the sample better than d: without a
// syntax error (which the input would meet when read so), then with every
// record of the first's number of fields, then (when neither has) with
// more consistent records, then without text cells that hold the other's
// delimiter when the other splits records into more columns, then more
// typed cells (a larger share of the cells
// are numbers, bools or timestamps, which tells "1,5;2,5" split at the
// semicolon from the same split at the commas), then more columns, then
// quoting that is used. Earlier candidates win ties.
func (c *candidate) better(d *candidate, typed func(*candidate)) bool {
	if c.failed != d.failed {
		return d.failed
	}
	// Two readings of the whole sample, each consistent, can count
	// different records: a quote that joins lines makes fewer. The
	// count then says nothing of which is right.
	if cw, dw := c.consistent == c.records, d.consistent == d.records; cw != dw {
		return cw
	} else if !cw && c.consistent != d.consistent {
		return c.consistent > d.consistent
	}
	typed(c)
	typed(d)
	// Text cells that hold another delimiter, which splits the records
	// into more columns, are that reading's cells, run together: "'a'<TAB>'b'<TAB>1,5"
	// read at the commas. (Numbers may hold one: "1,5;2,5" read at the
	// semicolons has none of text.)
	if c.comma != d.comma {
		cIn := d.cols > c.cols && c.textHas&delimiterBit(d.comma) != 0
		dIn := c.cols > d.cols && d.textHas&delimiterBit(c.comma) != 0
		if cIn != dIn {
			return dIn
		}
	}
	if l, r := c.typed*max(d.cells, 1), d.typed*max(c.cells, 1); l != r {
		return l > r
	}
	if c.cols != d.cols {
		return c.cols > d.cols
	}
	return (c.quotes > 0) && (d.quotes == 0)
}

// quotedField reports whether field f of the record r read last from
// sample opens with the quote, or may (it starts on a later line than the
// record, at line0 and column col0).
func quotedField(sample []byte, r *csvscan.Reader, quote rune, f, line0, col0 int) bool {
	if quote == 0 {
		return false
	}
	line, col := r.FieldPos(f)
	off := int(r.RecordOffset()) + col - col0
	return line != line0 || off >= len(sample) || sample[off] == byte(quote)
}

// delimiterBit returns the bit of textHas for the delimiter d, 0 for one
// not sniffed.
func delimiterBit(d rune) uint8 {
	if i := slices.Index(sniffDelimiters, d); i >= 0 {
		return 1 << i
	}
	return 0
}

// tryDialect reads the sample with a delimiter and quote. Unless full, it
// stops at the first record whose number of fields differs from the
// first's, and after the first record when that has one field: all that
// pickDialect needs of a candidate other than the first.
func tryDialect(sample []byte, whole bool, comma, quote, comment rune, full bool) candidate {
	c := candidate{comma: comma, quote: quote}
	r := csvscan.NewReader(bytes.NewReader(sample))
	r.Comma, r.Quote, r.Comment = comma, quote, comment
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for full || c.consistent == c.records && (c.records == 0 || c.cols > 1) {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A quoted field left open at the end of a sample cut short
			// is a record the sample does not hold whole: no error.
			c.failed = whole || r.InputOffset() < int64(len(sample)) || !errors.Is(err, csvscan.ErrQuote)
			var pe *csvscan.ParseError
			if c.failed && c.consistent == c.records && errors.As(err, &pe) {
				c.breakLine = pe.Line
			}
			break
		}
		if c.records == 0 {
			c.cols = len(rec)
		}
		if c.consistent == c.records {
			if len(rec) == c.cols {
				c.consistent++
			} else {
				c.breakLine, _ = r.FieldPos(0)
				c.breakFields = len(rec)
			}
		}
		c.records++
	}
	if quote != 0 {
		c.quotes = openingQuotes(sample, byte(quote), comma)
	}
	return c
}

// maxTyped is how many records typedCells classifies.
const maxTyped = 500

// typedCells counts, for better, the non-empty cells of c's first
// consistent records (up to maxTyped) and those of them that are numbers
// (with a decimal point, or a decimal comma unless the delimiter is ','),
// bools or timestamps; and notes which sniffDelimiters its text cells
// hold, outside quotes.
func typedCells(sample []byte, c *candidate, comment rune) {
	if c.typedDone {
		return
	}
	c.typedDone = true
	r := csvscan.NewReader(bytes.NewReader(sample))
	r.Comma, r.Quote, r.Comment = c.comma, c.quote, comment
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for range min(c.consistent, maxTyped) {
		rec, err := r.Read()
		if err != nil {
			return
		}
		line0, col0 := r.FieldPos(0)
		for f, cell := range rec {
			k, _ := classifyIn(cell, false)
			if k == CellText && c.comma != ',' {
				k, _ = classifyIn(cell, true)
			}
			if k != CellEmpty {
				c.cells++
				if k != CellText {
					c.typed++
				}
			}
			if k == CellText && !quotedField(sample, r, c.quote, f, line0, col0) {
				for i, d := range sniffDelimiters {
					if strings.ContainsRune(cell, d) {
						c.textHas |= 1 << i
					}
				}
			}
		}
	}
}

// openingQuotes counts the quotes that begin a field, roughly: those at
// the start of the sample or of a line, or after the delimiter.
func openingQuotes(b []byte, quote byte, comma rune) int {
	n := 0
	for i := bytes.IndexByte(b, quote); i >= 0; {
		if i == 0 || b[i-1] == '\n' || b[i-1] == '\r' || utf8.RuneLen(comma) == 1 && b[i-1] == byte(comma) ||
			bytes.HasSuffix(b[:i], []byte(string(comma))) {
			n++
		}
		j := bytes.IndexByte(b[i+1:], quote)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

// cutSample cuts a sample that is not the whole input after its last line
// end, so that its last line is whole.
func cutSample(sample []byte, whole bool) []byte {
	if whole {
		return sample
	}
	if i := bytes.LastIndexAny(sample, "\n\r"); i >= 0 {
		return sample[:i+1]
	}
	return sample
}

// sniff decides the dialect of an input from its sample, taking what opts
// gives. name is the input's, for errors.
func sniff(sample []byte, whole bool, opts CSVOptions, name string) (Dialect, error) {
	d := Dialect{Delimiter: opts.Comma, Quote: max(opts.Quote, 0), Decimal: opts.Decimal, Header: !opts.NoHeader}
	if opts.NoSniff || !opts.needsSample() {
		if d.Delimiter == 0 {
			d.Delimiter = ','
		}
		if opts.Quote == 0 {
			d.Quote = '"'
		}
		if d.Decimal == 0 {
			d.Decimal = '.'
		}
		return d, nil
	}
	sample = cutSample(sample, whole)
	if opts.Comma == 0 || opts.Quote == 0 {
		d.Sniffed = true
		commas, quotes := sniffDelimiters, sniffQuotes
		if opts.Comma != 0 {
			commas = []rune{opts.Comma}
		}
		if opts.Quote != 0 {
			quotes = []rune{max(opts.Quote, 0)}
		}
		if opts.Decimal == ',' && opts.Comma == 0 {
			commas = commas[1:] // not ','
		}
		var tried []candidate
		for _, comma := range commas {
			for _, quote := range quotes {
				if comma == opts.Comment || quote != 0 && (quote == comma || quote == opts.Comment) {
					continue
				}
				if quote != '"' && opts.Quote == 0 && openingQuotes(sample, byte(quote), comma) == 0 {
					continue // no field opens with it: no sign of it
				}
				full := len(tried) == 0 || opts.Comma != 0
				tried = append(tried, tryDialect(sample, whole, comma, quote, opts.Comment, full))
			}
		}
		best, ok := pickDialect(tried, opts.Comma != 0, func(c *candidate) { typedCells(sample, c, opts.Comment) })
		if !ok {
			lines := make([]string, len(tried))
			for i, c := range tried {
				lines[i] = c.String()
			}
			return d, &ParseError{File: name, Err: fmt.Errorf("%w: no delimiter splits the first %d bytes into records of the same number of fields; tried:\n  %s\n(give --delimiter and --quote)",
				ErrDialect, len(sample), strings.Join(lines, "\n  "))}
		}
		d.Delimiter, d.Quote = best.comma, best.quote
	}
	if opts.Decimal == 0 || !opts.NoHeader && !opts.Header {
		recs := sampleRecords(sample, d, opts.Comment)
		if opts.Decimal == 0 {
			d.Sniffed = true
			d.Decimal = sniffDecimal(recs, d.Delimiter)
		}
		if !opts.NoHeader && !opts.Header {
			d.Sniffed = true
			d.Header = sniffHeader(recs, d.Decimal)
		}
	}
	return d, nil
}

// pickDialect returns the candidate that reads the sample best, if one
// reads it as a table. With several columns, the best is the one with the
// most consistent records, then the most columns (see better). Failing
// that, the first candidate (delimiter ',' and quote '"', when sniffed)
// makes the input a one-column table if it reads every record as one
// field: other delimiters that split no record alike are no delimiters.
// With the delimiter given, only quotes are in question: the best reading
// is taken, whatever it is.
func pickDialect(tried []candidate, commaGiven bool, typed func(*candidate)) (candidate, bool) {
	var best *candidate
	for i := range tried {
		c := &tried[i]
		if (c.eligible() || commaGiven) && (best == nil || c.better(best, typed)) {
			best = c
		}
	}
	if best != nil {
		return *best, true
	}
	if len(tried) > 0 {
		if c := tried[0]; c.cols <= 1 && c.consistent == c.records && !c.failed {
			return c, true // one column, or no record at all (the reader says so)
		}
	}
	return candidate{}, false
}

// sampleRecords returns the sample's first records (up to
// maxSniffRecords) read in d, up to the first error.
func sampleRecords(sample []byte, d Dialect, comment rune) [][]string {
	r := csvscan.NewReader(bytes.NewReader(sample))
	r.Comma, r.Quote, r.Comment = d.Delimiter, d.Quote, comment
	r.FieldsPerRecord = -1
	var recs [][]string
	for len(recs) < maxSniffRecords {
		rec, err := r.Read()
		if err != nil {
			return recs
		}
		recs = append(recs, rec)
	}
	return recs
}

// sniffDecimal returns ',' when more cells of the sample read as numbers
// with a decimal comma ("1,5") than with a decimal point ("1.5"), and '.'
// otherwise, or when the delimiter is a comma.
func sniffDecimal(recs [][]string, comma rune) rune {
	if comma == ',' {
		return '.'
	}
	commas, points := 0, 0
	for _, rec := range recs {
		for _, cell := range rec {
			switch decimalOf(strings.TrimSpace(cell)) {
			case ',':
				commas++
			case '.':
				points++
			}
		}
	}
	if commas > points {
		return ','
	}
	return '.'
}

// decimalOf returns the separator of s when s is a decimal number with a
// fraction, written [sign] digits separator digits [exponent]; 0
// otherwise.
func decimalOf(s string) byte {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	d := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == len(s) || (s[i] != '.' && s[i] != ',') {
		return 0
	}
	sep := s[i]
	i++
	f := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if f == i || (f-1 == d && sep == ',') {
		return 0 // no fraction digits; ",5" is not a number
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if e == i {
			return 0
		}
	}
	if i != len(s) {
		return 0
	}
	return sep
}

// sniffHeader decides whether the first of the sample's records is a
// header, as DuckDB does: it is one unless its cells fit the kinds that
// the other records give their columns. A cell fits a column of numbers,
// bools or timestamps when it is of the same kind (an integer in a float
// column too); a column of text, of mixed kinds or of empty cells, and an
// empty first cell, tell nothing. So the first record is data when at
// least one of its cells fits a typed column and none does not; a header
// otherwise, and always when it is the only record.
func sniffHeader(recs [][]string, decimal rune) bool {
	if len(recs) < 2 {
		return true
	}
	first := recs[0]
	fits := 0
	for j, cell := range first {
		st := &Stats{}
		for _, rec := range recs[1:] {
			if j < len(rec) {
				st.observeIn(rec[j], 0, decimal == ',')
			}
		}
		k := st.kind()
		if k == KindText || k == KindMixed || k == KindNull {
			continue
		}
		c, _ := classifyIn(cell, decimal == ',')
		switch {
		case c == CellEmpty:
		case c == CellBool && k == KindBool, c == CellInt && (k == KindInt || k == KindFloat),
			c == CellFloat && k == KindFloat, c == CellTime && k == KindTime:
			fits++
		default:
			return true
		}
	}
	return fits == 0
}

// columnNames returns the names of the columns of an input without a
// header: column0, column1, ... as DuckDB names them.
func columnNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "column" + strconv.Itoa(i)
	}
	return names
}

// isTSV reports whether an input's name says it is tab-separated: .tsv,
// also compressed (.tsv.gz) or in a URL with a query.
func isTSV(name string) bool {
	if strings.Contains(name, "://") {
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	return strings.HasSuffix(strings.TrimSuffix(strings.ToLower(name), ".gz"), ".tsv")
}
