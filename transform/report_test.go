package transform

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/frame"
)

// TestReportDialect checks that the report and the contract say which CSV
// dialect the input was read in: a "dialect" object in JSON, and, when it
// is not the default, a note on the text report's first line.
func TestReportDialect(t *testing.T) {
	open := func(in string, opts Options) (*frame.CSVReader, *normalizer, error) {
		t.Helper()
		cr, err := frame.NewCSVReader(strings.NewReader(in), "d.csv", frame.CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := newReaderNormalizer(cr, opts)
		return cr, n, err
	}

	cr, n, err := open("time;v\n2020-01-01T00:00:00Z;1,5\n2020-01-01T00:01:00Z;2,5\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{src: cr, n: n}
	defer r.Release()
	rep := r.Report()
	if rep.Dialect == nil || *rep.Dialect != cr.Dialect() || rep.Dialect.Delimiter != ';' || rep.Dialect.Decimal != ',' {
		t.Fatalf("report dialect %v, want the reader's %v", rep.Dialect, cr.Dialect())
	}
	var text, js bytes.Buffer
	rep.WriteText(&text)
	rep.WriteJSON(&js)
	if first, _, _ := strings.Cut(text.String(), "\n"); !strings.HasPrefix(first, `file d.csv (delimiter ';', decimal ','; sniffed) -> measurement "d"`) {
		t.Errorf("first line %q does not name the dialect", first)
	}
	if !strings.Contains(js.String(), `"dialect": {
    "delimiter": ";",
    "quote": "\"",
    "decimal": ",",
    "header": true,
    "sniffed": true
  }`) {
		t.Errorf("JSON report lacks the dialect:\n%s", js.String())
	}
	if c := r.Contract(); c.Dialect == nil || *c.Dialect != cr.Dialect() {
		t.Errorf("contract dialect %v, want %v", c.Dialect, cr.Dialect())
	}

	// The default dialect is not named on the first line.
	cr2, n2, err := open("time,v\n2020-01-01T00:00:00Z,1.5\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2 := &Reader{src: cr2, n: n2}
	defer r2.Release()
	text.Reset()
	rep2 := r2.Report()
	rep2.WriteText(&text)
	if first, _, _ := strings.Cut(text.String(), "\n"); !strings.HasPrefix(first, `file d.csv -> measurement`) || rep2.Dialect == nil || !rep2.Dialect.IsDefault() {
		t.Errorf("default dialect: first line %q, dialect %v", first, rep2.Dialect)
	}

	// A schema refusal's report names it too.
	cr3, _, err := open("time|v\n2020-01-01T00:00:00Z|1\n2020-01-01T00:01:00Z|x\n", Options{})
	defer cr3.Release()
	var se *SchemaError
	if !errors.As(err, &se) || se.Report.Dialect == nil || se.Report.Dialect.Delimiter != '|' {
		t.Errorf("schema error %v: report dialect %v", err, se)
	}

	// Inputs other than CSV have none.
	if _, err := withDialect(nil)(nil, nil); err != nil {
		t.Fatal(err)
	}
	if note := dialectNote(nil); note != "" {
		t.Errorf("no dialect: note %q", note)
	}
	if note := dialectNote(&frame.Dialect{Delimiter: '\t', Quote: 0, Decimal: '.', Header: false}); note != " (delimiter tab, quote none, no header)" {
		t.Errorf("note %q", note)
	}
}
