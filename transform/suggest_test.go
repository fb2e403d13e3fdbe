package transform

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/internal/golden"
)

// iowa is shaped like vega's iowa-electricity.csv: the rows of one year
// differ only by source, a text column dropped by default.
const iowa = "year,source,net_generation\n" +
	"2001,Fossil Fuels,35361\n" +
	"2001,Nuclear Energy,3853\n" +
	"2001,Renewables,1437\n" +
	"2002,Fossil Fuels,35991\n" +
	"2002,Nuclear Energy,4574\n" +
	"2002,Renewables,1963\n"

func TestSuggestTagsForDuplicates(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want []string // the suggestions, as printed
	}{
		{name: "iowa: source tells the duplicates apart", in: iowa,
			want: []string{`--tags source: the dropped text column "source" differs in 4 of the 4 duplicate rows (rows with the same tags and time as an earlier one): it tells them apart; keep it as a tag`}},
		{name: "counted under --duplicates last too", in: iowa, opts: Options{Duplicates: DuplicatesLast},
			want: []string{`--tags source: the dropped text column "source" differs in 4 of the 4 duplicate rows`}},
		{name: "and under offset", in: iowa, opts: Options{Duplicates: DuplicatesOffset},
			want: []string{`--tags source: the dropped text column "source" differs in 4 of the 4 duplicate rows`}},
		{name: "a constant text column explains nothing; the declared tags are in the flag",
			in:   "time,state,region,source,v\n2020-01-01T00:00:00Z,IA,mid,a,1\n2020-01-01T00:00:00Z,IA,mid,a,2\n2020-01-01T00:00:00Z,IA,mid,b,3\n",
			opts: Options{Tags: []string{"state"}},
			want: []string{`--tags state,source: the dropped text column "source" differs in 1 of the 2 duplicate rows`}},
		{name: "the column explaining most comes first",
			in:   "time,a,b,v\n2020-01-01T00:00:00Z,x,p,1\n2020-01-01T00:00:00Z,y,p,2\n2020-01-01T00:00:00Z,z,q,3\n",
			want: []string{`--tags a: the dropped text column "a" differs in 2 of the 2`, `--tags b: the dropped text column "b" differs in 1 of the 2`}},
		{name: "null is not empty text", in: "time,s,v\n2020-01-01T00:00:00Z,,1\n2020-01-01T00:00:00Z,x,2\n",
			want: []string{`--tags s: the dropped text column "s" differs in 1 of the 1`}},
		{name: "no suggestion when the text column does not differ",
			in: "time,s,v\n2020-01-01T00:00:00Z,x,1\n2020-01-01T00:00:00Z,x,2\n"},
		{name: "no suggestion for an excluded column", in: iowa, opts: Options{Exclude: []string{"source"}}},
		{name: "no suggestion without duplicates", in: "time,s,v\n2020-01-01T00:00:00Z,x,1\n2020-01-01T00:00:01Z,y,2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, rep, err := run(t, tt.in, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Suggestions) != len(tt.want) {
				t.Fatalf("suggestions %+v, want %d", rep.Suggestions, len(tt.want))
			}
			for i, s := range rep.Suggestions {
				if s.Code != SuggestTags || !strings.HasPrefix(s.String(), tt.want[i]) {
					t.Errorf("suggestion %d: %q, want it to start with %q", i, s, tt.want[i])
				}
			}
		})
	}
}

