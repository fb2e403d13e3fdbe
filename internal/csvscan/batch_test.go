package csvscan

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// A batchCall is what one call of ReadBatch must give: the records, the
// line each starts on, and the error.
type batchCall struct {
	Recs  [][]string
	Lines []int
	Err   error // nil, io.EOF, or a *ParseError with its positions
}

// batchTests are read with ReadBatch(b, Max) until io.EOF, each call
// giving the next of Calls. Quote -1 means no quoting; FieldsPerRecord is
// taken as it is (0 unless set).
var batchTests = []struct {
	Name            string
	Input           string
	Comma, Comment  rune
	Quote           rune
	FieldsPerRecord int
	Max             int
	Calls           []batchCall
}{{
	Name:  "Simple",
	Input: "a,b\nc,d\n",
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "MaxOne",
	Input: "a,b\nc,d\n",
	Max:   1,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}},
		{Recs: [][]string{{"c", "d"}}, Lines: []int{2}},
		{Err: io.EOF},
	},
}, {
	Name:  "MaxOfThree",
	Input: "1\n2\n3\n4\n5\n6\n7",
	Max:   3,
	Calls: []batchCall{
		{Recs: [][]string{{"1"}, {"2"}, {"3"}}, Lines: []int{1, 2, 3}},
		{Recs: [][]string{{"4"}, {"5"}, {"6"}}, Lines: []int{4, 5, 6}},
		{Recs: [][]string{{"7"}}, Lines: []int{7}},
		{Err: io.EOF},
	},
}, {
	Name:  "Empty",
	Max:   5,
	Calls: []batchCall{{Err: io.EOF}},
}, {
	Name:  "OnlyBlankLines",
	Input: "\n\r\n\r\n",
	Max:   5,
	Calls: []batchCall{{Err: io.EOF}},
}, {
	Name:  "NoLineEndAtEOF",
	Input: "a,b\nc,d",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "EmptyFields",
	Input: ",\n,\r\n\"\",\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"", ""}, {"", ""}, {"", ""}}, Lines: []int{1, 2, 3}}, {Err: io.EOF}},
}, {
	Name:  "Quoted",
	Input: "\"a\",\"b,c\"\n\"\",d\n\"e\",\"\"\r\nf,g\n\"h\",i",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b,c"}, {"", "d"}, {"e", ""}, {"f", "g"}, {"h", "i"}}, Lines: []int{1, 2, 3, 4, 5}}, {Err: io.EOF}},
}, {
	Name:  "DoubledQuotes",
	Input: "\"a\"\"b\",c\nd,\"\"\"\"\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{`a"b`, "c"}, {"d", `"`}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "CRLFInQuotes",
	Input: "a,\"b\r\nc\"\r\nd,\"e\n\rf\"\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b\r\nc"}, {"d", "e\n\rf"}}, Lines: []int{1, 3}}, {Err: io.EOF}},
}, {
	Name:  "LineEnds",
	Input: "a,b\rc,d\r\ne,f\ng,h\r",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}}, Lines: []int{1, 2, 3, 4}}, {Err: io.EOF}},
}, {
	Name:  "BlankLines",
	Input: "\n\na,b\n\r\n\rc,d\n\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{3, 6}}, {Err: io.EOF}},
}, {
	Name:    "Comments",
	Input:   "#x\na,b\n#y,z\"\n\n#\r\nc,d\n#e\r#",
	Comment: '#',
	Max:     5,
	Calls:   []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{2, 6}}, {Err: io.EOF}},
}, {
	Name:    "MultiByteComment",
	Input:   "€x\na,b\n€\nc,€\n",
	Comment: '€',
	Max:     5,
	Calls:   []batchCall{{Recs: [][]string{{"a", "b"}, {"c", "€"}}, Lines: []int{2, 4}}, {Err: io.EOF}},
}, {
	Name:  "BOM",
	Input: "\ufeffa,b\n\ufeffc,d\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"\ufeffc", "d"}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "BOMQuoted",
	Input: "\ufeff\"a\",b\n",
	Max:   5,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}}, Lines: []int{1}}, {Err: io.EOF}},
}, {
	Name:  "FieldCountMidBatch",
	Input: "a,b\nc,d\ne\nf,g\n",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{1, 2}, Err: &ParseError{StartLine: 3, Line: 3, Column: 1, Err: ErrFieldCount}},
		{Recs: [][]string{{"f", "g"}}, Lines: []int{4}},
		{Err: io.EOF},
	},
}, {
	Name:  "FieldCountTooMany",
	Input: "a,b\nc,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s\nt,u",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}, Err: &ParseError{StartLine: 2, Line: 2, Column: 1, Err: ErrFieldCount}},
		{Recs: [][]string{{"t", "u"}}, Lines: []int{3}},
		{Err: io.EOF},
	},
}, {
	Name:  "FieldCountQuoted",
	Input: "a,b\n\"c\",\"d\",\"e\"\n\"f\r\n\",g\n",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}, Err: &ParseError{StartLine: 2, Line: 2, Column: 1, Err: ErrFieldCount}},
		{Recs: [][]string{{"f\r\n", "g"}}, Lines: []int{3}},
		{Err: io.EOF},
	},
}, {
	Name:            "FieldsPerRecordPositive",
	Input:           "a,b,c\nd,e\nf,g,h\n",
	FieldsPerRecord: 2,
	Max:             10,
	Calls: []batchCall{
		{Err: &ParseError{StartLine: 1, Line: 1, Column: 1, Err: ErrFieldCount}},
		{Recs: [][]string{{"d", "e"}}, Lines: []int{2}, Err: &ParseError{StartLine: 3, Line: 3, Column: 1, Err: ErrFieldCount}},
		{Err: io.EOF},
	},
}, {
	Name:  "SyntaxErrorMidBatch",
	Input: "a,b\nc,d\ne,\"f\ng\"x\nh,i\n",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}, {"c", "d"}}, Lines: []int{1, 2}, Err: &ParseError{StartLine: 3, Line: 4, Column: 2, Err: ErrQuote}},
		{Recs: [][]string{{"h", "i"}}, Lines: []int{5}},
		{Err: io.EOF},
	},
}, {
	Name:  "BareQuoteMidBatch",
	Input: "a,b\nc,d\"e\nf,g",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}, Err: &ParseError{StartLine: 2, Line: 2, Column: 4, Err: ErrBareQuote}},
		{Recs: [][]string{{"f", "g"}}, Lines: []int{3}},
		{Err: io.EOF},
	},
}, {
	Name:  "OpenQuoteAtEOF",
	Input: "a,b\n\"c,d\n",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}, Err: &ParseError{StartLine: 2, Line: 3, Column: 1, Err: ErrQuote}},
		{Err: io.EOF},
	},
}, {
	Name:  "NoQuoting",
	Input: "\"a,b\"\n'c',\"\"\n",
	Quote: -1,
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{`"a`, `b"`}, {"'c'", `""`}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "SingleQuote",
	Input: "'a,b',\"c\"\n'd''e',f\n",
	Quote: '\'',
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{"a,b", `"c"`}, {"d'e", "f"}}, Lines: []int{1, 2}}, {Err: io.EOF}},
}, {
	Name:  "MultiByteComma",
	Input: "a€b\n\"c€d\"€e\r\n\"f\ng\"€h\n",
	Comma: '€',
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{"a", "b"}, {"c€d", "e"}, {"f\ng", "h"}}, Lines: []int{1, 2, 3}}, {Err: io.EOF}},
}, {
	Name:  "MultiByteCommaNoQuoting",
	Input: "\"a€b\"\n",
	Comma: '€',
	Quote: -1,
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{`"a`, `b"`}}, Lines: []int{1}}, {Err: io.EOF}},
}, {
	Name:  "MultiByteCommaFieldCount",
	Input: "a€b\nc\nd€e\n",
	Comma: '€',
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{"a", "b"}}, Lines: []int{1}, Err: &ParseError{StartLine: 2, Line: 2, Column: 1, Err: ErrFieldCount}},
		{Recs: [][]string{{"d", "e"}}, Lines: []int{3}},
		{Err: io.EOF},
	},
}, {
	Name:  "Tab",
	Input: "a\tb c\t\"d\te\"\n",
	Comma: '\t',
	Max:   10,
	Calls: []batchCall{{Recs: [][]string{{"a", "b c", "d\te"}}, Lines: []int{1}}, {Err: io.EOF}},
}, {
	Name:  "LongLines",
	Input: strings.Repeat("x", 70000) + "," + strings.Repeat("y", 10) + "\n\"" + strings.Repeat("z", 70000) + "\",w\n",
	Max:   10,
	Calls: []batchCall{
		{Recs: [][]string{{strings.Repeat("x", 70000), strings.Repeat("y", 10)}, {strings.Repeat("z", 70000), "w"}}, Lines: []int{1, 2}},
		{Err: io.EOF},
	},
}, {
	Name:  "InvalidComma",
	Input: "a,b\n",
	Comma: '\r',
	Max:   10,
	Calls: []batchCall{{Err: errInvalidDelim}},
}, {
	Name:            "NegativeFieldsPerRecord",
	Input:           "a,b\n",
	FieldsPerRecord: -1,
	Max:             10,
	Calls:           []batchCall{{Err: errBatchFields}},
}}

