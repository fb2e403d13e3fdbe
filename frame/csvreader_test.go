package frame

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/internal/golden"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want CellKind
		nan  bool
	}{
		{"", CellEmpty, false},
		{"   ", CellEmpty, false},
		{"0", CellInt, false},
		{"-12", CellInt, false},
		{"+7", CellInt, false},
		{" 42 ", CellInt, false},
		{"99999999999999999999", CellFloat, false},
		{"1.5", CellFloat, false},
		{"-.5", CellFloat, false},
		{"1e10", CellFloat, false},
		{"NaN", CellFloat, true},
		{"nan", CellFloat, true},
		{"Inf", CellFloat, true},
		{"-inf", CellFloat, true},
		{"1e999", CellFloat, true},
		{"true", CellBool, false},
		{"FALSE", CellBool, false},
		{"True", CellBool, false},
		{"t", CellText, false},
		{"yes", CellText, false},
		{"0x1F", CellText, false},
		{"1_000", CellText, false},
		{"-", CellText, false},
		{"N/A", CellText, false},
		{"B02512", CellText, false},
		{"2019-01-01 00:00:02", CellTime, false},
		{"2019-01-01T00:00:02Z", CellTime, false},
		{"2019-01-01T00:00:02.123+02:00", CellTime, false},
		{"2019/01/01 00:00:02", CellTime, false},
		{"2019-01-01", CellTime, false},
		{"Jan 2 2006", CellTime, false},
		{"2019", CellInt, false},
		{"2019-13-01", CellText, false},
	}
	for _, tt := range tests {
		got, nan := classify(tt.in)
		if got != tt.want || nan != tt.nan {
			t.Errorf("classify(%q) = %v, %v; want %v, %v", tt.in, got, nan, tt.want, tt.nan)
		}
	}
}

func TestInferKinds(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []Kind
	}{
		{"ladder", "b,i,f,if,t,s,n\ntrue,1,1.5,1,2020-01-01,x,\nfalse,2,2.5,2.5,2020-01-02,y,\n",
			[]Kind{KindBool, KindInt, KindFloat, KindFloat, KindTime, KindText, KindNull}},
		{"mixed number and text", "m\n1\n2\nN/A\n", []Kind{KindMixed}},
		{"mixed bool and int", "m\ntrue\n1\n", []Kind{KindMixed}},
		{"time and text is text", "d\n2020-01-01\nunknown\n", []Kind{KindText}},
		{"empty cells ignored", "x\n\n1\n\n2\n", []Kind{KindInt}},
		{"nan is float", "x\n1\nNaN\n", []Kind{KindFloat}},
		{"late text still counts", "x\n" + strings.Repeat("1\n", 5000) + "oops\n", []Kind{KindMixed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tt.csv), "t.csv", CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			for i, c := range r.FrameSchema().Columns {
				if c.Kind != tt.want[i] {
					t.Errorf("column %s: kind %v, want %v", c.Name, c.Kind, tt.want[i])
				}
			}
		})
	}
}

