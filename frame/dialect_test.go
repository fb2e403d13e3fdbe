package frame

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// table is what a reader made of an input: the dialect, the column names
// and kinds, every cell as FormatValue writes it, and each row's line.
type table struct {
	dialect Dialect
	names   []string
	kinds   []Kind
	rows    [][]string
	lines   []int64
}

// readTable reads in whole with opts, from a seekable reader and from a
// stream (spooled), checks that both read alike and that the records free
// their memory, and returns what they read.
func readTable(t *testing.T, in, name string, opts CSVOptions) (table, error) {
	t.Helper()
	var got [2]table
	var errs [2]error
	for i, seekable := range []bool{true, false} {
		var src io.Reader = strings.NewReader(in)
		if !seekable {
			src = onlyReader{src}
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		o := opts
		o.Allocator, o.ChunkSize, o.TempDir = mem, 2, t.TempDir()
		got[i], errs[i] = readAllOf(src, name, o)
		mem.AssertSize(t, 0)
	}
	if fmt.Sprint(errs[0]) != fmt.Sprint(errs[1]) || !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("seekable and spooled reads differ:\n%+v, %v\n%+v, %v", got[0], errs[0], got[1], errs[1])
	}
	return got[0], errs[0]
}

func readAllOf(src io.Reader, name string, opts CSVOptions) (table, error) {
	var tb table
	r, err := NewCSVReader(src, name, opts)
	if err != nil {
		return tb, err
	}
	defer r.Release()
	tb.dialect = r.Dialect()
	for _, c := range r.FrameSchema().Columns {
		tb.names = append(tb.names, c.Name)
		tb.kinds = append(tb.kinds, c.Kind)
	}
	for r.Next() {
		rec := r.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for j := range row {
				row[j] = FormatValue(rec.Column(j), i)
			}
			tb.rows = append(tb.rows, row)
		}
		tb.lines = append(tb.lines, r.Lines()...)
	}
	return tb, r.Err()
}

// sniffed is a sniffed dialect.
func sniffed(delim, quote, decimal rune, header bool) Dialect {
	return Dialect{Delimiter: delim, Quote: quote, Decimal: decimal, Header: header, Sniffed: true}
}