// lineStarts returns the offset of the first byte of each line of in,
// lines ending as csvscan ends them.
func lineStarts(in string) []int {
	starts := []int{0}
	for i := 0; i < len(in); i++ {
		if in[i] == '\n' || in[i] == '\r' && (i+1 == len(in) || in[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// TestReadBatch reads each case of batchTests whole, one byte at a time
// and in halves, and checks each call's records, lines, offsets and
// error, and the Reader's state after it.
func TestReadBatch(t *testing.T) {
	for _, tt := range batchTests {
		for _, rd := range readers {
			t.Run(tt.Name+"/"+rd.name, func(t *testing.T) {
				r := NewReader(rd.wrap(strings.NewReader(tt.Input)))
				r.bufSize = rd.bufSize
				if tt.Comma != 0 {
					r.Comma = tt.Comma
				}
				r.Comment = tt.Comment
				switch {
				case tt.Quote < 0:
					r.Quote = 0
				case tt.Quote > 0:
					r.Quote = tt.Quote
				}
				r.FieldsPerRecord = tt.FieldsPerRecord
				starts := lineStarts(tt.Input)
				var b Batch
				for i, want := range tt.Calls {
					err := r.ReadBatch(&b, tt.Max)
					got := batchCall{Err: err}
					for rec := range b.Len() {
						var fields []string
						for f := range b.Fields() {
							fields = append(fields, string(b.Cell(rec, f)))
						}
						got.Recs = append(got.Recs, fields)
						got.Lines = append(got.Lines, b.Line(rec))
						off := int64(starts[b.Line(rec)-1])
						if b.Line(rec) == 1 && strings.HasPrefix(tt.Input, bom) {
							off += int64(len(bom))
						}
						if b.Offset(rec) != off {
							t.Errorf("call %d, record %d: Offset = %d, want %d", i, rec, b.Offset(rec), off)
						}
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("call %d:\ngot  %+v (%v)\nwant %+v (%v)", i, got, err, want, want.Err)
					}
					if n := len(want.Recs); n > 0 && (want.Err == nil || errors.Is(want.Err, ErrFieldCount)) {
						// FieldPos(0) is the start of the last record read.
						line := want.Lines[n-1]
						var pe *ParseError
						if errors.As(want.Err, &pe) {
							line = pe.StartLine
						}
						if l, c := r.FieldPos(0); l != line || c != 1 {
							t.Errorf("call %d: FieldPos(0) = %d, %d; want %d, 1", i, l, c, line)
						}
					}
				}
				if tt.Calls[len(tt.Calls)-1].Err == io.EOF {
					if r.InputOffset() != int64(len(tt.Input)) || r.LinesRead() != len(starts)-1 && r.LinesRead() != len(starts) {
						t.Errorf("at the end: InputOffset() = %d, LinesRead() = %d; input of %d bytes, %d lines", r.InputOffset(), r.LinesRead(), len(tt.Input), len(starts))
					}
				}
			})
		}
	}
}

// TestReadBatchLikeReadBytes reads every case of readTests, and of
// batchTests, with ReadBatch at several max and compares with ReadBytes,
// as FuzzReadBatch does.
func TestReadBatchLikeReadBytes(t *testing.T) {
	for i, tt := range readTests {
		_, _, input := makePositions(tt.Input)
		for _, maxes := range []string{"\x01", "\x02", "\xff", "\x03\x00\x05"} {
			checkReadBatch(t, input, uint16(i), maxes)
		}
	}
	for i, tt := range batchTests {
		for _, maxes := range []string{"\x01", "\x02", "\xff", "\x03\x00\x05"} {
			checkReadBatch(t, tt.Input, uint16(i), maxes)
		}
	}
}

// TestReadBatchStartAt reads each case of batchTests whole with ReadBatch,
// and again from the start of each record with StartAt, one record at a
// time: the records, lines, offsets and errors must be the same.
func TestReadBatchStartAt(t *testing.T) {
	type rec struct {
		Fields []string
		Line   int
		Offset int64
		Err    string
	}
	read := func(r *Reader) (recs []rec, fprs []int) {
		var b Batch
		for {
			fpr := r.FieldsPerRecord
			err := r.ReadBatch(&b, 1)
			if err == io.EOF {
				return recs, fprs
			}
			if err != nil {
				recs = append(recs, rec{Err: errString(err), Offset: r.RecordOffset()})
				fprs = append(fprs, fpr)
				if _, ok := err.(*ParseError); !ok {
					return recs, fprs
				}
				continue
			}
			var fields []string
			for f := range b.Fields() {
				fields = append(fields, string(b.Cell(0, f)))
			}
			recs = append(recs, rec{fields, b.Line(0), b.Offset(0), ""})
			fprs = append(fprs, fpr)
		}
	}
	for _, tt := range batchTests {
		t.Run(tt.Name, func(t *testing.T) {
			newReader := func(in string) *Reader {
				r := NewReader(strings.NewReader(in))
				if tt.Comma != 0 {
					r.Comma = tt.Comma
				}
				r.Comment = tt.Comment
				if tt.Quote < 0 {
					r.Quote = 0
				} else if tt.Quote > 0 {
					r.Quote = tt.Quote
				}
				r.FieldsPerRecord = tt.FieldsPerRecord
				return r
			}
			whole, fprs := read(newReader(tt.Input))
			for i, w := range whole {
				if w.Err != "" {
					continue
				}
				r := newReader(tt.Input[w.Offset:])
				r.FieldsPerRecord = fprs[i]
				r.StartAt(w.Line-1, w.Offset)
				if rest, _ := read(r); !reflect.DeepEqual(rest, whole[i:]) {
					t.Errorf("from record %d at offset %d:\ngot  %+v\nwant %+v", i, w.Offset, rest, whole[i:])
				}
			}
		})
	}
}

// TestReadBatchIOError checks that an error reading the input ends the
// batch with the records before it, and is returned again.
func TestReadBatchIOError(t *testing.T) {
	boom := errors.New("boom")
	for _, in := range []string{"a,b\r\nc,d\r\ne,\"f\r\n", "a,b\r\nc,d\r\ne,f", "a,b\nc,d\n", "a€b\nc€d\ne€\"f\n"} {
		r := NewReader(io.MultiReader(strings.NewReader(in), iotest.ErrReader(boom)))
		if strings.Contains(in, "€") {
			r.Comma = '€'
		}
		var b Batch
		err := r.ReadBatch(&b, 10)
		if err != boom || b.Len() != 2 || string(b.Cell(1, 1)) != "d" {
			t.Errorf("%q: ReadBatch = %v with %d records; want boom after 2", in, err, b.Len())
		}
		if err := r.ReadBatch(&b, 10); err != boom || b.Len() != 0 {
			t.Errorf("%q: ReadBatch again = %v with %d records; want boom and none", in, err, b.Len())
		}
	}
}

// TestReadBatchMixed interleaves ReadBatch, ReadBytes and Read calls on
// one Reader.
func TestReadBatchMixed(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\nc,d\ne,\"f\r\ng\"\nh,i\nj,k\n"))
	var b Batch
	if err := r.ReadBatch(&b, 1); err != nil || b.Len() != 1 || string(b.Cell(0, 1)) != "b" {
		t.Fatalf("ReadBatch = %v, %d records", err, b.Len())
	}
	if rec, err := r.ReadBytes(); err != nil || string(rec[0]) != "c" {
		t.Fatalf("ReadBytes = %q, %v", rec, err)
	}
	if err := r.ReadBatch(&b, 2); err != nil || b.Len() != 2 || string(b.Cell(0, 1)) != "f\r\ng" || b.Line(1) != 5 {
		t.Fatalf("ReadBatch = %v, %d records", err, b.Len())
	}
	if rec, err := r.Read(); err != nil || rec[1] != "k" {
		t.Fatalf("Read = %q, %v", rec, err)
	}
	if err := r.ReadBatch(&b, 2); err != io.EOF || b.Len() != 0 {
		t.Fatalf("ReadBatch = %v, %d records; want io.EOF", err, b.Len())
	}
}

// TestReadBatchMax checks that a max below 1 reads nothing.
func TestReadBatchMax(t *testing.T) {
	r := NewReader(strings.NewReader("a\n"))
	var b Batch
	for _, max := range []int{0, -1} {
		if err := r.ReadBatch(&b, max); err != nil || b.Len() != 0 || r.InputOffset() != 0 {
			t.Errorf("ReadBatch(%d) = %v, %d records, InputOffset %d", max, err, b.Len(), r.InputOffset())
		}
	}
}

// TestBatchCell checks that Cell panics out of range, and that a cell
// cannot be appended to over the next.
func TestBatchCell(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\nc,d\n"))
	var b Batch
	if err := r.ReadBatch(&b, 2); err != nil {
		t.Fatal(err)
	}
	if c := append(b.Cell(0, 0), 'x'); string(b.Cell(0, 1)) != "b" || string(c) != "ax" {
		t.Errorf("appending to a cell changed the next: %q", b.Cell(0, 1))
	}
	for _, at := range [][2]int{{0, 2}, {0, -1}, {2, 0}, {-1, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Cell(%d, %d) did not panic", at[0], at[1])
				}
			}()
			b.Cell(at[0], at[1])
		}()
	}
}

