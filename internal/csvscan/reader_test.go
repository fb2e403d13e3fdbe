package csvscan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

type readTest struct {
	Name   string
	Input  string
	Output [][]string
	Errors []error
	// Differs says how encoding/csv reads Input otherwise, when it does.
	Differs string

	// These fields are copied into the Reader.
	Comma              rune
	Comment            rune
	UseFieldsPerRecord bool // false (default) means FieldsPerRecord is -1
	FieldsPerRecord    int
	ReuseRecord        bool
}

// In these tests, the §, ¶ and ∑ characters in readTest.Input mark the
// start of a field, a record boundary and the position of an error. They
// are removed before parsing and give the positions FieldPos and the
// errors must report. LF, CR LF and a lone CR each end a line; a BOM at
// the very start takes no column. The cases are encoding/csv's
// reader_test.go cases, except those of LazyQuotes and TrimLeadingSpace,
// followed by cases of csvscan's own.
var readTests = []readTest{{
	Name:   "Simple",
	Input:  "§a,§b,§c\n",
	Output: [][]string{{"a", "b", "c"}},
}, {
	Name:   "CRLF",
	Input:  "§a,§b\r\n¶§c,§d\r\n",
	Output: [][]string{{"a", "b"}, {"c", "d"}},
}, {
	Name:    "BareCR",
	Input:   "§a,§b\r¶§c,§d\r\n",
	Output:  [][]string{{"a", "b"}, {"c", "d"}},
	Differs: `a lone CR ends a line; encoding/csv reads one record {"a", "b\rc", "d"}`,
}, {
	Name: "RFC4180test",
	Input: `§#field1,§field2,§field3
¶§"aaa",§"bb
b",§"ccc"
¶§"a,a",§"b""bb",§"ccc"
¶§zzz,§yyy,§xxx
`,
	Output: [][]string{
		{"#field1", "field2", "field3"},
		{"aaa", "bb\nb", "ccc"},
		{"a,a", `b"bb`, "ccc"},
		{"zzz", "yyy", "xxx"},
	},
	UseFieldsPerRecord: true,
	FieldsPerRecord:    0,
}, {
	Name:   "NoEOLTest",
	Input:  "§a,§b,§c",
	Output: [][]string{{"a", "b", "c"}},
}, {
	Name:   "Semicolon",
	Input:  "§a;§b;§c\n",
	Output: [][]string{{"a", "b", "c"}},
	Comma:  ';',
}, {
	Name: "MultiLine",
	Input: `§"two
line",§"one line",§"three
line
field"`,
	Output: [][]string{{"two\nline", "one line", "three\nline\nfield"}},
}, {
	Name:  "BlankLine",
	Input: "§a,§b,§c\n\n¶§d,§e,§f\n\n",
	Output: [][]string{
		{"a", "b", "c"},
		{"d", "e", "f"},
	},
}, {
	Name:  "BlankLineFieldCount",
	Input: "§a,§b,§c\n\n¶§d,§e,§f\n\n",
	Output: [][]string{
		{"a", "b", "c"},
		{"d", "e", "f"},
	},
	UseFieldsPerRecord: true,
	FieldsPerRecord:    0,
}, {
	Name:   "LeadingSpace",
	Input:  "§ a,§  b,§   c\n",
	Output: [][]string{{" a", "  b", "   c"}},
}, {
	Name:    "Comment",
	Input:   "#1,2,3\n§a,§b,§c\n#comment",
	Output:  [][]string{{"a", "b", "c"}},
	Comment: '#',
}, {
	Name:   "NoComment",
	Input:  "§#1,§2,§3\n¶§a,§b,§c",
	Output: [][]string{{"#1", "2", "3"}, {"a", "b", "c"}},
}, {
	Name:   "BadDoubleQuotes",
	Input:  `§a∑""b,c`,
	Errors: []error{&ParseError{Err: ErrBareQuote}},
}, {
	Name:   "BadBareQuote",
	Input:  `§a ∑"word","b"`,
	Errors: []error{&ParseError{Err: ErrBareQuote}},
}, {
	Name:   "BadTrailingQuote",
	Input:  `§"a word",b∑"`,
	Errors: []error{&ParseError{Err: ErrBareQuote}},
}, {
	Name:   "ExtraneousQuote",
	Input:  `§"a ∑"word","b"`,
	Errors: []error{&ParseError{Err: ErrQuote}},
}, {
	Name:               "BadFieldCount",
	Input:              "§a,§b,§c\n¶∑§d,§e",
	Errors:             []error{nil, &ParseError{Err: ErrFieldCount}},
	Output:             [][]string{{"a", "b", "c"}, {"d", "e"}},
	UseFieldsPerRecord: true,
	FieldsPerRecord:    0,
}, {
	Name:               "BadFieldCountMultiple",
	Input:              "§a,§b,§c\n¶∑§d,§e\n¶∑§f",
	Errors:             []error{nil, &ParseError{Err: ErrFieldCount}, &ParseError{Err: ErrFieldCount}},
	Output:             [][]string{{"a", "b", "c"}, {"d", "e"}, {"f"}},
	UseFieldsPerRecord: true,
	FieldsPerRecord:    0,
}, {
	Name:               "BadFieldCount1",
	Input:              `§∑a,§b,§c`,
	Errors:             []error{&ParseError{Err: ErrFieldCount}},
	Output:             [][]string{{"a", "b", "c"}},
	UseFieldsPerRecord: true,
	FieldsPerRecord:    2,
}, {
	Name:   "FieldCount",
	Input:  "§a,§b,§c\n¶§d,§e",
	Output: [][]string{{"a", "b", "c"}, {"d", "e"}},
}, {
	Name:   "TrailingCommaEOF",
	Input:  "§a,§b,§c,§",
	Output: [][]string{{"a", "b", "c", ""}},
}, {
	Name:   "TrailingCommaEOL",
	Input:  "§a,§b,§c,§\n",
	Output: [][]string{{"a", "b", "c", ""}},
}, {
	Name:   "TrailingCommaSpaceEOF", // without TrimLeadingSpace
	Input:  "§a,§b,§c,§ ",
	Output: [][]string{{"a", "b", "c", " "}},
}, {
	Name:   "NotTrailingComma3",
	Input:  "§a,§b,§c,§ \n",
	Output: [][]string{{"a", "b", "c", " "}},
}, {
	Name: "CommaFieldTest",
	Input: `§x,§y,§z,§w
¶§x,§y,§z,§
¶§x,§y,§,§
¶§x,§,§,§
¶§,§,§,§
¶§"x",§"y",§"z",§"w"
¶§"x",§"y",§"z",§""
¶§"x",§"y",§"",§""
¶§"x",§"",§"",§""
¶§"",§"",§"",§""
`,
	Output: [][]string{
		{"x", "y", "z", "w"},
		{"x", "y", "z", ""},
		{"x", "y", "", ""},
		{"x", "", "", ""},
		{"", "", "", ""},
		{"x", "y", "z", "w"},
		{"x", "y", "z", ""},
		{"x", "y", "", ""},
		{"x", "", "", ""},
		{"", "", "", ""},
	},
}, {
	Name:  "ReadAllReuseRecord",
	Input: "§a,§b\n¶§c,§d",
	Output: [][]string{
		{"a", "b"},
		{"c", "d"},
	},
	ReuseRecord: true,
}, {
	Name:   "StartLine1", // Issue 19019
	Input:  "§a,\"b\nc∑\"d,e",
	Errors: []error{&ParseError{Err: ErrQuote}},
}, {
	Name:   "StartLine2",
	Input:  "§a,§b\n¶§\"d\n\n,e∑",
	Errors: []error{nil, &ParseError{Err: ErrQuote}},
	Output: [][]string{{"a", "b"}},
}, {
	Name:  "CRLFInQuotedField", // Issue 21201
	Input: "§A,§\"Hello\r\nHi\",§B\r\n",
	Output: [][]string{
		{"A", "Hello\r\nHi", "B"},
	},
	Differs: `CR LF inside quotes is kept; encoding/csv reads "Hello\nHi"`,
}, {
	Name:   "BinaryBlobField", // Issue 19410
	Input:  "§x09\x41\xb4\x1c,§aktau",
	Output: [][]string{{"x09A\xb4\x1c", "aktau"}},
}, {
	Name:   "TrailingCR",
	Input:  "§field1,§field2\r",
	Output: [][]string{{"field1", "field2"}},
}, {
	Name:   "QuotedTrailingCR",
	Input:  "§\"field\"\r",
	Output: [][]string{{"field"}},
}, {
	Name:    "QuotedTrailingCRCR",
	Input:   "§\"field\"\r\r",
	Output:  [][]string{{"field"}},
	Differs: "the first CR ends the line, the second a blank line; encoding/csv: ErrQuote at line 1, column 7",
}, {
	Name:    "FieldCR",
	Input:   "§field\r¶§field\r",
	Output:  [][]string{{"field"}, {"field"}},
	Differs: `encoding/csv reads one field "field\rfield"`,
}, {
	Name:    "FieldCRCR",
	Input:   "§field\r\r¶§field\r\r",
	Output:  [][]string{{"field"}, {"field"}},
	Differs: `encoding/csv reads one field "field\r\rfield\r"`,
}, {
	Name:    "FieldCRCRLF",
	Input:   "§field\r\r\n¶§field\r\r\n",
	Output:  [][]string{{"field"}, {"field"}},
	Differs: `encoding/csv reads {"field\r"}, {"field\r"}`,
}, {
	Name:    "FieldCRCRLFCR",
	Input:   "§field\r\r\n\r¶§field\r\r\n\r",
	Output:  [][]string{{"field"}, {"field"}},
	Differs: `encoding/csv reads {"field\r"}, {"\rfield\r"}`,
}, {
	Name:    "FieldCRCRLFCRCR",
	Input:   "§field\r\r\n\r\r¶§field\r\r\n\r\r",
	Output:  [][]string{{"field"}, {"field"}},
	Differs: `encoding/csv reads {"field\r"}, {"\r\rfield\r"}, {"\r"}`,
}, {
	Name:  "MultiFieldCRCRLFCRCR",
	Input: "§field1,§field2\r\r\n\r\r¶§field1,§field2\r\r\n\r\r¶§,§",
	Output: [][]string{
		{"field1", "field2"},
		{"field1", "field2"},
		{"", ""},
	},
	Differs: `encoding/csv reads {"field1", "field2\r"}, {"\r\rfield1", "field2\r"}, {"\r\r", ""}`,
}, {
	Name:    "NonASCIICommaAndComment",
	Input:   "§a£§b,c£§ \td,e\n€ comment\n",
	Output:  [][]string{{"a", "b,c", " \td,e"}},
	Comma:   '£',
	Comment: '€',
}, {
	Name:    "NonASCIICommaAndCommentWithQuotes",
	Input:   "§a€§\"  b,\"€§ c\nλ comment\n",
	Output:  [][]string{{"a", "  b,", " c"}},
	Comma:   '€',
	Comment: 'λ',
}, {
	// λ and θ start with the same byte.
	// This tests that the parser doesn't confuse such characters.
	Name:    "NonASCIICommaConfusion",
	Input:   "§\"abθcd\"λ§efθgh",
	Output:  [][]string{{"abθcd", "efθgh"}},
	Comma:   'λ',
	Comment: '€',
}, {
	Name:    "NonASCIICommentConfusion",
	Input:   "§λ\n¶§λ\nθ\n¶§λ\n",
	Output:  [][]string{{"λ"}, {"λ"}, {"λ"}},
	Comment: 'θ',
}, {
	Name:   "QuotedFieldMultipleLF",
	Input:  "§\"\n\n\n\n\"",
	Output: [][]string{{"\n\n\n\n"}},
}, {
	Name:  "MultipleCRLF",
	Input: "\r\n\r\n\r\n\r\n",
}, {
	// The implementation may read each line in several chunks if it doesn't fit entirely
	// in the read buffer, so we should test the code to handle that condition.
	Name:    "HugeLines",
	Input:   strings.Repeat("#ignore\n", 10000) + "§" + strings.Repeat("@", 5000) + ",§" + strings.Repeat("*", 5000),
	Output:  [][]string{{strings.Repeat("@", 5000), strings.Repeat("*", 5000)}},
	Comment: '#',
}, {
	Name:   "QuoteWithTrailingCRLF",
	Input:  "§\"foo∑\"bar\"\r\n",
	Errors: []error{&ParseError{Err: ErrQuote}},
}, {
	Name:   "DoubleQuoteWithTrailingCRLF",
	Input:  "§\"foo\"\"bar\"\r\n",
	Output: [][]string{{`foo"bar`}},
}, {
	Name:   "EvenQuotes",
	Input:  `§""""""""`,
	Output: [][]string{{`"""`}},
}, {
	Name:   "OddQuotes",
	Input:  `§"""""""∑`,
	Errors: []error{&ParseError{Err: ErrQuote}},
}, {
	Name:   "BadComma1",
	Comma:  '\n',
	Errors: []error{errInvalidDelim},
}, {
	Name:   "BadComma2",
	Comma:  '\r',
	Errors: []error{errInvalidDelim},
}, {
	Name:   "BadComma3",
	Comma:  '"',
	Errors: []error{errInvalidDelim},
}, {
	Name:   "BadComma4",
	Comma:  utf8.RuneError,
	Errors: []error{errInvalidDelim},
}, {
	Name:    "BadComment1",
	Comment: '\n',
	Errors:  []error{errInvalidDelim},
}, {
	Name:    "BadComment2",
	Comment: '\r',
	Errors:  []error{errInvalidDelim},
}, {
	Name:    "BadComment3",
	Comment: utf8.RuneError,
	Errors:  []error{errInvalidDelim},
}, {
	Name:    "BadCommaComment",
	Comma:   'X',
	Comment: 'X',
	Errors:  []error{errInvalidDelim},
},

	// csvscan's own cases.
	{
		Name:    "QuotedCRLFKept",
		Input:   "§\"a\r\nb\",§c\r\n¶§d,§\"e\r\n\r\nf\"\r\n",
		Output:  [][]string{{"a\r\nb", "c"}, {"d", "e\r\n\r\nf"}},
		Differs: `encoding/csv reads "a\nb" and "e\n\nf"`,
	}, {
		Name:    "QuotedLoneCRKept",
		Input:   "§\"a\rb\",§c\r¶§\"\r\",§\"\r\r\"",
		Output:  [][]string{{"a\rb", "c"}, {"\r", "\r\r"}},
		Differs: `encoding/csv reads "a\rb", then ErrBareQuote at line 1, column 9: to it no CR ends a line`,
	}, {
		Name:    "QuotedLFCRKept",
		Input:   "§\"a\n\rb\n\r\"\n\r¶§c",
		Output:  [][]string{{"a\n\rb\n\r"}, {"c"}},
		Differs: `encoding/csv reads the same field, then {"\rc"} on line 4`,
	}, {
		Name:    "MixedLineEnds",
		Input:   "§a\n¶§b\r\n¶§c\r¶§d\n\r\n\r\r¶§e",
		Output:  [][]string{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}},
		Differs: `encoding/csv reads {"a"}, {"b"}, {"c\rd"}, {"\r\re"}`,
	}, {
		Name:    "OldMacFile",
		Input:   "§x,§y\r¶§1,§2\r¶§3,§4\r",
		Output:  [][]string{{"x", "y"}, {"1", "2"}, {"3", "4"}},
		Differs: `encoding/csv reads one record {"x", "y\r1", "2\r3", "4"}`,
	}, {
		Name:               "OldMacFieldCount",
		Input:              "§x,§y\r¶§1,§2\r¶∑§3\r¶§4,§5",
		Output:             [][]string{{"x", "y"}, {"1", "2"}, {"3"}, {"4", "5"}},
		Errors:             []error{nil, nil, &ParseError{Err: ErrFieldCount}},
		UseFieldsPerRecord: true,
		Differs:            "encoding/csv reads one record",
	}, {
		Name:    "ErrorLineAfterCR",
		Input:   "§a\r¶§\"b\rc∑\"x",
		Output:  [][]string{{"a"}},
		Errors:  []error{nil, &ParseError{Err: ErrQuote}},
		Differs: "encoding/csv: ErrBareQuote at line 1, column 3",
	}, {
		Name:    "BareQuoteLineAfterCRLFInQuotes",
		Input:   "§\"a\r\nb\",§c\r\n¶§d,§\"\r\n\",§e∑\"",
		Output:  [][]string{{"a\r\nb", "c"}},
		Errors:  []error{nil, &ParseError{Err: ErrBareQuote}},
		Differs: `encoding/csv reads "a\nb"`,
	}, {
		Name:    "FieldPosMultiLine",
		Input:   "§\"a\r\nb\",§\"c\rd\ne\",§f\n¶§g,§\"\n\r\n\",§h\r¶§i",
		Output:  [][]string{{"a\r\nb", "c\rd\ne", "f"}, {"g", "\n\r\n", "h"}, {"i"}},
		Differs: "encoding/csv normalizes the CR LF and counts no CR as a line end",
	}, {
		Name:   "OpenQuoteAtEOF",
		Input:  "§\"abc∑",
		Errors: []error{&ParseError{Err: ErrQuote}},
	}, {
		Name:    "OpenQuoteAtEOFAfterLF",
		Input:   "§\"abc\n∑",
		Errors:  []error{&ParseError{Err: ErrQuote}},
		Differs: "encoding/csv: ErrQuote at line 1, column 6, past the LF",
	}, {
		Name:    "OpenQuoteAtEOFAfterCRLF",
		Input:   "§a\r\n¶§\"b\r\n\r\n∑",
		Output:  [][]string{{"a"}},
		Errors:  []error{nil, &ParseError{Err: ErrQuote}},
		Differs: "encoding/csv: ErrQuote at line 3, column 2, past the last LF",
	}, {
		Name:   "BOM",
		Input:  "\ufeff§a,§b\n¶§c,§d\n",
		Output: [][]string{{"a", "b"}, {"c", "d"}},
		// encoding/csv reads "\ufeffa", and FieldPos(1) is column 6.
		Differs: "encoding/csv keeps the BOM in the first field",
	}, {
		Name:    "BOMQuoted",
		Input:   "\ufeff§\"a\",§b",
		Output:  [][]string{{"a", "b"}},
		Differs: "encoding/csv: ErrBareQuote at column 4",
	}, {
		Name:    "BOMAlone",
		Input:   "\ufeff",
		Differs: `encoding/csv reads {"\ufeff"}`,
	}, {
		Name:    "BOMBlankLine",
		Input:   "\ufeff\r\n§a",
		Output:  [][]string{{"a"}},
		Differs: `encoding/csv reads {"\ufeff"}, {"a"}`,
	}, {
		Name:    "BOMComment",
		Input:   "\ufeff#c\n§a",
		Output:  [][]string{{"a"}},
		Comment: '#',
		Differs: `encoding/csv reads {"\ufeff#c"}, {"a"}`,
	}, {
		Name:    "BOMTwice",
		Input:   "\ufeff§\ufeffa\n¶§\ufeffb",
		Output:  [][]string{{"\ufeffa"}, {"\ufeffb"}},
		Differs: "encoding/csv keeps both BOMs of the first field",
	}, {
		Name:   "BOMCut",
		Input:  "§\xef\xbb,§\xef",
		Output: [][]string{{"\xef\xbb", "\xef"}},
	}, {
		Name:   "BOMCutAtEOF",
		Input:  "§\xef\xbb",
		Output: [][]string{{"\xef\xbb"}},
	}, {
		Name:   "InvalidUTF8Kept",
		Input:  "§\xff\xfe,§\xc3\x28,§\"\xe2\x82\",§\xed\xa0\x80\n¶§\"\xc0\xaf\n\x80\"",
		Output: [][]string{{"\xff\xfe", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80"}, {"\xc0\xaf\n\x80"}},
	}, {
		Name:    "InvalidUTF8NonASCIIComma",
		Input:   "§\xceλ§\xbbλ§\xce\xceλ§\"\xce\"",
		Output:  [][]string{{"\xce", "\xbb", "\xce\xce", "\xce"}},
		Comma:   'λ',
		Comment: '\U0001F600',
	}, {
		Name:    "CommentCR",
		Input:   "#c\r§a\r#d\r\n¶§b\r#\r",
		Output:  [][]string{{"a"}, {"b"}},
		Comment: '#',
		Differs: `encoding/csv skips "#c\ra\r#d" as one comment line, then reads {"b\r#"}`,
	}, {
		Name:    "CommentNotFirstColumn",
		Input:   "§ #a,§b\n¶§\"#c\",§d\n",
		Output:  [][]string{{" #a", "b"}, {"#c", "d"}},
		Comment: '#',
	}, {
		Name:    "CommentInsideQuotedField",
		Input:   "§\"a\n#b\n\",§c\n#d\n¶§e",
		Output:  [][]string{{"a\n#b\n", "c"}, {"e"}},
		Comment: '#',
	}, {
		Name:               "FieldsPerRecordPositive",
		Input:              "§a,§b\n¶§c,§d\n¶∑§e,§f,§g\n¶§h,§i",
		Output:             [][]string{{"a", "b"}, {"c", "d"}, {"e", "f", "g"}, {"h", "i"}},
		Errors:             []error{nil, nil, &ParseError{Err: ErrFieldCount}},
		UseFieldsPerRecord: true,
		FieldsPerRecord:    2,
	}, {
		Name:               "FieldsPerRecordMultiLine",
		Input:              "§a,§b\r\n¶∑§\"c\r\n\",§d,§e",
		Output:             [][]string{{"a", "b"}, {"c\r\n", "d", "e"}},
		Errors:             []error{nil, &ParseError{Err: ErrFieldCount}},
		UseFieldsPerRecord: true,
		Differs:            `encoding/csv reads "c\n"`,
	}, {
		Name:   "FieldsPerRecordVariable",
		Input:  "§a\n¶§b,§c\n¶§d,§e,§f\n¶§,§",
		Output: [][]string{{"a"}, {"b", "c"}, {"d", "e", "f"}, {"", ""}},
	}, {
		Name:   "Tab",
		Input:  "§a\t§\"b\tc\"\t§\n",
		Output: [][]string{{"a", "b\tc", ""}},
		Comma:  '\t',
	}, {
		Name:   "QuoteThenCommaAtLineEnd",
		Input:  "§\"a\",§\n¶§b",
		Output: [][]string{{"a", ""}, {"b"}},
	}, {
		Name:    "QuotedEmptyLine",
		Input:   "§\"\"\n¶§\"\"\r¶§x",
		Output:  [][]string{{""}, {""}, {"x"}},
		Differs: "encoding/csv: ErrQuote at the CR after the second quoted field",
	}, {
		Name:   "QuoteAfterCommaInQuoted",
		Input:  "§\"a∑\"b,c",
		Errors: []error{&ParseError{Err: ErrQuote}},
	}, {
		Name:        "ReuseRecordQuoted",
		Input:       "§\"a\",§b\n¶§c,§\"d\"\"\"\n¶§e",
		Output:      [][]string{{"a", "b"}, {"c", `d"`}, {"e"}},
		ReuseRecord: true,
	}}

// readers are the ways each test case is read: its input given whole, or
// one byte at a time into a small buffer that must grow, which puts every
// line end, CR LF included, across buffer boundaries.
var readers = []struct {
	name    string
	wrap    func(io.Reader) io.Reader
	bufSize int
}{
	{"whole", func(r io.Reader) io.Reader { return r }, defaultBufSize},
	{"bytes", iotest.OneByteReader, 4},
	{"halves", iotest.HalfReader, 5},
}

func TestRead(t *testing.T) {
	for _, tt := range readTests {
		for _, rd := range readers {
			t.Run(tt.Name+"/"+rd.name, func(t *testing.T) {
				positions, errPositions, input := makePositions(tt.Input)
				r := NewReader(rd.wrap(strings.NewReader(input)))
				r.bufSize = rd.bufSize
				if tt.Comma != 0 {
					r.Comma = tt.Comma
				}
				r.Comment = tt.Comment
				if tt.UseFieldsPerRecord {
					r.FieldsPerRecord = tt.FieldsPerRecord
				} else {
					r.FieldsPerRecord = -1
				}
				r.ReuseRecord = tt.ReuseRecord

				var prev []string
				var prevCopy []string
				for recNum := 0; ; recNum++ {
					rec, err := r.Read()
					var wantErr error
					if recNum < len(tt.Errors) && tt.Errors[recNum] != nil {
						wantErr = errorWithPosition(tt.Errors[recNum], recNum, positions, errPositions)
					} else if recNum >= len(tt.Output) {
						wantErr = io.EOF
					}
					if !reflect.DeepEqual(err, wantErr) {
						t.Fatalf("Read() error at record %d:\ngot  %v (%#v)\nwant %v (%#v)", recNum, err, err, wantErr, wantErr)
					}
					if err != nil && !errors.Is(err, ErrFieldCount) {
						if err == io.EOF && int64(len(input)) != r.InputOffset() {
							t.Errorf("InputOffset() = %d at the end, want %d", r.InputOffset(), len(input))
						}
						break
					}
					if got, want := rec, tt.Output[recNum]; !slices.Equal(got, want) {
						t.Errorf("record %d:\ngot  %q\nwant %q", recNum, got, want)
					}
					// The strings of a record outlive the next Read.
					if prev != nil && !slices.Equal(prev, prevCopy) && !tt.ReuseRecord {
						t.Errorf("record %d changed to %q after the next Read", recNum-1, prev)
					}
					prev, prevCopy = rec, slices.Clone(rec)
					pos := positions[recNum]
					if len(pos) != len(rec) {
						t.Fatalf("mismatched position length at record %d", recNum)
					}
					for i := range rec {
						line, col := r.FieldPos(i)
						if got, want := [2]int{line, col}, pos[i]; got != want {
							t.Errorf("FieldPos(%d) at record %d = %v, want %v", i, recNum, got, want)
						}
					}
				}
			})
		}
	}
}

func errorWithPosition(err error, recNum int, positions [][][2]int, errPositions map[int][2]int) error {
	parseErr, ok := err.(*ParseError)
	if !ok {
		return err
	}
	if recNum >= len(positions) {
		panic(fmt.Errorf("no positions found for error at record %d", recNum))
	}
	errPos, ok := errPositions[recNum]
	if !ok {
		panic(fmt.Errorf("no error position found for error at record %d", recNum))
	}
	parseErr1 := *parseErr
	parseErr1.StartLine = positions[recNum][0][0]
	parseErr1.Line = errPos[0]
	parseErr1.Column = errPos[1]
	return &parseErr1
}

// makePositions returns the expected field positions of all the fields in
// text, the positions of any errors, and the text with the markers
// removed. The start of each field is marked with §, records are
// separated by ¶ and error positions are marked with ∑. LF, CR LF and a
// lone CR each end a line; a BOM at the very start takes no column.
func makePositions(text string) ([][][2]int, map[int][2]int, string) {
	buf := make([]byte, 0, len(text))
	var positions [][][2]int
	errPositions := make(map[int][2]int)
	line, col := 1, 1
	recNum := 0

	if strings.HasPrefix(text, bom) {
		buf = append(buf, bom...)
		text = text[len(bom):]
	}
	for len(text) > 0 {
		r, size := utf8.DecodeRuneInString(text)
		switch {
		case r == '\n' || r == '\r' && !strings.HasPrefix(text[1:], "\n"):
			line++
			col = 1
			buf = append(buf, text[0])
		case r == '§':
			if len(positions) == 0 {
				positions = append(positions, [][2]int{})
			}
			positions[len(positions)-1] = append(positions[len(positions)-1], [2]int{line, col})
		case r == '¶':
			positions = append(positions, [][2]int{})
			recNum++
		case r == '∑':
			errPositions[recNum] = [2]int{line, col}
		default:
			buf = append(buf, text[:size]...)
			col += size
		}
		text = text[size:]
	}
	return positions, errPositions, string(buf)
}

// TestReadAfterError checks that Read goes on after a syntax error, on the
// line after it, as encoding/csv does, and that FieldsPerRecord 0 is set
// from the first record read without error (encoding/csv would set it to
// 1 from the cut record {"a"}).
func TestReadAfterError(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\"c\rd,e\r\n\"f\"g\nh\n"))
	type result struct {
		rec  []string
		line int
		err  error
	}
	want := []result{
		{[]string{"a"}, 0, ErrBareQuote},
		{[]string{"d", "e"}, 2, nil},
		{nil, 0, ErrQuote},
		{[]string{"h"}, 4, ErrFieldCount},
		{nil, 0, io.EOF},
	}
	for i, w := range want {
		rec, err := r.Read()
		if !errors.Is(err, w.err) || (err == nil) != (w.err == nil) {
			t.Fatalf("Read %d: error %v, want %v", i, err, w.err)
		}
		if !slices.Equal(rec, w.rec) {
			t.Errorf("Read %d = %q, want %q", i, rec, w.rec)
		}
		if rec != nil && w.line > 0 {
			if line, _ := r.FieldPos(0); line != w.line {
				t.Errorf("Read %d: line %d, want %d", i, line, w.line)
			}
		}
	}
}

