package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

// dialectCopies writes the taxi sample in dir again, separated by
// semicolons with decimal commas (as a spreadsheet in much of Europe
// exports it) and by tabs, and returns the three files' paths by
// measurement.
func dialectCopies(t *testing.T, dir string) map[string]string {
	t.Helper()
	header, rows := sampleColumns(t)
	write := func(name, delim string, cell func(string) string) string {
		var b strings.Builder
		b.WriteString(strings.Join(header, delim) + "\n")
		for _, row := range rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = cell(c)
			}
			b.WriteString(strings.Join(cells, delim) + "\n")
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	decimalComma := func(c string) string {
		if _, err := strconv.ParseFloat(c, 64); err == nil && strings.Contains(c, ".") {
			return strings.Replace(c, ".", ",", 1)
		}
		if strings.ContainsAny(c, ";\"") {
			t.Fatalf("cell %q needs quoting", c)
		}
		return c
	}
	same := func(c string) string { return c }
	semi := write("taxi_semicolon.csv", ";", decimalComma)
	if data, _ := os.ReadFile(semi); !strings.Contains(string(data), ";1,46;") {
		t.Fatalf("the semicolon copy has no decimal comma:\n%.300s", data)
	}
	return map[string]string{
		"taxi_comma":     "../../testdata/taxi_sample.csv",
		"taxi_semicolon": semi,
		"taxi_tab":       write("taxi_tab.csv", "\t", same),
	}
}

// TestImportDialectsSniffed imports semicolon/decimal-comma and
// tab-separated copies of the taxi sample, with no dialect flag, each into
// its own measurement, and checks that every stored value (time, tags,
// field and value) is the comma-separated original's.
func TestImportDialectsSniffed(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			dir := t.TempDir()
			files := dialectCopies(t, dir)
			for m, path := range files {
				args := append(append([]string{"import"}, flags...),
					"--tags", "dispatching_base_num,store_and_fwd_flag", "--string-fields", "dropoff_datetime",
					"--measurement", m, "--mixed", "drop", "--rejects", filepath.Join(dir, m+".rej.lp"), path)
				code, stdout, stderr := runCLI(t, env, "", args...)
				if code != 0 {
					t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", m, code, stdout, stderr)
				}
				if !strings.Contains(stderr, "written 3000") {
					t.Errorf("%s: summary does not say 3000 were written:\n%s", m, stderr)
				}
			}
			want := storedValues(t, s, bucket, "taxi_comma")
			if len(want) < 3000*8 {
				t.Fatalf("the original stored %d values", len(want))
			}
			for _, m := range []string{"taxi_semicolon", "taxi_tab"} {
				got := storedValues(t, s, bucket, m)
				if len(got) != len(want) {
					t.Errorf("%s: %d values stored, want %d", m, len(got), len(want))
				}
				bad := 0
				for k, v := range want {
					if got[k] != v {
						if bad++; bad <= 5 {
							t.Errorf("%s: %s = %q, want %q", m, k, got[k], v)
						}
					}
				}
				if bad > 5 {
					t.Errorf("%s: %d values differ in all", m, bad)
				}
			}
		})
	}
}