func TestInferStats(t *testing.T) {
	in := "a,b\n1,x\n,x\n2.5,x\nN/A,x\n3,x\n"
	r, err := NewCSVReader(strings.NewReader(in), "s.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	s := r.FrameSchema().Columns[0].Stats
	if s.Count(CellInt) != 2 || s.Count(CellFloat) != 1 || s.Count(CellText) != 1 || s.Count(CellEmpty) != 1 {
		t.Errorf("counts = %v", s.Cells)
	}
	if got := s.First[CellText]; got != (Sample{Line: 5, Value: "N/A"}) {
		t.Errorf("first text = %+v, want line 5 N/A", got)
	}
	if got := s.First[CellFloat]; got != (Sample{Line: 4, Value: "2.5"}) {
		t.Errorf("first float = %+v", got)
	}
}

func TestCSVReaderErrors(t *testing.T) {
	tests := []struct {
		name      string
		csv       string
		opts      CSVOptions
		cause     error
		line      int64
		column    int
		inMessage string
	}{
		{"empty input", "", CSVOptions{}, ErrNoHeader, 1, 0, "no header"},
		{"duplicate header", "a,b,a\n1,2,3\n", CSVOptions{}, ErrDupColumn, 1, 3, "column 3 (a)"},
		{"too many fields", "a,b\n1,2\n3,4,5\n", CSVOptions{}, ErrFieldCount, 3, 1, "bad.csv:3"},
		{"too few fields", "a,b\n1,2\n3\n", CSVOptions{}, ErrFieldCount, 3, 1, "bad.csv:3"},
		{"forced int gets text", "a,b\n1,x\n2,y\n", CSVOptions{Kinds: map[string]Kind{"b": KindInt}}, ErrBadValue, 2, 2, `column 2 (b)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tt.csv), "bad.csv", tt.opts)
			if err == nil {
				for r.Next() {
				}
				err = r.Err()
				r.Release()
			}
			if !errors.Is(err, tt.cause) {
				t.Fatalf("err = %v, want cause %v", err, tt.cause)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err %T is not a *ParseError", err)
			}
			if pe.File != "bad.csv" || pe.Line != tt.line || pe.Column != tt.column {
				t.Errorf("position = %s:%d col %d, want bad.csv:%d col %d", pe.File, pe.Line, pe.Column, tt.line, tt.column)
			}
			if !strings.Contains(err.Error(), tt.inMessage) {
				t.Errorf("message %q lacks %q", err, tt.inMessage)
			}
		})
	}
}

func TestCSVReaderChunksAndLines(t *testing.T) {
	in := "a,b\n1,x\n2,\"two\nlines\"\n3,z\n4,w\n5,v\n"
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := NewCSVReader(strings.NewReader(in), "c.csv", CSVOptions{ChunkSize: 2, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var sizes []int64
	var lines []int64
	for r.Next() {
		sizes = append(sizes, r.Record().NumRows())
		lines = append(lines, r.Lines()...)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []int64{2, 2, 1}; !equalInts(sizes, want) {
		t.Errorf("chunk sizes %v, want %v", sizes, want)
	}
	if want := []int64{2, 3, 5, 6, 7}; !equalInts(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// onlyReader hides Seek so the reader must spool.
type onlyReader struct{ io.Reader }

func TestCSVReaderSpoolsStreams(t *testing.T) {
	data, err := os.ReadFile("../testdata/taxi_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	var outs [2]bytes.Buffer
	for i, in := range []io.Reader{bytes.NewReader(data), onlyReader{bytes.NewReader(data)}} {
		f, err := ReadCSV(in, "taxi.csv", CSVOptions{ChunkSize: 500, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if f.NumRows() != 3000 {
			t.Errorf("rows = %d, want 3000", f.NumRows())
		}
		if err := WriteFile(&outs[i], FormatCSV, f); err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
	if outs[0].String() != outs[1].String() {
		t.Error("spooled read differs from seekable read")
	}
}

func TestReadCSVGolden(t *testing.T) {
	in := "name,when,n,x,ok,empty\n" +
		"a b,2020-01-01T00:00:00Z,1,0.10,true,\n" +
		"\"c,d\",2020-01-01T00:00:01.5Z,,2,false,\n"
	f, err := ReadCSV(strings.NewReader(in), "g.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	var buf bytes.Buffer
	if err := WriteFile(&buf, FormatCSV, f); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/read_write.golden.csv", buf.Bytes())
}

// TestCSVReaderKeepsCRLF checks that cells are read byte for byte: a CR LF
// inside quotes stays CR LF, a lone CR ends a line as LF does, a BOM
// before the header is no part of the first column's name, and lines are
// numbered counting every kind of line end.
func TestCSVReaderKeepsCRLF(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		names []string
		text  []string // the cells of the last column
		lines []int64
	}{
		{"quoted CR LF", "id,text\r\n1,\"a\r\nb\"\r\n2,c\r\n3,\"\r\n\"\r\n",
			[]string{"id", "text"}, []string{"a\r\nb", "c", "\r\n"}, []int64{2, 4, 5}},
		{"quoted lone CR and LF", "id,text\n1,\"a\rb\nc\"\n2,d\n",
			[]string{"id", "text"}, []string{"a\rb\nc", "d"}, []int64{2, 5}},
		{"lone CR line ends", "id,text\r1,x\r2,\"y\rz\"\r\r3,w",
			[]string{"id", "text"}, []string{"x", "y\rz", "w"}, []int64{2, 3, 6}},
		{"BOM header", "\ufeffid,text\n1,a\n",
			[]string{"id", "text"}, []string{"a"}, []int64{2}},
		{"BOM header quoted", "\ufeff\"id\",\"te\"\"xt\"\r\n1,a\r\n",
			[]string{"id", `te"xt`}, []string{"a"}, []int64{2}},
	}
	for _, tt := range tests {
		for _, seekable := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/seekable=%v", tt.name, seekable), func(t *testing.T) {
				var in io.Reader = strings.NewReader(tt.csv)
				if !seekable {
					in = onlyReader{in}
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r, err := NewCSVReader(in, "crlf.csv", CSVOptions{ChunkSize: 2, Allocator: mem, TempDir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Release()
				var names []string
				for _, c := range r.FrameSchema().Columns {
					names = append(names, c.Name)
				}
				if !slices.Equal(names, tt.names) {
					t.Errorf("columns %q, want %q", names, tt.names)
				}
				if k := r.FrameSchema().Columns[0].Kind; k != KindInt {
					t.Errorf("column id: kind %v, want int", k)
				}
				var text []string
				var lines []int64
				for r.Next() {
					col := r.Record().Column(len(tt.names) - 1).(*array.String)
					for i := 0; i < col.Len(); i++ {
						text = append(text, col.Value(i))
					}
					lines = append(lines, r.Lines()...)
				}
				if err := r.Err(); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(text, tt.text) {
					t.Errorf("cells %q, want %q", text, tt.text)
				}
				if !slices.Equal(lines, tt.lines) {
					t.Errorf("lines %v, want %v", lines, tt.lines)
				}
			})
		}
	}

	// Errors count lone CRs as line ends too.
	_, err := NewCSVReader(strings.NewReader("a,b\r1,\"x\r\ny\"\r2\r"), "cr.csv", CSVOptions{})
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrFieldCount) || pe.Line != 4 || pe.Column != 1 {
		t.Errorf("err = %v, want a field count error at cr.csv:4 column 1", err)
	}
}
