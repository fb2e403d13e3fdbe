package transform

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/golden"
)

// contractOf normalises in with opts and returns the contract decided.
func contractOf(t *testing.T, in string, opts Options) *Contract {
	t.Helper()
	cr, err := frame.NewCSVReader(strings.NewReader(in), "first.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(cr, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	c := r.Contract()
	return &c
}

const first = "time,station,note,v,w,ok,junk,empty\n" +
	"2020-01-01 00:00:00,A1,hello,1,1.5,true,x,\n" +
	"2020-01-01 00:00:01,B2,,2,2,false,y,\n"

var firstOpts = Options{Tags: []string{"station"}, StringFields: []string{"note"}, Measurement: "weather"}

func TestContractRoundTrip(t *testing.T) {
	c := contractOf(t, first, firstOpts)
	var buf bytes.Buffer
	if err := c.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/contract.golden.json", buf.Bytes())
	back, err := ReadContract(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("read back %+v\nwrote %+v", back, c)
	}
	// The dialect travels, though this package does not read it.
	c.Dialect = &frame.Dialect{Delimiter: ';', Quote: 0, Decimal: ',', Header: false}
	buf.Reset()
	c.WriteJSON(&buf)
	if back, err := ReadContract(&buf); err != nil || back.Dialect == nil || *back.Dialect != *c.Dialect {
		t.Errorf("dialect: %+v, %v", back, err)
	}
}

func TestReadContractErrors(t *testing.T) {
	valid := `{"version":1,"measurement":"m","time_column":"t","precision":"s","columns":[{"name":"t","kind":"time","role":"time"},{"name":"v","kind":"int","role":"field"}]}`
	if _, err := ReadContract(strings.NewReader(valid)); err != nil {
		t.Fatalf("valid contract: %v", err)
	}
	tests := []struct{ name, edit, want string }{
		{"version", `"version":1`, `"version":2`},
		{"unknown field", `"measurement"`, `"measurment"`},
		{"bad role", `"role":"field"`, `"role":"feild"`},
		{"bad kind", `"kind":"int"`, `"kind":"integer"`},
		{"bad precision", `"precision":"s"`, `"precision":"h"`},
		{"no time role", `"role":"time"`, `"role":"tag"`},
		{"time column not a column", `"time_column":"t"`, `"time_column":"x"`},
		{"duplicate name", `{"name":"v"`, `{"name":"t"`},
		{"unknown layout", `"precision"`, `"time_layouts":["02/01/2006"],"precision"`},
		{"not json", `{`, `[`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadContract(strings.NewReader(strings.Replace(valid, tt.edit, tt.want, 1)))
			if !errors.Is(err, ErrContractFile) {
				t.Errorf("err = %v, want ErrContractFile", err)
			}
		})
	}
}