// storedValues returns every value of a measurement, keyed by its time,
// tag set and field, with its type.
func storedValues(t *testing.T, s *testserver.Server, bucket, measurement string) map[string]string {
	t.Helper()
	flux := fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2018-01-01T00:00:00Z, stop: 2030-01-01T00:00:00Z)
  |> filter(fn: (r) => r._measurement == %q)`, bucket, measurement)
	c := s.Client()
	defer c.Close()
	res, err := c.QueryAPI(s.Org).Query(context.Background(), flux)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	out := map[string]string{}
	for res.Next() {
		r := res.Record()
		var tags []string
		for k, v := range r.Values() {
			switch k {
			case "result", "table", "_start", "_stop", "_time", "_measurement", "_field", "_value":
				continue
			}
			tags = append(tags, fmt.Sprintf("%s=%v", k, v))
		}
		sort.Strings(tags)
		key := fmt.Sprintf("%s %s %s", r.Time().UTC().Format("2006-01-02T15:04:05.999999999"), strings.Join(tags, ","), r.Field())
		out[key] = fmt.Sprintf("%T %v", r.Value(), r.Value())
	}
	if res.Err() != nil {
		t.Fatalf("query: %v", res.Err())
	}
	return out
}

// TestDialectFlags checks that --delimiter, --decimal, --quote and
// --no-header override the sniffer on convert and validate, that a schema
// contract's dialect reads later files unless a flag says otherwise, and
// that invalid values are usage errors.
func TestDialectFlags(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	semi := file("semi.csv", "time;v\n2020-01-01T00:00:00Z;1,5\n2020-01-01T00:01:00Z;2,5\n")
	convert := func(args ...string) (code int, lp, stderr string) {
		t.Helper()
		out := filepath.Join(dir, fmt.Sprintf("out%d.lp", len(args)))
		os.Remove(out)
		all := append([]string{"convert", "--measurement", "m", "--out", out, "--rejects", out + ".rej"}, args...)
		code, _, stderr = runCLI(t, nil, "", all...)
		data, _ := os.ReadFile(out)
		return code, string(data), stderr
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		lp     string // in the line protocol written
		stderr string // in stderr
	}{
		{"sniffed", []string{semi}, 0, "m v=1.5 1577836800000000000\n", "v       float"},
		{"decimal point given", []string{"--decimal", ".", "--string-fields", "v", semi}, 0, `m v="1,5" 1577836800000000000`, "v       text"},
		{"delimiter given", []string{"--delimiter", ",", semi}, exitDataLoss, "", "semi.csv:2: column 1: wrong number of fields"},
		{"tab given", []string{"--delimiter", "tab", semi}, exitDataLoss, "", "no time column"},
		{"no header given", []string{"--no-header", "--string-fields", "column1", semi}, exitDataLoss, "", "column0"},
		{"quote none", []string{"--quote", "none", file("q.csv", "time;v;s\n2020-01-01T00:00:00Z;1;5\"\n"), "--string-fields", "s"}, 0, `s="5\""`, ""},
		{"bad delimiter", []string{"--delimiter", ";;", semi}, exitUsage, "", "--delimiter"},
		{"bad decimal", []string{"--decimal", ";", semi}, exitUsage, "", "--decimal"},
		{"bad quote", []string{"--quote", "«", semi}, exitUsage, "", "--quote"},
		{"decimal comma with commas", []string{"--decimal", ",", "--delimiter", ",", semi}, exitUsage, "", "decimal comma"},
		{"header and no header", []string{"--header", "--no-header", semi}, exitUsage, "", "Header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, lp, stderr := convert(tc.args...)
			if code != tc.code || !strings.Contains(lp, tc.lp) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; line protocol %q, want %q in it; stderr:\n%s\nwant %q in it", code, tc.code, lp, tc.lp, stderr, tc.stderr)
			}
		})
	}

	// The contract of the semicolon file reads a later file in its dialect:
	// "1.000" is no number with a decimal comma, so v mixes in text and
	// breaks the contract; with --decimal . it is 1, as the sniffer reads it.
	schema := filepath.Join(dir, "schema.json")
	if code, _, stderr := runCLI(t, nil, "", "validate", "--schema-out", schema, semi); code != 0 {
		t.Fatalf("validate: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(schema); !strings.Contains(string(data), `"delimiter": ";"`) || !strings.Contains(string(data), `"decimal": ","`) {
		t.Errorf("the schema lacks the dialect:\n%s", data)
	}
	later := file("later.csv", "time;v\n2020-01-02T00:00:00Z;3\n2020-01-02T00:01:00Z;1.000\n")
	if code, _, stderr := convert("--schema", schema, later); code != exitDataLoss || !strings.Contains(stderr, "changed kind") {
		t.Errorf("--schema: exit %d, want %d and a contract error:\n%s", code, exitDataLoss, stderr)
	}
	if code, lp, stderr := convert("--schema", schema, "--decimal", ".", later); code != 0 || !strings.Contains(lp, "m v=1 1577923260000000000") {
		t.Errorf("--schema --decimal .: exit %d, %q\n%s", code, lp, stderr)
	}
	if code, lp, stderr := convert(later); code != 0 || !strings.Contains(lp, "m v=1 1577923260000000000") {
		t.Errorf("sniffed: exit %d, %q\n%s", code, lp, stderr)
	}
}