// TestDialects reads inputs in many dialects, sniffed or given, and checks
// the dialect used, the columns and every cell.
func TestDialects(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		file    string // the input's name; "in.csv" when empty
		opts    CSVOptions
		dialect Dialect
		names   []string
		kinds   []Kind
		rows    [][]string
		lines   []int64 // nil: not checked
	}{
		{name: "comma", csv: "a,b\n1,x\n2,y\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindInt, KindText},
			rows: [][]string{{"1", "x"}, {"2", "y"}}, lines: []int64{2, 3}},
		{name: "semicolon with decimal comma", csv: "time;v;n\n2020-01-01;1,5;2\n2020-01-02;-0,25;3\n2020-01-03;;4\n",
			dialect: sniffed(';', '"', ',', true), names: []string{"time", "v", "n"}, kinds: []Kind{KindTime, KindFloat, KindInt},
			rows: [][]string{{"2020-01-01", "1.5", "2"}, {"2020-01-02", "-0.25", "3"}, {"2020-01-03", "", "4"}}},
		{name: "semicolon with decimal comma, exponent and NaN", csv: "a;b\n1,5e3;NaN\n2;0,5\n",
			dialect: sniffed(';', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindFloat, KindFloat},
			rows: [][]string{{"1500", "NaN"}, {"2", "0.5"}}},
		{name: "semicolon, decimal points", csv: "a;b\n1.5;x\n2.5;y\n",
			dialect: sniffed(';', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindFloat, KindText},
			rows: [][]string{{"1.5", "x"}, {"2.5", "y"}}},
		{name: "decimal comma: a decimal point is text", csv: "a;b\n1,5;x\n2,5;y\n1.5;z\n",
			dialect: sniffed(';', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindMixed, KindText},
			rows: [][]string{{"1,5", "x"}, {"2,5", "y"}, {"1.5", "z"}}},
		{name: "headerless semicolons with decimal commas", csv: "1,5;2,5\n3,5;4,5\n",
			dialect: sniffed(';', '"', ',', false), names: []string{"column0", "column1"}, kinds: []Kind{KindFloat, KindFloat},
			rows: [][]string{{"1.5", "2.5"}, {"3.5", "4.5"}}, lines: []int64{1, 2}},
		{name: "tab", csv: "a\tb c\n1\tx, y\n2\tz\n",
			dialect: sniffed('\t', '"', '.', true), names: []string{"a", "b c"}, kinds: []Kind{KindInt, KindText},
			rows: [][]string{{"1", "x, y"}, {"2", "z"}}},
		{name: "tab with decimal comma", csv: "a\tb\n1,25\t2\n",
			dialect: sniffed('\t', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindFloat, KindInt},
			rows: [][]string{{"1.25", "2"}}},
		{name: "tab, single quotes, decimal comma: not read at the commas", csv: "'x'\t'y''s'\t118,5\n'z'\t'w'\t2,5\n",
			dialect: sniffed('\t', '\'', ',', false), names: []string{"column0", "column1", "column2"}, kinds: []Kind{KindText, KindText, KindFloat},
			rows: [][]string{{"x", "y's", "118.5"}, {"z", "w", "2.5"}}},
		{name: "semicolon, quoted text with commas", csv: "-66;'x0,,'\n-25;'x0,\"\",'\n-14;'x0,,'\n",
			dialect: sniffed(';', '\'', '.', false), names: []string{"column0", "column1"}, kinds: []Kind{KindInt, KindText},
			rows: [][]string{{"-66", "x0,,"}, {"-25", "x0,\"\","}, {"-14", "x0,,"}}},
		{name: "pipe", csv: "a|b|c\n1|2|x;y\n3|4|z\n",
			dialect: sniffed('|', '"', '.', true), names: []string{"a", "b", "c"}, kinds: []Kind{KindInt, KindInt, KindText},
			rows: [][]string{{"1", "2", "x;y"}, {"3", "4", "z"}}},
		{name: "single quotes", csv: "name,v\n'a,b',1\n'it''s',2\nc,3\n",
			dialect: sniffed(',', '\'', '.', true), names: []string{"name", "v"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"a,b", "1"}, {"it's", "2"}, {"c", "3"}}},
		{name: "single quotes without a delimiter inside", csv: "name,v\n'a',1\n'b',2\n",
			dialect: sniffed(',', '\'', '.', true), names: []string{"name", "v"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"a", "1"}, {"b", "2"}}},
		{name: "apostrophes are no quotes", csv: "name,v\nit's,1\nO'Brien,2\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"name", "v"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"it's", "1"}, {"O'Brien", "2"}}},
		{name: "no quotes, given", csv: "size,v\n5\",1\n\"6\",2\n", opts: CSVOptions{Quote: NoQuote},
			dialect: sniffed(',', 0, '.', true), names: []string{"size", "v"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"5\"", "1"}, {"\"6\"", "2"}}},
		{name: "no quote character in the file", csv: "a,b\nx,1\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"x", "1"}}},
		{name: "header over typed columns", csv: "t,v,ok\n2020-01-01T00:00:00Z,1.5,true\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"t", "v", "ok"}, kinds: []Kind{KindTime, KindFloat, KindBool},
			rows: [][]string{{"2020-01-01T00:00:00Z", "1.5", "true"}}},
		{name: "header of numbers over text", csv: "1,2\nx,y\nz,w\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"1", "2"}, kinds: []Kind{KindText, KindText},
			rows: [][]string{{"x", "y"}, {"z", "w"}}},
		{name: "no header: numbers", csv: "1,2.5\n3,4.5\n",
			dialect: sniffed(',', '"', '.', false), names: []string{"column0", "column1"}, kinds: []Kind{KindInt, KindFloat},
			rows: [][]string{{"1", "2.5"}, {"3", "4.5"}}, lines: []int64{1, 2}},
		{name: "no header: a text column tells nothing", csv: "2020-01-01T00:00:00Z,s1,1.5\n2020-01-01T00:01:00Z,s2,2.5\n",
			dialect: sniffed(',', '"', '.', false), names: []string{"column0", "column1", "column2"}, kinds: []Kind{KindTime, KindText, KindFloat},
			rows: [][]string{{"2020-01-01T00:00:00Z", "s1", "1.5"}, {"2020-01-01T00:01:00Z", "s2", "2.5"}}},
		{name: "no header: an int over floats fits", csv: "1,2\n1.5,2\n",
			dialect: sniffed(',', '"', '.', false), names: []string{"column0", "column1"}, kinds: []Kind{KindFloat, KindInt},
			rows: [][]string{{"1", "2"}, {"1.5", "2"}}},
		{name: "a header row alone", csv: "a,b\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindNull, KindNull}},
		{name: "all text: a header", csv: "a,b\nx,y\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindText, KindText},
			rows: [][]string{{"x", "y"}}},
		{name: "one column", csv: "v\n1\n2\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"v"}, kinds: []Kind{KindInt},
			rows: [][]string{{"1"}, {"2"}}},
		{name: "one column of text with other delimiters", csv: "note\nhi; there\nx|y\ta\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"note"}, kinds: []Kind{KindText},
			rows: [][]string{{"hi; there"}, {"x|y\ta"}}},
		{name: "one column, one line", csv: "v",
			dialect: sniffed(',', '"', '.', true), names: []string{"v"}, kinds: []Kind{KindNull}},
		{name: "quoted delimiters fool a naive count", csv: "a;b\n\"x;y;z\";1\n\"p;q\";2\n\"1,5\";3\n",
			dialect: sniffed(';', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindMixed, KindInt},
			rows: [][]string{{"x;y;z", "1"}, {"p;q", "2"}, {"1,5", "3"}}},
		{name: "quoted commas in a comma file", csv: "a,b,c\n\"1,2,3\",x,\"y,z\"\n\"4,5\",w,v\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b", "c"}, kinds: []Kind{KindText, KindText, KindText},
			rows: [][]string{{"1,2,3", "x", "y,z"}, {"4,5", "w", "v"}}},
		{name: "semicolons in every text cell of a comma file", csv: "t,v,note\n1,2,a;b\n3,4,c;d\n",
			dialect: sniffed(',', '"', '.', true), names: []string{"t", "v", "note"}, kinds: []Kind{KindInt, KindInt, KindText},
			rows: [][]string{{"1", "2", "a;b"}, {"3", "4", "c;d"}}},
		{name: "quoted line ends", csv: "a|b\n\"x\r\ny|z\"|1\n", dialect: sniffed('|', '"', '.', true),
			names: []string{"a", "b"}, kinds: []Kind{KindText, KindInt}, rows: [][]string{{"x\r\ny|z", "1"}}, lines: []int64{2}},
		{name: "CR LF", csv: "a;b\r\n1,5;x\r\n2,5;y\r\n",
			dialect: sniffed(';', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindFloat, KindText},
			rows: [][]string{{"1.5", "x"}, {"2.5", "y"}}, lines: []int64{2, 3}},
		{name: "lone CR", csv: "a\tb\r1\t2\r3\t4", dialect: sniffed('\t', '"', '.', true),
			names: []string{"a", "b"}, kinds: []Kind{KindInt, KindInt}, rows: [][]string{{"1", "2"}, {"3", "4"}}, lines: []int64{2, 3}},
		{name: "BOM", csv: "\ufeffa|b\n1|2\n",
			dialect: sniffed('|', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindInt, KindInt},
			rows: [][]string{{"1", "2"}}},
		{name: "BOM without a header", csv: "\ufeff1;2\n3;4\n",
			dialect: sniffed(';', '"', '.', false), names: []string{"column0", "column1"}, kinds: []Kind{KindInt, KindInt},
			rows: [][]string{{"1", "2"}, {"3", "4"}}},
		{name: "blank lines and comments", csv: "# about\n\na;b\n\n1;2\n# more\n3;4\n", opts: CSVOptions{Comment: '#'},
			dialect: sniffed(';', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindInt, KindInt},
			rows: [][]string{{"1", "2"}, {"3", "4"}}, lines: []int64{5, 7}},
		{name: ".tsv means tab", csv: "a,b\tc\n1,2\t3\n", file: "data.tsv",
			dialect: sniffed('\t', '"', ',', true), names: []string{"a,b", "c"}, kinds: []Kind{KindFloat, KindInt},
			rows: [][]string{{"1.2", "3"}}},
		{name: ".tsv.gz and a URL mean tab", csv: "a;b\tc\n1;2\t3\n", file: "https://example.com/x.tsv.gz?raw=1",
			dialect: sniffed('\t', '"', '.', true), names: []string{"a;b", "c"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"1;2", "3"}}},

		// Options override the sniffer.
		{name: "delimiter given", csv: "a;b\n1;2\n", opts: CSVOptions{Comma: ','},
			dialect: sniffed(',', '"', '.', true), names: []string{"a;b"}, kinds: []Kind{KindText},
			rows: [][]string{{"1;2"}}},
		{name: "delimiter given for a .tsv", csv: "a,b\tc\n1,2\t3\n", file: "x.tsv", opts: CSVOptions{Comma: ','},
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b\tc"}, kinds: []Kind{KindInt, KindText},
			rows: [][]string{{"1", "2\t3"}}},
		{name: "decimal point given", csv: "a;b\n1,5;2\n", opts: CSVOptions{Decimal: '.'},
			dialect: sniffed(';', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"1,5", "2"}}},
		{name: "decimal comma given", csv: "a;b\n1;2\n", opts: CSVOptions{Decimal: ','},
			dialect: sniffed(';', '"', ',', true), names: []string{"a", "b"}, kinds: []Kind{KindInt, KindInt},
			rows: [][]string{{"1", "2"}}},
		{name: "quote given", csv: "a,b\n'x',1\n'y',2\n", opts: CSVOptions{Quote: '"'},
			dialect: sniffed(',', '"', '.', true), names: []string{"a", "b"}, kinds: []Kind{KindText, KindInt},
			rows: [][]string{{"'x'", "1"}, {"'y'", "2"}}},
		{name: "no header given", csv: "a,b\n1,2\n", opts: CSVOptions{NoHeader: true},
			dialect: sniffed(',', '"', '.', false), names: []string{"column0", "column1"}, kinds: []Kind{KindMixed, KindMixed},
			rows: [][]string{{"a", "b"}, {"1", "2"}}, lines: []int64{1, 2}},
		{name: "header sniffed away: names that look like the data", csv: "region,2019,2020\nnorth,5,6\nsouth,7,8\n",
			dialect: sniffed(',', '"', '.', false), names: []string{"column0", "column1", "column2"}, kinds: []Kind{KindText, KindInt, KindInt},
			rows: [][]string{{"region", "2019", "2020"}, {"north", "5", "6"}, {"south", "7", "8"}}, lines: []int64{1, 2, 3}},
		{name: "header given", csv: "region,2019,2020\nnorth,5,6\nsouth,7,8\n", opts: CSVOptions{Header: true},
			dialect: sniffed(',', '"', '.', true), names: []string{"region", "2019", "2020"}, kinds: []Kind{KindText, KindInt, KindInt},
			rows: [][]string{{"north", "5", "6"}, {"south", "7", "8"}}},
		{name: "everything given", csv: "1|2,5\n", opts: CSVOptions{Comma: '|', Quote: NoQuote, Decimal: ',', NoHeader: true},
			dialect: Dialect{Delimiter: '|', Quote: 0, Decimal: ',', Header: false}, names: []string{"column0", "column1"},
			kinds: []Kind{KindInt, KindFloat}, rows: [][]string{{"1", "2.5"}}},
		{name: "no sniffing", csv: "1;2\n3;4\n", opts: CSVOptions{NoSniff: true},
			dialect: DefaultDialect, names: []string{"1;2"}, kinds: []Kind{KindText}, rows: [][]string{{"3;4"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "in.csv"
			}
			got, err := readTable(t, tt.csv, file, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.dialect != tt.dialect {
				t.Errorf("dialect %v, want %v", got.dialect, tt.dialect)
			}
			if !reflect.DeepEqual(got.names, tt.names) || !reflect.DeepEqual(got.kinds, tt.kinds) {
				t.Errorf("columns %q %v, want %q %v", got.names, got.kinds, tt.names, tt.kinds)
			}
			if !reflect.DeepEqual(got.rows, tt.rows) {
				t.Errorf("rows %q, want %q", got.rows, tt.rows)
			}
			if tt.lines != nil && !reflect.DeepEqual(got.lines, tt.lines) {
				t.Errorf("lines %v, want %v", got.lines, tt.lines)
			}
		})
	}
}