// TestSuggestTagsKeyPerColumn checks the per-column fingerprints: four
// dropped text columns are watched, each counted on its own.
func TestSuggestTagsKeyPerColumn(t *testing.T) {
	in := "time,a,b,c,d,e,v\n" +
		"2020-01-01T00:00:00Z,1x,x,x,x,x,1\n" +
		"2020-01-01T00:00:00Z,1x,y,x,x,y,2\n" + // b and e differ from the first; e is the fifth: not watched
		"2020-01-01T00:00:00Z,1x,x,x,z,x,3\n" // d differs
	_, _, rep, err := run(t, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rep.Suggestions {
		got = append(got, s.Column)
	}
	if strings.Join(got, " ") != "b d" {
		t.Errorf("suggested %v, want [b d]", got)
	}
}

func TestSuggestTimeColumn(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // flags of the suggestions
		msg  []string // substrings of the error and of the suggestions' messages
	}{
		{name: "month-first dates", in: "date,v\n03/15/2020,1\n04/01/2020,2\n",
			want: []string{"--time-column date --time-format 01/02/2006"},
			msg:  []string{`"03/15/2020" (line 2) reads as 2020-03-15T00:00:00Z`, "; try --time-column date --time-format 01/02/2006"}},
		{name: "either order", in: "day,v\n03/04/2020,1\n",
			want: []string{"--time-column day --time-format 01/02/2006", "--time-column day --time-format 02/01/2006"},
			msg:  []string{"reads as 2020-03-04T00:00:00Z", "reads as 2020-04-03T00:00:00Z"}},
		{name: "a layout with a space is quoted", in: "when,v\n15.03.2020 10:30,1\n",
			want: []string{"--time-column when --time-format '02.01.2006 15:04'"}},
		{name: "timestamps among text", in: "when,v\n2020-01-01,1\nunknown,2\n2020-01-02,3\n",
			want: []string{"--time-column when"},
			msg:  []string{`2 of its cells are timestamps (2006-01-02, first "2020-01-01" at line 2); the rows of the 1 others (first "unknown" at line 3) would be rejected`}},
		{name: "epoch seconds in a column named like time", in: "created_time,v\n1577836800,1\n",
			want: []string{"--time-column created_time --time-format unix"},
			msg:  []string{"its integers of 1577836800 read as unix: 2020-01-01T00:00:00Z"}},
		{name: "names like time come first", in: "label,start_date,v\n01/02/2006,01/02/2006,1\n",
			want: []string{"--time-column start_date --time-format 01/02/2006", "--time-column start_date --time-format 02/01/2006",
				"--time-column label --time-format 01/02/2006", "--time-column label --time-format 02/01/2006"}},
		{name: "nothing to suggest", in: "a,v\nx,1\n", msg: []string{"candidates: a (text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := run(t, tt.in, Options{})
			var se *SchemaError
			if !errors.Is(err, ErrNoTimeColumn) || !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SchemaError with ErrNoTimeColumn", err)
			}
			var flags, text []string
			for _, s := range se.Report.Suggestions {
				if s.Code != SuggestTimeColumn {
					t.Errorf("code %q", s.Code)
				}
				flags = append(flags, s.Flag)
				text = append(text, s.Message)
			}
			if strings.Join(flags, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(flags, "\n"), strings.Join(tt.want, "\n"))
			}
			all := err.Error() + "\n" + strings.Join(text, "\n")
			for _, m := range tt.msg {
				if !strings.Contains(all, m) {
					t.Errorf("no %q in\n%s", m, all)
				}
			}
			if len(se.Report.Columns) == 0 || se.Report.TimeColumn != "" {
				t.Errorf("report columns %v, time column %q", se.Report.Columns, se.Report.TimeColumn)
			}
		})
	}
}

// TestHeaderOnly: a file with a header and no rows is an error of its
// own, not "no time column".
func TestHeaderOnly(t *testing.T) {
	for _, in := range []string{"time,v\n", "a,b,c\n"} {
		_, _, _, err := run(t, in, Options{})
		var se *SchemaError
		if !errors.Is(err, ErrNoRows) || !errors.As(err, &se) || errors.Is(err, ErrNoTimeColumn) {
			t.Fatalf("%q: err = %v, want a *SchemaError with ErrNoRows only", in, err)
		}
		if !strings.Contains(err.Error(), "in.csv: no data rows") {
			t.Errorf("message %q", err)
		}
		var buf bytes.Buffer
		se.Report.WriteText(&buf)
		if !strings.Contains(buf.String(), "no time column") || !strings.Contains(buf.String(), "rows read 0") {
			t.Errorf("report:\n%s", buf.String())
		}
	}
}

// TestReportSuggestionsGolden shows the suggestions in the JSON and text
// reports of the iowa input.
func TestReportSuggestionsGolden(t *testing.T) {
	_, _, rep, err := run(t, iowa, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/suggestions.golden.json", buf.Bytes())
	buf.Reset()
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/suggestions.golden.txt", buf.Bytes())
}