// TestReadIOError checks that an error reading the input is returned as
// it is, after the complete lines before it.
func TestReadIOError(t *testing.T) {
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("a,b\r\nc,\"d\r\n"), iotest.ErrReader(boom))
	r := NewReader(in)
	rec, err := r.Read()
	if err != nil || !slices.Equal(rec, []string{"a", "b"}) {
		t.Fatalf("Read = %q, %v", rec, err)
	}
	for range 2 {
		rec, err = r.Read()
		if err != boom || rec != nil {
			t.Fatalf("Read = %q, %v; want nil, boom", rec, err)
		}
	}
}

// TestCSVErrorsIs checks that the sentinels are encoding/csv's.
func TestCSVErrorsIs(t *testing.T) {
	r := NewReader(strings.NewReader(`a"b`))
	_, err := r.Read()
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 || pe.Column != 2 {
		t.Fatalf("Read error = %#v", err)
	}
	if !errors.Is(err, csv.ErrBareQuote) {
		t.Errorf("errors.Is(%v, csv.ErrBareQuote) = false", err)
	}
	if got, want := err.Error(), "csvscan: parse error on line 1, column 2: bare \" in non-quoted-field"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestStartAt reads every test case whole and then again from the
// RecordOffset of each of its records, with StartAt given that offset and
// the line before the record: each partial reading must give the rest of
// the whole reading, with the same records, positions, errors, offsets and
// record offsets. RecordOffset itself must point at the byte of the
// record's first field, found from the case's § markers.
func TestStartAt(t *testing.T) {
	type step struct {
		Rec       []string
		Pos       [][2]int
		Err       string
		Offset    int64
		RecOffset int64
	}
	// read calls Read until io.EOF, going on after syntax errors, and
	// records each step and FieldsPerRecord before it.
	read := func(r *Reader) (steps []step, fpr []int) {
		for {
			fpr = append(fpr, r.FieldsPerRecord)
			rec, err := r.Read()
			if err == io.EOF {
				return steps, fpr
			}
			st := step{Rec: slices.Clone(rec), Err: errString(err), Offset: r.InputOffset(), RecOffset: r.RecordOffset()}
			for i := range rec {
				line, col := r.FieldPos(i)
				st.Pos = append(st.Pos, [2]int{line, col})
			}
			steps = append(steps, st)
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				return steps, fpr // an invalid delimiter
			}
		}
	}
	for _, tt := range readTests {
		t.Run(tt.Name, func(t *testing.T) {
			positions, _, input := makePositions(tt.Input)
			newReader := func(in string) *Reader {
				r := NewReader(strings.NewReader(in))
				if tt.Comma != 0 {
					r.Comma = tt.Comma
				}
				r.Comment = tt.Comment
				r.FieldsPerRecord = -1
				if tt.UseFieldsPerRecord {
					r.FieldsPerRecord = tt.FieldsPerRecord
				}
				return r
			}
			whole, fpr := read(newReader(input))

			// The offset of each line's first byte, lines ending as
			// csvscan ends them.
			lineStart := []int{0}
			for i := 0; i < len(input); i++ {
				if input[i] == '\n' || input[i] == '\r' && (i+1 == len(input) || input[i+1] != '\n') {
					lineStart = append(lineStart, i+1)
				}
			}
			for i, st := range whole {
				if i < len(positions) && len(positions[i]) > 0 && st.Err == "" {
					p := positions[i][0]
					want := int64(lineStart[p[0]-1] + p[1] - 1)
					if p[0] == 1 && strings.HasPrefix(input, bom) {
						want += int64(len(bom))
					}
					if st.RecOffset != want {
						t.Errorf("record %d: RecordOffset() = %d, want %d", i, st.RecOffset, want)
					}
				}
				if len(st.Pos) == 0 {
					continue // no record to start at
				}
				r := newReader(input[st.RecOffset:])
				r.FieldsPerRecord = fpr[i]
				r.StartAt(st.Pos[0][0]-1, st.RecOffset)
				rest, _ := read(r)
				if !reflect.DeepEqual(rest, whole[i:]) {
					t.Errorf("from record %d at offset %d:\ngot  %+v\nwant %+v", i, st.RecOffset, rest, whole[i:])
				}
			}
		})
	}
}