// TestDialectErrors checks inputs whose dialect cannot be decided, and
// options that cannot work together.
func TestDialectErrors(t *testing.T) {
	// Each delimiter splits the header into two fields and the rest into
	// one: no candidate reads two records alike, and ',' splits a record.
	const undecidable = "a,b;c\td|e\n1\n2\n"
	_, err := readTable(t, undecidable, "u.csv", CSVOptions{})
	var pe *ParseError
	if !errors.Is(err, ErrDialect) || !errors.As(err, &pe) || pe.File != "u.csv" {
		t.Fatalf("err = %v, want a *ParseError wrapping ErrDialect", err)
	}
	for _, want := range []string{
		`delimiter ',', quote '"': 1 record with 2 fields, then line 2 with 1`,
		`delimiter ';', quote '"'`, `delimiter tab, quote '"'`, `delimiter '|', quote '"'`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
	// With the delimiter given, the reader says what is wrong, and where.
	if _, err := readTable(t, undecidable, "u.csv", CSVOptions{Comma: ','}); !errors.Is(err, ErrFieldCount) || !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("delimiter given: err = %v, want ErrFieldCount at line 2", err)
	}
	// A ragged second record of a comma file.
	if _, err := readTable(t, "a,b,c\n1,2\n3,4,5\n6,7,8\n", "r.csv", CSVOptions{}); !errors.Is(err, ErrDialect) ||
		!strings.Contains(err.Error(), `delimiter ',', quote '"': 1 record with 3 fields, then line 2 with 2`) {
		t.Errorf("ragged: err = %v, want ErrDialect naming line 2", err)
	}
	// A syntax error after the first record is the reader's error.
	if _, err := readTable(t, "a,b\n1,x\"\n2,y\n", "q.csv", CSVOptions{}); !errors.As(err, &pe) || pe.Line != 2 || errors.Is(err, ErrDialect) {
		t.Errorf("bare quote: err = %v, want a syntax error at line 2", err)
	}

	for _, o := range []CSVOptions{
		{Comma: ',', Decimal: ','},
		{Decimal: ';'},
		{Quote: 'é'},
		{Quote: '\n'},
		{Comma: '"', Quote: '"'},
		{Comma: '\r'},
		{Comma: ';', Comment: ';'},
	} {
		if _, err := NewCSVReader(strings.NewReader("a;b\n1;2\n"), "o.csv", o); err == nil {
			t.Errorf("options %+v: no error", o)
		}
	}
}

