package frame

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The kinds of the columns FuzzDialectRoundTrip writes.
const (
	fuzzInt = iota
	fuzzFloat
	fuzzText
)

// fuzzTable is a table of random cells and the dialect it is written in.
type fuzzTable struct {
	d      Dialect
	kinds  []int
	rows   [][]string // each cell as FormatValue renders what it holds ("" for null)
	cells  [][]string // each cell as written, unquoted
	always bool       // quote every text cell, not only those that need it
	crlf   bool
	text   bool // some text cell holds a delimiter, a quote or a line end
}

var fuzzDelimiters = []rune{',', ';', '\t', '|'}

// newFuzzTable builds a table from the fuzzer's inputs: seed drives the
// shape and the numbers, text gives the text cells (pieces split at \x1f),
// sel picks the dialect.
func newFuzzTable(seed uint64, text string, sel uint16) *fuzzTable {
	rng := rand.New(rand.NewPCG(seed, seed>>7|1))
	ft := &fuzzTable{}
	ft.d.Delimiter = fuzzDelimiters[sel%4]
	ft.d.Quote = []rune{'"', '\'', 0}[sel/4%3]
	ft.d.Decimal = '.'
	if sel/12%2 == 1 && ft.d.Delimiter != ',' {
		ft.d.Decimal = ','
	}
	ft.d.Header = sel/24%2 == 0
	ft.always = sel/48%2 == 1
	ft.crlf = sel/96%2 == 1
	pieces := strings.Split(text, "\x1f")
	ncols := 1 + rng.IntN(5)
	nrows := rng.IntN(12)
	for range ncols {
		ft.kinds = append(ft.kinds, rng.IntN(3))
	}
	specials := []string{",", ";", "\t", "|", `"`, "'", "\n", "\r\n", "\r", " ", "''", `""`}
	for r := range nrows {
		row := make([]string, ncols)
		cells := make([]string, ncols)
		for c, k := range ft.kinds {
			empty := rng.IntN(6) == 0
			if ncols == 1 && ft.d.Quote == 0 {
				empty = false // it would be a blank line, which readers skip
			}
			switch {
			case empty:
			case k == fuzzInt:
				v := rng.Int64() >> rng.IntN(64)
				if rng.IntN(2) == 0 {
					v = -v
				}
				cells[c] = strconv.FormatInt(v, 10)
				row[c] = cells[c]
			case k == fuzzFloat:
				v := fuzzFloatValue(rng)
				row[c] = formatFloat(v)
				cells[c] = writeFloat(v, ft.d.Decimal)
			default:
				// A leading x keeps it text: no number, bool nor time.
				s := "x" + pieces[(r*ncols+c)%len(pieces)]
				for range rng.IntN(3) {
					i := rng.IntN(len(s) + 1)
					s = s[:i] + specials[rng.IntN(len(specials))] + s[i:]
				}
				if ft.d.Quote == 0 {
					// Without quoting a cell cannot hold a delimiter nor a
					// line end.
					s = strings.NewReplacer(string(ft.d.Delimiter), "_", "\r", "_", "\n", "_").Replace(s)
				}
				if strings.ContainsAny(s, ",;\t|\"'\r\n") {
					ft.text = true
				}
				cells[c], row[c] = s, s
			}
		}
		ft.rows = append(ft.rows, row)
		ft.cells = append(ft.cells, cells)
	}
	return ft
}

// fuzzFloatValue returns a float of any magnitude, sometimes NaN or ±Inf.
func fuzzFloatValue(rng *rand.Rand) float64 {
	switch rng.IntN(20) {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1 - 2*rng.IntN(2))
	case 2:
		return float64(rng.IntN(1000)) // integral: written with ".0"
	}
	v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
	return v
}

// writeFloat writes v with a decimal point or comma, always with a
// fraction, so that it reads as a float and not as an integer.
func writeFloat(v float64, decimal rune) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".nN") {
		if i := strings.IndexByte(s, 'e'); i >= 0 {
			s = s[:i] + ".0" + s[i:]
		} else {
			s += ".0"
		}
	}
	if decimal == ',' {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// names are the header's column names.
func (ft *fuzzTable) names() []string {
	n := make([]string, len(ft.kinds))
	for i := range n {
		n[i] = "c" + strconv.Itoa(i)
	}
	return n
}

// csv writes the table in its dialect.
func (ft *fuzzTable) csv() []byte {
	var b bytes.Buffer
	nl := "\n"
	if ft.crlf {
		nl = "\r\n"
	}
	delim := string(ft.d.Delimiter)
	q := string(ft.d.Quote)
	write := func(cells []string, text []bool) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString(delim)
			}
			quote := ft.d.Quote != 0 && (strings.ContainsAny(c, delim+q+"\r\n") ||
				text[i] && ft.always && c != "" || len(cells) == 1 && c == "")
			if quote {
				b.WriteString(q + strings.ReplaceAll(c, q, q+q) + q)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString(nl)
	}
	text := make([]bool, len(ft.kinds))
	for i, k := range ft.kinds {
		text[i] = k == fuzzText
	}
	if ft.d.Header {
		write(ft.names(), make([]bool, len(ft.kinds)))
	}
	for _, cells := range ft.cells {
		write(cells, text)
	}
	return b.Bytes()
}