// TestStartAtBOM checks that StartAt at an offset past 0 keeps a BOM,
// which is then text in the middle of the input, and drops it at 0.
func TestStartAtBOM(t *testing.T) {
	for _, tc := range []struct {
		offset int64
		want   string
	}{{0, "a"}, {7, bom + "a"}} {
		r := NewReader(strings.NewReader(bom + "a,b\n"))
		r.StartAt(4, tc.offset)
		rec, err := r.Read()
		if err != nil || rec[0] != tc.want {
			t.Fatalf("StartAt(4, %d): Read = %q, %v; want first field %q", tc.offset, rec, err, tc.want)
		}
		if line, col := r.FieldPos(0); line != 5 || col != 1 {
			t.Errorf("StartAt(4, %d): FieldPos(0) = %d, %d; want 5, 1", tc.offset, line, col)
		}
		want := tc.offset + int64(len(bom)+len("a,b\n"))
		if got := r.InputOffset(); got != want {
			t.Errorf("StartAt(4, %d): InputOffset() = %d, want %d", tc.offset, got, want)
		}
	}
}

// TestQuote reads with other quote characters and without quoting.
func TestQuote(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		comma rune
		quote rune
		want  [][]string
		err   error
	}{
		{"single quotes", "'a,b',c\n'it''s',\"d\"\n", ',', '\'', [][]string{{"a,b", "c"}, {"it's", `"d"`}}, nil},
		{"single quotes spanning lines", "x;'a\r\nb';y\n", ';', '\'', [][]string{{"x", "a\r\nb", "y"}}, nil},
		{"single quotes, multi-byte comma", "'a€b'€c\n", '€', '\'', [][]string{{"a€b", "c"}}, nil},
		{"single quote inside a field", "it's,x\n", ',', '\'', nil, ErrBareQuote},
		{"no quoting", "\"a,b\",c\n5\",\"\"\n", ',', 0, [][]string{{`"a`, `b"`, "c"}, {`5"`, `""`}}, nil},
		{"no quoting, long fields", "\"abcdefghijk\"lmnop,\"qrstuvwxyz\n", ',', 0, [][]string{{`"abcdefghijk"lmnop`, `"qrstuvwxyz`}}, nil},
		{"no quoting, multi-byte comma", "\"a€b\"\n", '€', 0, [][]string{{`"a`, `b"`}}, nil},
		{"no quoting, tab", "\"a\t'b\"\n", '\t', 0, [][]string{{`"a`, `'b"`}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			r.Comma, r.Quote, r.FieldsPerRecord = tt.comma, tt.quote, -1
			var got [][]string
			var err error
			for {
				var rec []string
				rec, err = r.Read()
				if err != nil {
					break
				}
				got = append(got, rec)
			}
			if err == io.EOF {
				err = nil
			}
			if !errors.Is(err, tt.err) || tt.err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
	for _, o := range []struct{ comma, quote, comment rune }{
		{',', ',', 0}, {',', '\n', 0}, {',', 'é', 0}, {',', '#', '#'}, {'\'', '\'', 0},
	} {
		r := NewReader(strings.NewReader("a\n"))
		r.Comma, r.Quote, r.Comment = o.comma, o.quote, o.comment
		if _, err := r.Read(); err == nil || err == io.EOF {
			t.Errorf("comma %q quote %q comment %q: err %v, want invalid options", o.comma, o.quote, o.comment, err)
		}
	}
	// Without quoting, '"' may be the delimiter.
	r := NewReader(strings.NewReader("a\"b\n"))
	r.Comma, r.Quote = '"', 0
	if rec, err := r.Read(); err != nil || !reflect.DeepEqual(rec, []string{"a", "b"}) {
		t.Errorf("comma '\"' without quoting: %q, %v", rec, err)
	}
}