// TestDialectSampleCut checks that a sample cut inside a quoted cell
// spanning lines does not count against its dialect, and that the sniffer
// reads no more than its sample to decide.
func TestDialectSampleCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b\n")
	for b.Len() < sampleSize-10 {
		b.WriteString("1,5;x\n")
	}
	b.WriteString("2,5;\"a long\ncell that the sample cuts\"\n3,5;y\n")
	got, err := readTable(t, b.String(), "cut.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := sniffed(';', '"', ',', true); got.dialect != want {
		t.Errorf("dialect %v, want %v", got.dialect, want)
	}
	if n := len(got.rows); got.rows[n-2][1] != "a long\ncell that the sample cuts" || got.rows[n-1][0] != "3.5" {
		t.Errorf("last rows %q", got.rows[n-2:])
	}
}

// TestDialectJSON round-trips dialects through their JSON form and checks
// that a contract's dialect reads inputs in it.
func TestDialectJSON(t *testing.T) {
	for _, d := range []Dialect{
		DefaultDialect,
		sniffed(';', '"', ',', true),
		{Delimiter: '\t', Quote: 0, Decimal: '.', Header: false},
		{Delimiter: 'λ', Quote: '\'', Decimal: '.', Header: true},
	} {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Dialect
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Errorf("%s: read back %+v, %v; want %+v", b, back, err, d)
		}
	}
	if b, _ := json.Marshal(sniffed(';', 0, ',', false)); string(b) != `{"delimiter":";","quote":"none","decimal":",","header":false,"sniffed":true}` {
		t.Errorf("JSON form %s", b)
	}
	for in, want := range map[string]Dialect{
		`{}`:                  DefaultDialect,
		`{"delimiter":"tab"}`: {Delimiter: '\t', Quote: '"', Decimal: '.', Header: true},
		`{"delimiter":"\t","quote":"'","header":false}`: {Delimiter: '\t', Quote: '\'', Decimal: '.', Header: false},
	} {
		var d Dialect
		if err := json.Unmarshal([]byte(in), &d); err != nil || d != want {
			t.Errorf("%s: %+v, %v; want %+v", in, d, err, want)
		}
	}
	for _, in := range []string{`{"delimiter":"ab"}`, `{"quote":"«"}`, `{"decimal":";"}`, `{"delimiter":",","decimal":","}`, `{"separator":","}`, `[]`} {
		var d Dialect
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s: no error", in)
		}
	}

	// A dialect's options read the input in it, whatever the sniffer says.
	d := Dialect{Delimiter: ';', Quote: '"', Decimal: '.', Header: true}
	got, err := readTable(t, "1,5;2\n3,5;4\n", "c.csv", d.CSVOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got.dialect != d || !reflect.DeepEqual(got.names, []string{"1,5", "2"}) || got.kinds[0] != KindText {
		t.Errorf("read in %v: %+v", d, got)
	}
	if s := sniffed(';', 0, ',', false).String(); s != `delimiter ';', quote none, decimal ',', no header (sniffed)` {
		t.Errorf("String() = %s", s)
	}
}