// checkReadBatch is the body of FuzzReadBatch.
func checkReadBatch(t *testing.T, data string, sel uint16, maxes string) {
	t.Helper()
	s := int(sel)
	commas := []rune{',', ';', '\t', 'λ', '"'}
	quotes := []rune{'"', '\'', 0}
	comments := []rune{0, '#', '€'}
	fprs := []int{0, 2, 3, 1}
	o := func(r *Reader) *Reader {
		r.Comma = commas[s%len(commas)]
		r.Quote = quotes[s/5%len(quotes)]
		r.Comment = comments[s/15%len(comments)]
		r.FieldsPerRecord = fprs[s/45%len(fprs)]
		return r
	}
	want := readBytesEvents(o(NewReader(strings.NewReader(data))))
	opts := fmt.Sprintf("comma %q, quote %q, comment %q, FieldsPerRecord %d, maxes %q", commas[s%len(commas)],
		quotes[s/5%len(quotes)], comments[s/15%len(comments)], fprs[s/45%len(fprs)], maxes)

	in := io.Reader(strings.NewReader(data))
	if s/180%2 == 1 {
		in = iotest.OneByteReader(in)
	}
	r := o(NewReader(in))
	if s/180%2 == 1 {
		r.bufSize = 4
		opts += ", one byte at a time"
	}
	var b Batch
	k := 0 // the next event of want
	for call := 0; ; call++ {
		if k >= len(want) {
			t.Fatalf("%q (%s): ReadBatch read past the end of ReadBytes's %d events", data, opts, len(want))
		}
		max := 1024
		if len(maxes) > 0 {
			switch m := int(maxes[call%len(maxes)]); {
			case m == 0:
				// A call of ReadBytes between batches.
				if got := readBytesEvent(r); !reflect.DeepEqual(got, want[k]) {
					t.Fatalf("%q (%s): event %d: ReadBytes between batches:\ngot  %+v\nwant %+v", data, opts, k, got, want[k])
				} else if got.Err == "EOF" || got.Err != "" && !strings.HasPrefix(got.Err, "record") {
					return
				}
				k++
				continue
			case m < 200:
				max = m%8 + 1
			}
		}
		err := r.ReadBatch(&b, max)
		for rec := range b.Len() {
			ev := want[k]
			if ev.Err != "" {
				t.Fatalf("%q (%s): event %d: ReadBatch read a record where ReadBytes read %+v", data, opts, k, ev)
			}
			if b.Fields() != len(ev.Rec) {
				t.Fatalf("%q (%s): event %d: %d fields, want %d", data, opts, k, b.Fields(), len(ev.Rec))
			}
			for i, want := range ev.Rec {
				if got := string(b.Cell(rec, i)); got != want {
					t.Fatalf("%q (%s): event %d: field %d = %q, want %q", data, opts, k, i, got, want)
				}
			}
			if line, off := b.Line(rec), b.Offset(rec); line != ev.Pos[0][0] || off != ev.RecOff {
				t.Fatalf("%q (%s): event %d: line %d, offset %d; want %d, %d", data, opts, k, line, off, ev.Pos[0][0], ev.RecOff)
			}
			k++
		}
		var ev batchEvent
		switch {
		case err == nil:
			if b.Len() == 0 || b.Len() > max {
				t.Fatalf("%q (%s): ReadBatch(%d) read %d records and no error", data, opts, max, b.Len())
			}
			if line, col := r.FieldPos(0); line != want[k-1].Pos[0][0] || col != 1 {
				t.Fatalf("%q (%s): event %d: FieldPos(0) = %d, %d after the batch; want %d, 1", data, opts, k-1, line, col, want[k-1].Pos[0][0])
			}
			ev = want[k-1]
			if b.Len() < max {
				// The batch ends at the end of the input, which ReadBatch
				// has read as ReadBytes reads it: past the blank lines
				// and comments after the last record.
				if want[k].Err != "EOF" {
					t.Fatalf("%q (%s): ReadBatch(%d) read %d records and stopped before %+v", data, opts, max, b.Len(), want[k])
				}
				ev = want[k]
				ev.Err = ""
			}
		case err == io.EOF:
			if b.Len() != 0 {
				t.Fatalf("%q (%s): ReadBatch read %d records and io.EOF", data, opts, b.Len())
			}
			ev = want[k]
		default:
			ev = want[k]
			if _, ok := err.(*ParseError); ok {
				for i, p := range ev.Pos {
					if line, col := r.FieldPos(i); line != p[0] || col != p[1] {
						t.Fatalf("%q (%s): event %d: FieldPos(%d) = %d, %d after the error; want %v", data, opts, k, i, line, col, p)
					}
				}
			}
			k++
		}
		got := batchEvent{Err: errString(err), RecOff: r.RecordOffset(), InOff: r.InputOffset(), Lines: r.LinesRead()}
		if err == io.EOF {
			got.Err = "EOF"
		}
		if got.Err != ev.Err || got.RecOff != ev.RecOff || got.InOff != ev.InOff || got.Lines != ev.Lines {
			t.Fatalf("%q (%s): after ReadBatch(%d) of %d records:\ngot  %+v\nwant %+v", data, opts, max, b.Len(), got, ev)
		}
		if _, ok := err.(*ParseError); err != nil && !ok {
			return // the end of the input, or invalid options
		}
	}
}

