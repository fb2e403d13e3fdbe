package transform

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/golden"
)

// run reads csv, normalises every chunk and returns the output rows as
// text (time as RFC 3339, then the other columns), the rejects and the
// report.
func run(t *testing.T, in string, opts Options) ([]string, []frame.Reject, Report, error) {
	t.Helper()
	cr, err := frame.NewCSVReader(strings.NewReader(in), "in.csv", frame.CSVOptions{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(cr, opts)
	if err != nil {
		return nil, nil, Report{}, err
	}
	defer r.Release()
	var rows []string
	var rejects []frame.Reject
	for r.Next() {
		out := r.Record()
		if r.Lines() != nil && len(r.Lines()) != int(out.NumRows()) {
			t.Fatalf("%d lines for %d rows", len(r.Lines()), out.NumRows())
		}
		rejects = append(rejects, r.Rejects()...)
		for i := 0; i < int(out.NumRows()); i++ {
			cells := make([]string, out.NumCols())
			for c := range cells {
				cells[c] = frame.FormatValue(out.Column(c), i)
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, rejects, r.Report(), nil
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opts    Options
		rows    []string
		rejects []string // "line: reason"
		check   func(t *testing.T, rep Report)
	}{
		{
			name: "casts and roles",
			in:   "time,host,n,x,ok\n2020-01-01T00:00:00Z,a,1,1.5,true\n2020-01-01T00:00:01Z,b,2,,false\n",
			opts: Options{Tags: []string{"host"}},
			rows: []string{"2020-01-01T00:00:00Z|a|1|1.5|1", "2020-01-01T00:00:01Z|b|2||0"},
			check: func(t *testing.T, rep Report) {
				if rep.Precision != frame.Second || rep.TimeColumn != "time" || rep.Measurement != "in" {
					t.Errorf("report header %+v", rep)
				}
				want := map[string]string{"n": "cast from int", "x": "kept", "ok": "cast from bool", "host": "kept as text"}
				for _, c := range rep.Columns {
					if w, ok := want[c.Name]; ok && c.Action != w {
						t.Errorf("%s action %q, want %q", c.Name, c.Action, w)
					}
				}
			},
		},
		{
			name: "declared tags keep their text",
			in:   "ts,zip,v\n2020-01-01 00:00:00,00501,1\n",
			opts: Options{Tags: []string{"zip"}},
			rows: []string{"2020-01-01T00:00:00Z|00501|1"},
		},
		{
			name:    "row without fields is rejected with its line",
			in:      "time,host,v\n2020-01-01T00:00:00Z,a,1\n2020-01-01T00:00:01Z,b,\n",
			opts:    Options{Tags: []string{"host"}},
			rows:    []string{"2020-01-01T00:00:00Z|a|1"},
			rejects: []string{"3: no field values"},
		},
		{
			name:    "NaN is null and counted",
			in:      "time,v,w\n2020-01-01T00:00:00Z,NaN,1\n2020-01-01T00:00:01Z,inf,\n",
			rows:    []string{"2020-01-01T00:00:00Z||1"},
			rejects: []string{"3: no field values"},
			check: func(t *testing.T, rep Report) {
				if rep.NaN != 1 {
					t.Errorf("NaN = %d, want 1", rep.NaN)
				}
			},
		},
		{
			name: "mixed dropped and reported",
			in:   "time,m,v\n2020-01-01T00:00:00Z,1,1\n2020-01-01T00:00:01Z,N/A,2\n",
			opts: Options{Mixed: MixedDrop},
			rows: []string{"2020-01-01T00:00:00Z|1", "2020-01-01T00:00:01Z|2"},
			check: func(t *testing.T, rep Report) {
				c := rep.Columns[1]
				if c.Role != RoleDropped || !strings.Contains(c.Action, `first "N/A" at line 3`) {
					t.Errorf("mixed column report %+v", c)
				}
				if len(c.Offending) != 1 || c.Offending[0].Line != 3 {
					t.Errorf("offending %+v", c.Offending)
				}
			},
		},
		{
			name:    "duplicates rejected",
			in:      "time,h,v\n2020-01-01T00:00:00Z,a,1\n2020-01-01T00:00:00Z,a,2\n2020-01-01T00:00:00Z,b,3\n",
			opts:    Options{Tags: []string{"h"}},
			rows:    []string{"2020-01-01T00:00:00Z|a|1", "2020-01-01T00:00:00Z|b|3"},
			rejects: []string{"3: duplicate point: same tags and time as line 2"},
		},
		{
			name: "duplicates offset",
			in:   "time,v\n2020-01-01T00:00:00Z,1\n2020-01-01T00:00:00Z,2\n2020-01-01T00:00:01Z,3\n",
			opts: Options{Duplicates: DuplicatesOffset},
			rows: []string{"2020-01-01T00:00:00Z|1", "2020-01-01T00:00:01Z|2", "2020-01-01T00:00:02Z|3"},
			check: func(t *testing.T, rep Report) {
				if rep.Duplicates != 2 {
					t.Errorf("duplicates = %d, want 2", rep.Duplicates)
				}
			},
		},
		{
			name: "duplicates last keeps all",
			in:   "time,v\n2020-01-01T00:00:00Z,1\n2020-01-01T00:00:00Z,2\n",
			opts: Options{Duplicates: DuplicatesLast},
			rows: []string{"2020-01-01T00:00:00Z|1", "2020-01-01T00:00:00Z|2"},
		},
		{
			name:    "bad timestamp in a text time column",
			in:      "when,v\n2020-01-01,1\nsoon,2\n",
			opts:    Options{TimeColumn: "when"},
			rows:    []string{"2020-01-01T00:00:00Z|1"},
			rejects: []string{`3: bad timestamp: "soon" is not a timestamp in a known layout`},
		},
		{
			name: "epoch seconds and timezone",
			in:   "time,v\n1577836800,1\n",
			rows: []string{"2020-01-01T00:00:00Z|1"},
		},
		{
			name: "epoch milliseconds",
			in:   "time,v\n1577836800123,1\n",
			rows: []string{"2020-01-01T00:00:00.123Z|1"},
		},
		{
			name: "zone-less times in a named zone",
			in:   "time,v\n2020-01-01 01:00:00,1\n",
			opts: Options{Location: mustZone(t, "Europe/Paris")},
			rows: []string{"2020-01-01T00:00:00Z|1"},
		},
		{
			name: "text column as tag by policy, other time column is text",
			in:   "time,city,end,v\n2020-01-01T00:00:00Z,Paris,2020-01-02T00:00:00Z,1\n",
			opts: Options{Strings: StringsTag},
			rows: []string{"2020-01-01T00:00:00Z|Paris|2020-01-02T00:00:00Z|1"},
		},
		{
			name: "default tags are added unless a column has the name",
			in:   "time,host,v\n2020-01-01T00:00:00Z,a,1\n",
			opts: Options{Tags: []string{"host"}, DefaultTags: map[string]string{"host": "x", "dc": "eu", "empty": ""}},
			rows: []string{"2020-01-01T00:00:00Z|a|eu|1"},
		},
		{
			name:    "precision finer than asked is rejected, not truncated",
			in:      "time,v\n2020-01-01T00:00:00Z,1\n2020-01-01T00:00:00.5Z,2\n",
			opts:    Options{Precision: frame.Second},
			rows:    []string{"2020-01-01T00:00:00Z|1"},
			rejects: []string{"3: timestamp finer than the write precision: precision s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, rejects, rep, err := run(t, tt.in, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows, "\n") != strings.Join(tt.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(tt.rows, "\n"))
			}
			var got []string
			for _, r := range rejects {
				got = append(got, strconv.FormatInt(r.Line, 10)+": "+r.Reason)
			}
			if strings.Join(got, "\n") != strings.Join(tt.rejects, "\n") {
				t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.rejects, "\n"))
			}
			if rep.RowsRead != rep.PointsBuilt+rep.RowsRejected {
				t.Errorf("counts do not add up: read %d, built %d, rejected %d", rep.RowsRead, rep.PointsBuilt, rep.RowsRejected)
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	return loc
}

func TestNormalizeErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		opts  Options
		cause error
		want  []string // substrings of the message
	}{
		{"mixed rejected by default", "time,m,v\n2020-01-01T00:00:00Z,1,1\n2020-01-01T00:00:01Z,N/A,2\n", Options{},
			ErrMixedColumn, []string{"in.csv:3", "column 2 (m)", `"N/A"`, "--mixed drop"}},
		{"text rejected by policy", "time,c,v\n2020-01-01T00:00:00Z,x,1\n", Options{Strings: StringsReject},
			ErrTextColumn, []string{"in.csv:2", "column 2 (c)"}},
		{"no time column", "a,v\nx,1\n", Options{}, ErrNoTimeColumn, []string{"--time-column", "a (text"}},
		{"unknown column", "time,v\n2020-01-01T00:00:00Z,1\n", Options{Tags: []string{"nope"}}, ErrNoColumn, []string{`"nope"`, "columns: time, v"}},
		{"no fields", "time,c\n2020-01-01T00:00:00Z,x\n", Options{}, ErrNoFields, []string{"c text: dropped: text"}},
		{"bad policy", "time,v\n2020-01-01T00:00:00Z,1\n", Options{Mixed: "keep"}, ErrOptions, []string{`"keep"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := run(t, tt.in, tt.opts)
			if !errors.Is(err, tt.cause) {
				t.Fatalf("err = %v, want %v", err, tt.cause)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestMixedErrorIsParseError(t *testing.T) {
	_, _, _, err := run(t, "time,m,v\n2020-01-01T00:00:00Z,1,1\n2020-01-01T00:00:01Z,x,2\n", Options{})
	var se *SchemaError
	if !errors.As(err, &se) || len(se.Report.Columns) != 3 || se.Report.Columns[1].Action != "rejected: mixed" {
		t.Errorf("no SchemaError with the report: %#v", err)
	}
	var pe *frame.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("%T is not a *frame.ParseError", err)
	}
	if pe.Line != 3 || pe.Column != 2 || pe.ColumnName != "m" || pe.Value != "x" {
		t.Errorf("position %+v", pe)
	}
}

func TestOutputSchemaRoles(t *testing.T) {
	cr, err := frame.NewCSVReader(strings.NewReader("time,h,s,v\n2020-01-01T00:00:00Z,a,b,1\n"), "m.csv", frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewReader(cr, Options{Tags: []string{"h"}, StringFields: []string{"s"}, Measurement: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Release()
	s := frame.SchemaFromArrow(n.FrameSchema().Arrow())
	var got []string
	for _, c := range s.Columns {
		got = append(got, c.Name+":"+c.Role.String()+":"+c.Kind.String())
	}
	if want := "time:time:time h:tag:text s:field:text v:field:float"; strings.Join(got, " ") != want {
		t.Errorf("schema %s, want %s", strings.Join(got, " "), want)
	}
	if s.Measurement != "cpu" || s.Precision != frame.Second {
		t.Errorf("measurement %q, precision %s; want cpu, s", s.Measurement, s.Precision)
	}
	if n.FrameSchema().Arrow().Field(0).Type.ID() != arrow.TIMESTAMP {
		t.Error("time is not a timestamp")
	}
}

func TestReportText(t *testing.T) {
	_, _, rep, err := run(t, "time,host,m,v\n2020-01-01T00:00:00Z,a,1,1\n2020-01-01T00:00:01Z,b,N/A,\n",
		Options{Tags: []string{"host"}, Mixed: MixedDrop})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/report.golden.txt", buf.Bytes())
	buf.Reset()
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/report.golden.json", buf.Bytes())
}

// TestReaderKeepsDeclaredText checks that the Reader makes declared tags
// and string fields text in the CSV reader itself: a zip code keeps its
// leading zero, a number written as a string field keeps its spelling.
func TestReaderKeepsDeclaredText(t *testing.T) {
	rows, _, _, err := run(t, "time,zip,code,v\n2020-01-01T00:00:00Z,00501,1.50,1\n2020-01-01T00:00:01Z,02134,007,2\n",
		Options{Tags: []string{"zip"}, StringFields: []string{"code"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "2020-01-01T00:00:00Z|00501|1.50|1\n2020-01-01T00:00:01Z|02134|007|2"
	if got := strings.Join(rows, "\n"); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
}

// TestReaderFrameRows normalises a frame, which has no lines: rejects are
// placed by row, and the measurement must be given.
func TestReaderFrameRows(t *testing.T) {
	f, err := frame.ReadCSV(strings.NewReader("time,v\n2020-01-01T00:00:00Z,1\n2020-01-01T00:00:00Z,2\n2020-01-01T00:00:01Z,\n"), "", frame.CSVOptions{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	if _, err := NewReader(f.Reader(), Options{}); !errors.Is(err, ErrOptions) {
		t.Fatalf("no measurement: err = %v, want ErrOptions", err)
	}
	r, err := NewReader(f.Reader(), Options{Measurement: "m"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var got []string
	for r.Next() {
		if r.Lines() != nil {
			t.Errorf("lines %v for a frame", r.Lines())
		}
		for _, rej := range r.Rejects() {
			got = append(got, rej.Position()+": "+rej.Reason)
		}
	}
	want := "row 2: duplicate point: same tags and time as row 1\nrow 3: no field values"
	if strings.Join(got, "\n") != want {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// TestColumnsUsedAsTheyAre checks a chunk every row of which becomes a
// point, whose string and float64 columns the output may use as they
// are, against the same rows in a chunk with a rejected row, which builds
// every column: a non-null empty tag is null, an empty string field stays
// empty, a NaN or infinite float is null and counted, in both.
func TestColumnsUsedAsTheyAre(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "host", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	record := func(times []string) arrow.Record {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		b.Field(0).(*array.StringBuilder).AppendValues(times, nil)
		b.Field(1).(*array.StringBuilder).AppendValues([]string{"a", "", "", "b", "c"}, []bool{true, true, false, true, true})
		b.Field(2).(*array.StringBuilder).AppendValues([]string{"", "x", "", "y", "z"}, []bool{true, true, false, true, true})
		b.Field(3).(*array.Float64Builder).AppendValues([]float64{math.NaN(), 1.5, 0, math.Inf(1), math.Copysign(0, -1)}, []bool{true, true, false, true, true})
		b.Field(4).(*array.Int64Builder).AppendValues([]int64{1, 0, 3, 4, 5}, []bool{true, false, true, true, true})
		return b.NewRecord()
	}
	times := []string{"2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", "2020-01-01T00:00:02Z", "2020-01-01T00:00:03Z", "2020-01-01T00:00:04Z"}
	bad := slices.Clone(times)
	bad[2] = "not a time"
	for i := range bad {
		bad[i] = strings.Replace(bad[i], "2020", "2021", 1) // other keys
	}
	all, some := record(times), record(bad)
	defer all.Release()
	defer some.Release()
	f, err := frame.New(frame.SchemaFromArrow(schema), all, some)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	r, err := NewReader(f.Reader(), Options{Measurement: "m", TimeColumn: "time", Tags: []string{"host"}, StringFields: []string{"note"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var got [][]string
	for r.Next() {
		out := r.Record()
		var rows []string
		for i := range int(out.NumRows()) {
			rows = append(rows, strings.Join(quotedCells(out, i)[1:], "|"))
		}
		got = append(got, rows)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{`"a"|""|null|"1"`, `null|"x"|"1.5"|null`, `null|null|null|"3"`, `"b"|"y"|null|"4"`, `"c"|"z"|"-0"|"5"`}
	if len(got) != 2 || !slices.Equal(got[0], want) || !slices.Equal(got[1], slices.Delete(slices.Clone(want), 2, 3)) {
		t.Errorf("got %q\nwant %q, and without its third row", got, want)
	}
	if rep := r.Report(); rep.NaN != 4 || rep.PointsBuilt != 9 {
		t.Errorf("NaN %d, points %d; want 4 and 9", rep.NaN, rep.PointsBuilt)
	}
}

// FuzzNormalizeChunks checks that how an input is cut into chunks changes
// nothing of what normalisation makes of it: the same points, values,
// rejects and report, whether each chunk is one row (every chunk of a
// point has all its rows kept, and apply may use its columns as they are)
// or many (a rejected row makes apply build every column). The input is a
// table of random times (some empty, bad or repeated), tags (some empty),
// string fields, floats (some NaN or infinite) and integers.
func FuzzNormalizeChunks(f *testing.F) {
	for _, seed := range []uint64{0, 1, 2, 3} {
		f.Add(seed, uint8(40), uint8(0))
	}
	f.Fuzz(func(t *testing.T, seed uint64, rows, policy uint8) {
		r := rand.New(rand.NewSource(int64(seed)))
		pick := func(s ...string) string { return s[r.Intn(len(s))] }
		var csv strings.Builder
		csv.WriteString("time,host,note,v,n\n")
		for i := range int(rows) {
			ts := fmt.Sprintf("2020-01-01T00:00:%02dZ", i%60)
			if r.Intn(8) == 0 {
				ts = fmt.Sprintf("2020-01-01T00:00:%02dZ", r.Intn(60)) // a duplicate, perhaps
			}
			ts = pick(ts, ts, ts, ts, ts, ts, "", "bad")
			fmt.Fprintf(&csv, "%s,%s,%s,%s,%s\n", ts, pick("a", "b", "", `""`), pick("x", "", `""`, "y z"),
				pick("1.5", "-0", "", "NaN", "inf", "2.25"), pick("1", "", "-7"))
		}
		opts := Options{Measurement: "m", TimeColumn: "time", Tags: []string{"host"}, StringFields: []string{"note"},
			Duplicates: []DuplicatesPolicy{DuplicatesReject, DuplicatesLast, DuplicatesOffset}[policy%3]}
		read := func(chunk int) ([]string, []string, Report) {
			cr, err := frame.NewCSVReader(strings.NewReader(csv.String()), "in.csv", frame.CSVOptions{ChunkSize: chunk})
			if err != nil {
				t.Fatal(err)
			}
			nr, err := NewReader(cr, opts)
			if err != nil {
				var se *SchemaError
				if errors.As(err, &se) || errors.Is(err, ErrNoRows) {
					t.Skip(err) // a table no chunking reads
				}
				t.Fatal(err)
			}
			defer nr.Release()
			var rows, rejects []string
			for nr.Next() {
				out := nr.Record()
				for i := range int(out.NumRows()) {
					rows = append(rows, fmt.Sprint(nr.Lines()[i], " ", strings.Join(quotedCells(out, i), "|")))
				}
				for _, rj := range nr.Rejects() {
					rejects = append(rejects, fmt.Sprint(rj.Line, rj.Row, rj.Reason, rj.Cells))
				}
			}
			if err := nr.Err(); err != nil {
				t.Fatal(err)
			}
			return rows, rejects, nr.Report()
		}
		rows1, rejects1, rep1 := read(1)
		rowsN, rejectsN, repN := read(64)
		if !slices.Equal(rows1, rowsN) || !slices.Equal(rejects1, rejectsN) {
			t.Fatalf("chunks of 1 row:\n%q\n%q\nof 64:\n%q\n%q", rows1, rejects1, rowsN, rejectsN)
		}
		if fmt.Sprint(rep1) != fmt.Sprint(repN) {
			t.Fatalf("reports differ:\n%+v\n%+v", rep1, repN)
		}
	})
}

// quotedCells returns the cells of row i of rec, quoted, or null.
func quotedCells(rec arrow.Record, i int) []string {
	cells := make([]string, rec.NumCols())
	for c := range cells {
		if rec.Column(c).IsNull(i) {
			cells[c] = "null"
		} else {
			cells[c] = strconv.Quote(frame.FormatValue(rec.Column(c), i))
		}
	}
	return cells
}