// TestDialectShards checks that every shard of a file in another dialect
// sniffs the same dialect and that the shards read every row once, a file
// without a header included.
func TestDialectShards(t *testing.T) {
	var b bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&b, "%d;%d,%d;\"x;\n%d\"\n", i, i, i%10, i)
	}
	data := b.Bytes()
	whole, err := readTable(t, string(data), "s.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := sniffed(';', '"', ',', false); whole.dialect != want || len(whole.rows) != 200 {
		t.Fatalf("whole: dialect %v, %d rows", whole.dialect, len(whole.rows))
	}
	var rows [][]string
	var lines []int64
	for k := 1; k <= 3; k++ {
		got, err := readAllOf(bytes.NewReader(data), "s.csv", CSVOptions{Shard: Shard{K: k, N: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if got.dialect != whole.dialect {
			t.Errorf("shard %d: dialect %v", k, got.dialect)
		}
		rows = append(rows, got.rows...)
		lines = append(lines, got.lines...)
	}
	if !reflect.DeepEqual(rows, whole.rows) || !reflect.DeepEqual(lines, whole.lines) {
		t.Errorf("the shards' rows differ from the whole file's")
	}
}

func TestClassifyDecimalComma(t *testing.T) {
	tests := []struct {
		in   string
		want CellKind
	}{
		{"1,5", CellFloat}, {"-0,25", CellFloat}, {" 2,5 ", CellFloat}, {"1,5e3", CellFloat}, {",5", CellFloat},
		{"12", CellInt}, {"NaN", CellFloat}, {"true", CellBool},
		{"1.5", CellText}, {"1.234,5", CellText}, {"1,2,3", CellText}, {"a,b", CellText},
		{"2020-01-01T00:00:00.5Z", CellTime}, {"", CellEmpty},
	}
	for _, tt := range tests {
		if got, _ := classifyIn(tt.in, true); got != tt.want {
			t.Errorf("classifyIn(%q, true) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDialectDifferences(t *testing.T) {
	for _, c := range []struct {
		d    Dialect
		want string
	}{
		{DefaultDialect, ""},
		{Dialect{Delimiter: ',', Quote: '"', Decimal: '.', Header: true, Sniffed: true}, ""},
		{Dialect{Delimiter: ';', Quote: '"', Decimal: ',', Header: true}, `delimiter ';'|decimal ','`},
		{Dialect{Delimiter: '\t', Quote: 0, Decimal: '.', Header: false}, `delimiter tab|quote none|no header`},
	} {
		if got := strings.Join(c.d.Differences(), "|"); got != c.want {
			t.Errorf("%v: %q, want %q", c.d, got, c.want)
		}
	}
}
