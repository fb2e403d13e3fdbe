package transform

import (
	"errors"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/timefmt"
)

// TestTimeReadings covers how an integer time column is read: years, each
// epoch unit, and what is refused.
func TestTimeReadings(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   Options
		format string   // the report's time format
		rows   []string // output rows, when read
		prec   frame.Precision
		err    []string // when refused with ErrAmbiguousTime: substrings of the message
	}{
		{name: "year column", in: "year,v\n1880,1\n2020,2\n", format: "year", prec: frame.Second,
			rows: []string{"1880-01-01T00:00:00Z|1", "2020-01-01T00:00:00Z|2"}},
		{name: "year in a zone", in: "Year,v\n1999,1\n", opts: Options{Location: mustZone(t, "Europe/Paris")}, format: "year",
			rows: []string{"1998-12-31T23:00:00Z|1"}},
		{name: "fiscal_year is detected", in: "fiscal_year,v\n2001,1\n", format: "year", rows: []string{"2001-01-01T00:00:00Z|1"}},
		{name: "camel case year", in: "calendarYear,v\n2001,1\n", format: "year", rows: []string{"2001-01-01T00:00:00Z|1"}},
		{name: "a time column wins over a year column", in: "year,time,v\n1999,1577836800,1\n", format: "unix",
			rows: []string{"2020-01-01T00:00:00Z|1999|1"}},
		{name: "seconds", in: "time,v\n1577836800,1\n1577923200,2\n", format: "unix", prec: frame.Second,
			rows: []string{"2020-01-01T00:00:00Z|1", "2020-01-02T00:00:00Z|2"}},
		{name: "milliseconds", in: "time,v\n1577836800123,1\n", format: "unix_ms", prec: frame.Millisecond,
			rows: []string{"2020-01-01T00:00:00.123Z|1"}},
		{name: "microseconds", in: "ts,v\n1577836800123456,1\n", format: "unix_us", prec: frame.Microsecond,
			rows: []string{"2020-01-01T00:00:00.123456Z|1"}},
		{name: "nanoseconds", in: "timestamp,v\n1577836800123456789,1\n", format: "unix_ns", prec: frame.Nanosecond,
			rows: []string{"2020-01-01T00:00:00.123456789Z|1"}},
		{name: "first value seconds, later milliseconds", in: "time,v\n1577836800,1\n1577836800123,2\n",
			err: []string{"column 1 (time)", "in.csv:2", "the integers from 1577836800 to 1577836800123", "as unix: out of the range of timestamps", "as unix_ms: 1970-01-19T06:17:16.8Z to 2020-01-01T00:00:00.123Z", "--time-format unix|unix_ms|unix_us|unix_ns|year"}},
		{name: "small integers", in: "time,v\n5000,1\n7000,2\n",
			err: []string{"the integers from 5000 to 7000 are no time from 1973-03-03 to 2100-01-01 in any epoch unit",
				"as unix: 1970-01-01T01:23:20Z to 1970-01-01T01:56:40Z", "as unix_ms: 1970-01-01T00:00:05Z to 1970-01-01T00:00:07Z",
				"as year: out of the range"}},
		{name: "years in a column not named year", in: "date,v\n1880,1\n2020,2\n",
			err: []string{"column 1 (date)", "as year: 1880-01-01T00:00:00Z to 2020-01-01T00:00:00Z", "as unix: 1970-01-01T00:31:20Z"}},
		{name: "dates as eight digits", in: "date,v\n20200131,1\n20201231,2\n",
			err: []string{"as 20060102: 2020-01-31T00:00:00Z to 2020-12-31T00:00:00Z", "--time-format unix|unix_ms|unix_us|unix_ns|year|20060102"}},
		{name: "before 1973 in seconds", in: "time,v\n0,1\n86400,2\n", err: []string{"as unix: 1970-01-01T00:00:00Z to 1970-01-02T00:00:00Z"}},
		{name: "named time column is checked too", in: "when,v\n5000,1\n", opts: Options{TimeColumn: "when"}, err: []string{"column 1 (when)"}},
		{name: "--time-format wins: small seconds", in: "time,v\n5000,1\n", opts: Options{TimeFormat: "unix"}, format: "unix",
			rows: []string{"1970-01-01T01:23:20Z|1"}},
		{name: "--time-format wins: year", in: "date,v\n1880,1\n", opts: Options{TimeFormat: "year"}, format: "year",
			rows: []string{"1880-01-01T00:00:00Z|1"}},
		{name: "--time-format wins: ms over plausible seconds", in: "time,v\n1577836800,1\n", opts: Options{TimeFormat: "unix_ms"},
			format: "unix_ms", rows: []string{"1970-01-19T06:17:16.8Z|1"}},
		{name: "--time-format wins: a layout for yyyymmdd", in: "date,v\n20200131,1\n", opts: Options{TimeFormat: "20060102"},
			format: "20060102", rows: []string{"2020-01-31T00:00:00Z|1"}},
		{name: "float epoch seconds", in: "time,v\n1577836800.5,1\n", opts: Options{TimeColumn: "time"}, format: "unix",
			rows: []string{"2020-01-01T00:00:00.5Z|1"}},
		{name: "a float column's integers are checked", in: "time,v\n1577836800123,1\n1577836800123.5,2\n", opts: Options{TimeColumn: "time"},
			format: "unix_ms", rows: []string{"2020-01-01T00:00:00.123Z|1", "2020-01-01T00:00:00.1235Z|2"}},
		{name: "a year column outside 1000..2999 is no candidate", in: "year,v\n999,1\n", err: nil, format: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, rep, err := run(t, tt.in, tt.opts)
			if tt.format == "-" {
				if !errors.Is(err, ErrNoTimeColumn) {
					t.Fatalf("err = %v, want ErrNoTimeColumn", err)
				}
				return
			}
			if tt.err != nil {
				if !errors.Is(err, ErrAmbiguousTime) {
					t.Fatalf("err = %v, want ErrAmbiguousTime", err)
				}
				var se *SchemaError
				var pe *frame.ParseError
				if !errors.As(err, &se) || !errors.As(err, &pe) {
					t.Fatalf("%T is no *SchemaError with a *frame.ParseError", err)
				}
				for _, w := range tt.err {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("message lacks %q:\n%s", w, err)
					}
				}
				if len(se.Report.Suggestions) == 0 {
					t.Error("no suggestion in the report")
				}
				for _, s := range se.Report.Suggestions {
					if s.Code != SuggestTimeFormat || !strings.HasPrefix(s.Flag, "--time-format ") {
						t.Errorf("suggestion %+v", s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.TimeFormat != tt.format {
				t.Errorf("time format %q, want %q", rep.TimeFormat, tt.format)
			}
			if tt.prec != 0 && rep.Precision != tt.prec {
				t.Errorf("precision %s, want %s", rep.Precision, tt.prec)
			}
			if got := strings.Join(rows, "\n"); got != strings.Join(tt.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", got, strings.Join(tt.rows, "\n"))
			}
		})
	}
}

// TestTypedIntegerTimeIsNotGuessed: a typed input has no inference
// statistics, so the size of its integers is unknown before reading.
func TestTypedIntegerTimeIsNotGuessed(t *testing.T) {
	f, err := frame.ReadCSV(strings.NewReader("time,v\n1577836800,1\n"), "", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	// A frame read from an Arrow file has no Stats: strip them.
	s := frame.SchemaFromArrow(f.Schema().Arrow())
	n, err := newNormalizer(s, "typed.arrow", -1, Options{Measurement: "m", Mixed: MixedReject, Strings: StringsDrop, Duplicates: DuplicatesReject})
	if !errors.Is(err, ErrAmbiguousTime) || !strings.Contains(err.Error(), "--time-format unix|unix_ms") {
		t.Fatalf("typed integers: %v, %v; want ErrAmbiguousTime", n, err)
	}
	if _, err := newNormalizer(s, "typed.arrow", -1, Options{Measurement: "m", TimeFormat: timefmt.Unix, Duplicates: DuplicatesReject}); err != nil {
		t.Errorf("with --time-format: %v", err)
	}
}

func TestYearName(t *testing.T) {
	for name, want := range map[string]bool{
		"year": true, "Year": true, "YEAR": true, "yr": true, "yyyy": true, "fiscal_year": true, "fiscal-year": true,
		"fiscal year": true, "FiscalYear": true, "calendarYear": true, "lightyear": false, "years": false, "Lightyear": false,
		"year_built": false, "_year": true, "time": false,
	} {
		if got := yearName(name); got != want {
			t.Errorf("yearName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestIntRange checks the integer range inference gathers (frame.Stats
// IntMin and IntMax), which the time readings rest on: signs, spaces, the
// int64 limits, float and text cells left out.
func TestIntRange(t *testing.T) {
	in := "a\n 7\n-9223372036854775808\n+12 \n9223372036854775807\n1.5\n\n"
	cr, err := frame.NewCSVReader(strings.NewReader(in), "r.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Release()
	st := cr.FrameSchema().Columns[0].Stats
	if st.IntMin != -9223372036854775808 || st.IntMax != 9223372036854775807 || st.Count(frame.CellInt) != 4 {
		t.Errorf("range %d..%d of %d ints", st.IntMin, st.IntMax, st.Count(frame.CellInt))
	}
	cr2, err := frame.NewCSVReader(strings.NewReader("a\n 12\n-3\n5\n"), "r.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer cr2.Release()
	if st := cr2.FrameSchema().Columns[0].Stats; st.IntMin != -3 || st.IntMax != 12 {
		t.Errorf("range %d..%d, want -3..12", st.IntMin, st.IntMax)
	}
}