// wantKinds returns the kind each column must be read as.
func (ft *fuzzTable) wantKinds() []Kind {
	out := make([]Kind, len(ft.kinds))
	for c, k := range ft.kinds {
		out[c] = KindNull
		for _, row := range ft.rows {
			if row[c] != "" {
				out[c] = []Kind{KindInt, KindFloat, KindText}[k]
			}
		}
	}
	return out
}

// sniffable reports whether the sniffer must find the table's dialect
// from its text alone, and which parts of it: the decimal separator only
// when some float cell shows it, the quote only when some cell is quoted.
func (ft *fuzzTable) sniffable() (ok, decimal, quote bool) {
	if len(ft.kinds) < 2 || ft.d.Quote == 0 || ft.text && !ft.always {
		return false, false, false
	}
	typedFirst := false // a number in the first record over numbers
	for c, k := range ft.kinds {
		later := false
		for r, row := range ft.rows {
			if k == fuzzFloat && row[c] != "" && !strings.ContainsAny(row[c], "nN") {
				decimal = true
			}
			if k == fuzzText && row[c] != "" && (ft.always || ft.text) {
				quote = true
			}
			if r > 0 && row[c] != "" {
				later = true
			}
		}
		if k != fuzzText && len(ft.rows) > 1 && ft.rows[0][c] != "" && later {
			typedFirst = true
		}
	}
	if !ft.d.Header && !typedFirst {
		return false, false, false // a first record of text may be a header
	}
	return true, decimal, quote
}

// FuzzDialectRoundTrip writes tables of random cells (text holding
// delimiters, quotes and line ends; integers; floats, NaN and infinities
// included) as CSV in every dialect: each delimiter, the double quote,
// the single quote or none, a decimal point or comma, with or without a
// header, LF or CR LF. Read back with the dialect given, every cell must
// come back as written, with its column's kind. Read back sniffed, when
// the text decides the dialect (several columns, quoting, text cells that
// hold no delimiter or quote unless every one is quoted, a first record of
// numbers when there is no header), the sniffer must find it and read the
// same. The reader must never panic.
func FuzzDialectRoundTrip(f *testing.F) {
	f.Add(uint64(1), "a b\x1fc,d\x1fe\"f", uint16(0))
	f.Add(uint64(2), "semi;colon\x1f1,5", uint16(1+12))
	f.Add(uint64(3), "tab\there", uint16(2+48))
	f.Add(uint64(4), "pipe|d", uint16(3+24))
	f.Add(uint64(5), "it's\x1f'q'", uint16(4+48))
	f.Add(uint64(6), "no \"quotes\"", uint16(8+1))
	f.Add(uint64(7), "line\nend\x1fcr\r\nlf", uint16(96+48+12+1))
	f.Add(uint64(8), "\xff\xfe\x00", uint16(24+12+2))
	f.Add(uint64(9), "", uint16(24+96+3))
	f.Fuzz(func(t *testing.T, seed uint64, text string, sel uint16) {
		ft := newFuzzTable(seed, text, sel)
		data := ft.csv()
		names := ft.names()
		if !ft.d.Header {
			names = columnNames(len(ft.kinds))
		}
		check := func(how string, opts CSVOptions, want Dialect) {
			got, err := readAllOf(bytes.NewReader(data), "fuzz.csv", opts)
			if err != nil {
				t.Fatalf("%s: %v\n%q", how, err, data)
			}
			if got.dialect != want {
				t.Fatalf("%s: dialect %v, want %v\n%q", how, got.dialect, want, data)
			}
			if !reflect.DeepEqual(got.names, names) || !reflect.DeepEqual(got.kinds, ft.wantKinds()) {
				t.Fatalf("%s: columns %q %v, want %q %v\n%q", how, got.names, got.kinds, names, ft.wantKinds(), data)
			}
			if len(got.rows) != len(ft.rows) {
				t.Fatalf("%s: %d rows, want %d\n%q", how, len(got.rows), len(ft.rows), data)
			}
			for i, row := range ft.rows {
				if !reflect.DeepEqual(got.rows[i], row) {
					t.Fatalf("%s: row %d: %q, want %q\n%q", how, i+1, got.rows[i], row, data)
				}
			}
		}
		given := ft.d.CSVOptions()
		if !ft.d.Header && len(ft.rows) == 0 {
			return // nothing at all: no header to read
		}
		check("given", given, ft.d)

		ok, decimal, quote := ft.sniffable()
		if !ok {
			// Whatever the sniffer makes of it, it must not panic.
			if r, err := NewCSVReader(bytes.NewReader(data), "fuzz.csv", CSVOptions{}); err == nil {
				for r.Next() {
				}
				r.Release()
			}
			return
		}
		opts := CSVOptions{}
		want := ft.d
		want.Sniffed = true
		if !decimal {
			opts.Decimal = ft.d.Decimal // nothing in the text shows it
		}
		if !quote {
			opts.Quote = ft.d.Quote
		}
		check("sniffed", opts, want)
	})
}