// TestReset reads one input, then another through Reset, and requires of
// the second what a new Reader reads of it: every record, line, offset
// and error, with Read, ReadBytes and ReadBatch.
func TestReset(t *testing.T) {
	inputs := []string{
		"a,b\n1,2\n3,4\n",
		"\ufeffx,y\r\n\"q\"\"1\",2\r\n\r\n3,\"4\n5\"\r\n",
		"p;q\n# note\n1;2\n",
		"a,b\n1,\"open\n",
		"a,b\n1,2,3\n4,5\n",
		strings.Repeat("long,", 20000) + "end\n1\n",
	}
	type result struct {
		recs  [][]string
		lines []int
		offs  []int64
		err   string
		in    int64
		read  int
	}
	readAll := func(r *Reader, batch bool) result {
		var res result
		var b Batch
		for {
			if batch {
				err := r.ReadBatch(&b, 2)
				for i := range b.Len() {
					var rec []string
					for f := range b.Fields() {
						rec = append(rec, string(b.Cell(i, f)))
					}
					res.recs = append(res.recs, rec)
					res.lines = append(res.lines, b.Line(i))
					res.offs = append(res.offs, b.Offset(i))
				}
				if err != nil {
					if err != io.EOF {
						res.err = err.Error()
					}
					break
				}
				continue
			}
			rec, err := r.ReadBytes()
			if err == io.EOF {
				break
			}
			var cells []string
			for _, c := range rec {
				cells = append(cells, string(c))
			}
			res.recs = append(res.recs, cells)
			line, _ := r.FieldPos(0)
			res.lines = append(res.lines, line)
			res.offs = append(res.offs, r.RecordOffset())
			if err != nil {
				res.err = err.Error()
				break
			}
		}
		res.in, res.read = r.InputOffset(), r.LinesRead()
		return res
	}
	for _, batch := range []bool{false, true} {
		for i, a := range inputs {
			for j, b := range inputs {
				comma := ','
				if strings.HasPrefix(b, "p;") {
					comma = ';'
				}
				fresh := NewReader(strings.NewReader(b))
				fresh.Comma, fresh.Comment = comma, '#'
				want := readAll(fresh, batch)

				r := NewReader(strings.NewReader(a))
				r.Comment = '#'
				r.ReuseRecord = true
				readAll(r, !batch)
				r.Reset(strings.NewReader(b))
				r.Comma, r.FieldsPerRecord = comma, 0
				got := readAll(r, batch)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("batch %v, input %d after %d:\ngot  %+v\nwant %+v", batch, j, i, got, want)
				}
			}
		}
	}
}