// runWith normalises in (named later.csv) under the contract c.
func runWith(t *testing.T, in string, c *Contract, opts Options) (*Reader, error) {
	t.Helper()
	cr, err := frame.NewCSVReader(strings.NewReader(in), "later.csv", frame.CSVOptions{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	opts.Contract = c
	return NewReader(cr, opts)
}

func TestContractRefusesChanges(t *testing.T) {
	c := contractOf(t, first, firstOpts)
	tests := []struct {
		name string
		in   string
		want []string // one per error: "line:column:name: substring"
	}{
		{name: "appeared", in: "time,station,note,v,w,ok,junk,empty,extra\n2020-01-01 00:00:00,A1,x,1,1,true,x,,9\n",
			want: []string{`1:9:extra: column "extra" (int) is not in it`}},
		{name: "disappeared", in: "time,station,note,v,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,true,x,\n",
			want: []string{`1:0:w: column "w" (float, field) is missing`}},
		{name: "numeric field becomes mixed", in: "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,1,true,x,\n2020-01-01 00:00:01,A1,x,N/A,1,true,x,\n",
			want: []string{`3:4:v: column "v" changed kind: kind int in the contract (field), mixed here, first text cell at line 3`}},
		{name: "numeric field becomes text", in: "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,high,true,x,\n",
			want: []string{`2:5:w: kind float in the contract (field), text here`}},
		{name: "bool becomes int", in: "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,1,1,x,\n",
			want: []string{`2:6:ok: kind bool in the contract (field), int here, first int cell at line 2`}},
		{name: "empty column gets values", in: "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,1,true,x,\n2020-01-01 00:00:01,A1,x,1,1,true,x,7\n",
			want: []string{`3:8:empty: kind null in the contract (dropped), int here, first int cell at line 3; the column was empty`}},
		{name: "dropped text becomes numeric", in: "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,1,true,x,\n2020-01-01 00:00:01,A1,x,1,1,true,5,\n",
			want: []string{`3:7:junk: kind text in the contract (dropped), mixed here, first int cell at line 3`}},
		{name: "text time becomes epoch", in: "time,station,note,v,w,ok,junk,empty\n1577836800,A1,x,1,1,true,x,\n",
			want: []string{`2:1:time: kind time in the contract (time), int here`}},
		{name: "several at once", in: "station,note,v,w,ok,junk,empty,extra\nA1,x,1,1,true,x,,1\n",
			want: []string{`1:8:extra:`, `1:0:time: column "time" (time, time) is missing`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runWith(t, tt.in, c, Options{})
			var se *SchemaError
			if !errors.Is(err, ErrContract) || !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SchemaError with ErrContract", err)
			}
			if len(se.Errs) != len(tt.want) {
				t.Fatalf("%d errors, want %d: %v", len(se.Errs), len(tt.want), err)
			}
			for i, e := range se.Errs {
				var pe *frame.ParseError
				if !errors.As(e, &pe) {
					t.Fatalf("%T is not a *frame.ParseError", e)
				}
				pos, sub, _ := strings.Cut(tt.want[i], ": ")
				if got := fmt.Sprintf("%d:%d:%s", pe.Line, pe.Column, pe.ColumnName); got != strings.TrimSuffix(pos, ":") {
					t.Errorf("error %d at %s, want %s: %v", i, got, pos, e)
				}
				if !strings.Contains(e.Error(), sub) || !strings.HasPrefix(e.Error(), "frame: later.csv") {
					t.Errorf("error %d: %q lacks %q", i, e, sub)
				}
			}
			if len(se.Report.Columns) == 0 {
				t.Error("the SchemaError has no report")
			}
		})
	}
}

// TestContractDecides normalises a later file whose inference differs from
// the first one's in every way the contract covers: it comes out with the
// same schema.
func TestContractDecides(t *testing.T) {
	c := contractOf(t, first, firstOpts)
	later := "empty,junk,ok,w,v,note,station,time\n" + // another order
		",x,true,7,1.5,,00501,2020-01-01 00:00:00\n" + // station looks like a number; v is float now; note empty
		",y,false,8,2.5,,02134,2020-01-01 00:00:00.5\n" // finer than the contract's precision
	r, err := runWith(t, later, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var rows, rejects []string
	for r.Next() {
		out := r.Record()
		for _, rj := range r.Rejects() {
			rejects = append(rejects, rj.Reason)
		}
		for i := 0; i < int(out.NumRows()); i++ {
			var cells []string
			for _, col := range out.Columns() {
				cells = append(cells, frame.FormatValue(col, i))
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if want := "2020-01-01T00:00:00Z|00501||1.5|7|1"; strings.Join(rows, "\n") != want {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), want)
	}
	if want := "timestamp finer than the write precision: precision s"; strings.Join(rejects, "\n") != want {
		t.Errorf("rejects %q, want %q", rejects, want)
	}
	ref, err := NewReader(mustCSV(t, first), firstOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Release()
	if !r.FrameSchema().Arrow().Equal(ref.FrameSchema().Arrow()) {
		t.Errorf("schema\n%s\nwant\n%s", r.FrameSchema().Arrow(), ref.FrameSchema().Arrow())
	}
	rep := r.Report()
	if rep.Measurement != "weather" || rep.Precision != frame.Second || rep.TimeColumn != "time" {
		t.Errorf("report header %+v", rep)
	}
	if got := r.Contract(); !reflect.DeepEqual(got.Columns[0], ContractColumn{Name: "empty", Kind: frame.KindNull, Role: RoleDropped}) {
		t.Errorf("the later contract's first column %+v", got.Columns[0])
	}
	if r.FrameSchema().Arrow().Field(0).Type.ID() != arrow.TIMESTAMP {
		t.Error("time is not a timestamp")
	}
}

func mustCSV(t *testing.T, in string) frame.ChunkReader {
	t.Helper()
	cr, err := frame.NewCSVReader(strings.NewReader(in), "first.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

// TestContractTimeReading: the contract's reading of an integer time
// column applies to a later file whose integers alone would be ambiguous,
// and the text layouts found first are tried first.
func TestContractTimeReading(t *testing.T) {
	c := contractOf(t, "year,v\n2001,1\n2002,2\n", Options{})
	if c.TimeFormat != "year" || c.Precision != frame.Second {
		t.Fatalf("contract %+v", c)
	}
	// 1880..2020 in a column named year: years anyway; and "unix" from a
	// contract reads small integers that inference would refuse.
	r, err := runWith(t, "year,v\n1880,1\n", c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Release()
	cu := contractOf(t, "time,v\n1577836800,1\n", Options{})
	if cu.TimeFormat != "unix" {
		t.Fatalf("contract time format %q", cu.TimeFormat)
	}
	r, err = runWith(t, "time,v\n5000,1\n", cu, Options{})
	if err != nil {
		t.Fatalf("inference would refuse 5000; the contract reads it: %v", err)
	}
	r.Release()
	if _, _, _, err := run(t, "time,v\n5000,1\n", Options{}); !errors.Is(err, ErrAmbiguousTime) {
		t.Errorf("without the contract: %v", err)
	}
	ct := contractOf(t, "time,v\n2020-01-01 10:00:00,1\n", Options{})
	if len(ct.TimeLayouts) != 1 || ct.TimeLayouts[0] != "2006-01-02 15:04:05.999999999" || ct.TimeFormat != "" {
		t.Errorf("text time contract %+v", ct)
	}
	// int <-> float is compatible for the time column and for fields.
	r, err = runWith(t, "time,v\n1577836800.5,1.5\n", cu, Options{})
	if err != nil {
		t.Fatalf("float epoch under an int contract: %v", err)
	}
	r.Release()
}

func TestContractOptions(t *testing.T) {
	c := contractOf(t, first, firstOpts)
	for _, o := range []Options{{Tags: []string{"junk"}}, {TimeColumn: "time"}, {TimeFormat: "unix"}, {Exclude: []string{"junk"}},
		{StringFields: []string{"junk"}}, {Fields: []string{"v"}}} {
		if _, err := runWith(t, first, c, o); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v with a contract: err = %v, want ErrOptions", o, err)
		}
	}
	r, err := runWith(t, first, c, Options{Measurement: "other", Precision: frame.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if rep := r.Report(); rep.Measurement != "other" || rep.Precision != frame.Millisecond {
		t.Errorf("measurement %q, precision %s: the options do not override", rep.Measurement, rep.Precision)
	}
}

// TestContractCompatible lists the kind changes a contract accepts.
func TestContractCompatible(t *testing.T) {
	c := contractOf(t, first, firstOpts)
	tests := []struct{ name, in string }{
		{"int field now float, float field now int", "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1.5,2,true,x,\n"},
		{"tag and string field look like numbers", "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,501,7,1,2,true,x,\n"},
		{"dropped text column now timestamps", "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,2,true,2020-01-01,\n"},
		{"fields empty in this file", "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,,,true,,\n"},
		{"some times are not timestamps", "time,station,note,v,w,ok,junk,empty\n2020-01-01 00:00:00,A1,x,1,2,true,x,\nsoon,A1,x,1,2,true,x,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := runWith(t, tt.in, c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			for r.Next() {
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if got := len(r.FrameSchema().Columns); got != 6 {
				t.Errorf("%d output columns, want 6", got)
			}
		})
	}
}

// TestContractDroppedMixed: a mixed column dropped by --mixed drop stays
// dropped when a later file holds only its numbers.
func TestContractDroppedMixed(t *testing.T) {
	c := contractOf(t, "time,m,v\n2020-01-01T00:00:00Z,1,1\n2020-01-01T00:00:01Z,N/A,2\n", Options{Mixed: MixedDrop})
	r, err := runWith(t, "time,m,v\n2020-01-02T00:00:00Z,1.5,1\n", c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if got := r.Report().Columns[1]; got.Role != RoleDropped || got.Action != "dropped (contract)" {
		t.Errorf("m: %+v", got)
	}
}

// TestContractReportAndSuggestions: a refused input's report says which
// columns break the contract; a dropped column that tells duplicates apart
// is suggested as a tag of the contract, without a flag.
func TestContractReportAndSuggestions(t *testing.T) {
	c := contractOf(t, iowa, Options{})
	_, err := runWith(t, "year,source,net_generation,extra\n2001,a,1,x\n", c, Options{})
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	if got := se.Report.Columns[3]; got.Action != "rejected: not in the contract" {
		t.Errorf("report of the new column %+v", got)
	}
	r, err := runWith(t, iowa, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
	}
	rep := r.Report()
	if len(rep.Suggestions) != 1 || rep.Suggestions[0].Flag != "" || !strings.Contains(rep.Suggestions[0].Message, "role tag in the schema contract") {
		t.Errorf("suggestions %+v", rep.Suggestions)
	}
}
