package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/testserver"
)

// runCLI runs one command line with captured streams.
func runCLI(t *testing.T, env []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code = run(ctx, args, &streams{in: strings.NewReader(stdin), out: &out, err: &errb, environ: env})
	return code, out.String(), errb.String()
}

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// server returns the package's shared server of a kind and a new bucket
// (a database on 1.x) for one test.
func server(t *testing.T, kind testserver.Kind) (*testserver.Server, string) {
	s := testserver.Shared(t, kind)
	return s, s.NewBucket(t)
}

// conn returns the connection flags and environment for a test server's
// bucket. The token travels in the environment, as a careful user would
// pass it.
func conn(s *testserver.Server, bucket string) (flags []string, env []string) {
	flags = []string{"--url", s.URL, "--bucket", bucket}
	if s.Org != "" {
		flags = append(flags, "--org", s.Org)
	}
	if s.Token != "" {
		env = append(env, "INFLUXDB_V2_TOKEN="+s.Token)
	}
	return flags, env
}

// sampleColumns reads the taxi sample and returns its rows keyed by column.
func sampleColumns(t *testing.T) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open("../../testdata/taxi_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return all[0], all[1:]
}

// fieldCounts asks the server how many values each field of the
// measurement holds.
func fieldCounts(t *testing.T, s *testserver.Server, bucket, measurement string) map[string]int64 {
	t.Helper()
	return fieldCountsIn(t, s, bucket, measurement, "2018-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
}

// fieldCountsIn is fieldCounts over the time range [start, stop).
func fieldCountsIn(t *testing.T, s *testserver.Server, bucket, measurement, start, stop string) map[string]int64 {
	t.Helper()
	flux := fmt.Sprintf(`from(bucket: %q)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == %q)
  |> group(columns: ["_field"])
  |> count()`, bucket, start, stop, measurement)
	c := s.Client()
	defer c.Close()
	res, err := c.QueryAPI(s.Org).Query(context.Background(), flux)
	if err != nil {
		t.Fatalf("count query: %v", err)
	}
	got := map[string]int64{}
	for res.Next() {
		r := res.Record()
		// Values of one field with different types (a type conflict
		// across shards) come in separate tables: add them up.
		got[r.Field()] += r.Value().(int64)
	}
	if res.Err() != nil {
		t.Fatalf("count query: %v", res.Err())
	}
	return got
}

// checkSampleCounts compares the number of values of every field on the
// server with the number of non-empty cells of its column in the sample
// (imported with sampleSchema and --mixed drop).
func checkSampleCounts(t *testing.T, s *testserver.Server, bucket string) {
	t.Helper()
	header, rows := sampleColumns(t)
	want := map[string]int64{}
	for _, row := range rows {
		for i, cell := range row {
			switch header[i] {
			case "dispatching_base_num", "store_and_fwd_flag", "pickup_datetime", "congestion_surcharge":
				continue
			}
			if cell != "" {
				want[header[i]]++
			}
		}
	}
	got := fieldCounts(t, s, bucket, "taxi")
	if len(got) != len(want) {
		t.Errorf("fields on the server %v, want %v", got, want)
	}
	for f, n := range want {
		if got[f] != n {
			t.Errorf("field %s: %d values on the server, want %d", f, got[f], n)
		}
	}
}

var sampleSchema = []string{"--tags", "dispatching_base_num,store_and_fwd_flag", "--string-fields", "dropoff_datetime", "--measurement", "taxi"}

func TestImportCountsBackEveryField(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			dir := t.TempDir()
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--mixed", "drop", "--workers", "3", "--batch-size", "700",
				"--rejects", filepath.Join(dir, "rej.lp"), "--report", filepath.Join(dir, "report.json"),
				"../../testdata/taxi_sample.csv")
			code, stdout, stderr := runCLI(t, env, "", args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if s.Token != "" && strings.Contains(stdout+stderr, s.Token) {
				t.Fatal("the token appears in the output")
			}
			if !strings.Contains(stderr, "dropped: mixed") || !strings.Contains(stderr, "written 3000") {
				t.Errorf("summary lacks the dropped column or the count:\n%s", stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "rej.lp")); !os.IsNotExist(err) {
				t.Errorf("a rejects file was written though nothing was rejected: %v", err)
			}
			checkSampleCounts(t, s, bucket)
		})
	}
}

func TestImportMixedColumnRejectedByDefault(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--rejects", filepath.Join(t.TempDir(), "rej.lp"), "../../testdata/taxi_sample.csv")
			code, stdout, stderr := runCLI(t, env, "", args...)
			if code != exitDataLoss {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitDataLoss, stdout, stderr)
			}
			for _, want := range []string{"taxi_sample.csv:998", "column 14 (congestion_surcharge)", `"N/A"`, "--mixed drop", "nothing written"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if got := fieldCounts(t, s, bucket, "taxi"); len(got) != 0 {
				t.Errorf("something was written: %v", got)
			}
		})
	}
}

func TestQueryExportComparesValues(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--mixed", "drop", "../../testdata/taxi_sample.csv")
			if code, _, stderr := runCLI(t, env, "", args...); code != 0 {
				t.Fatalf("import: exit %d: %s", code, stderr)
			}
			flux := fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2019-01-01T00:00:00Z, stop: 2019-01-03T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "taxi")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`, bucket)
			qargs := append(append([]string{"query"}, flags...), "--out", "-", flux)
			code, stdout, stderr := runCLI(t, env, "", qargs...)
			if code != 0 {
				t.Fatalf("query: exit %d: %s", code, stderr)
			}
			got, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			if err != nil {
				t.Fatalf("query output is not CSV: %v\n%s", err, stdout)
			}
			col := map[string]int{}
			for i, h := range got[0] {
				col[h] = i
			}
			for _, h := range []string{"_time", "fare_amount", "dispatching_base_num", "dropoff_datetime", "PULocationID"} {
				if _, ok := col[h]; !ok {
					t.Fatalf("no column %s in %v", h, got[0])
				}
			}
			header, rows := sampleColumns(t)
			in := map[string]int{}
			for i, h := range header {
				in[h] = i
			}
			if len(got)-1 != len(rows) {
				t.Fatalf("%d rows back, want %d", len(got)-1, len(rows))
			}
			byTime := map[string][]string{}
			for _, r := range got[1:] {
				byTime[r[col["_time"]]] = r
			}
			for _, r := range rows {
				ts, _ := time.Parse("2006-01-02 15:04:05", r[in["pickup_datetime"]])
				back, ok := byTime[ts.UTC().Format(time.RFC3339Nano)]
				if !ok {
					t.Fatalf("row at %s missing", ts)
				}
				for _, name := range []string{"fare_amount", "trip_distance", "PULocationID", "SR_Flag"} {
					wantV, gotV := r[in[name]], back[col[name]]
					if wantV == "" || gotV == "" {
						if wantV != gotV {
							t.Errorf("%s at %s: got %q, want %q", name, ts, gotV, wantV)
						}
						continue
					}
					w, _ := strconv.ParseFloat(wantV, 64)
					g, err := strconv.ParseFloat(gotV, 64)
					if err != nil || g != w {
						t.Errorf("%s at %s: got %q, want %q", name, ts, gotV, wantV)
					}
				}
				for _, name := range []string{"dispatching_base_num", "dropoff_datetime", "store_and_fwd_flag"} {
					if back[col[name]] != r[in[name]] {
						t.Errorf("%s at %s: got %q, want %q", name, ts, back[col[name]], r[in[name]])
					}
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Usage:"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"import"}, exitUsage, "no input file"},
		{[]string{"import", "--no-such-flag", "x.csv"}, exitUsage, "unknown flag: --no-such-flag"},
		{[]string{"validate", "--mixed", "keep", "../../testdata/taxi_sample.csv"}, exitUsage, `mixed policy "keep"`},
		{[]string{"validate", "no-such-file.csv"}, exitFailure, "no-such-file.csv"},
		{[]string{"validate", "--tags", "dispatching_base_num", "../../testdata/taxi_sample.csv"}, exitDataLoss, "congestion_surcharge"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q?\n%s", code, tt.code, tt.want, stderr)
			}
		})
	}
}

func TestHelpListsDefaultsWithoutToken(t *testing.T) {
	env := []string{"INFLUXDB_V2_TOKEN=sekrit-token-value"}
	for _, cmd := range []string{"import", "validate", "query"} {
		code, stdout, stderr := runCLI(t, env, "", cmd, "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d", cmd, code)
		}
		if strings.Contains(stdout+stderr, "sekrit") {
			t.Errorf("%s --help shows the token", cmd)
		}
		if !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "--") {
			t.Errorf("%s --help lacks flags or examples:\n%s", cmd, stdout)
		}
	}
	_, stdout, _ := runCLI(t, nil, "", "import", "--help")
	for _, want := range []string{`--mixed string`, `(default "reject")`, `--batch-size int`, `(default 5000)`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import --help lacks %q", want)
		}
	}
}

func TestValidateStdinAndDataExitCode(t *testing.T) {
	in := "time,host,v\n2020-01-01T00:00:00Z,a,1\n2020-01-01T00:00:01Z,b,\n"
	code, _, stderr := runCLI(t, nil, in, "validate", "--tags", "host", "-")
	if code != exitDataLoss || !strings.Contains(stderr, "-:3: no field values") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "time,v\n2020-01-01T00:00:00Z,1\n", "validate", "-")
	if code != 0 {
		t.Errorf("clean input: exit %d\n%s", code, stderr)
	}
}

func TestConvertFormats(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"csv", "arrow", "arrows", "parquet", "lp"} {
		t.Run(ext, func(t *testing.T) {
			out := filepath.Join(dir, "taxi."+ext)
			args := append([]string{"convert"}, sampleSchema...)
			args = append(args, "--mixed", "drop", "../../testdata/taxi_sample.csv", "--out", out)
			code, _, stderr := runCLI(t, nil, "", args...)
			if code != 0 || !strings.Contains(stderr, "wrote 3000 rows") {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			st, err := os.Stat(out)
			if err != nil || st.Size() == 0 || st.Mode().Perm() != 0o644 {
				t.Fatalf("output %v, %v", st, err)
			}
			switch ext {
			case "arrow":
				f, err := frame.ReadArrowFile(out, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Release()
				if f.NumRows() != 3000 || f.Schema().Measurement != "taxi" {
					t.Errorf("%d rows, measurement %q", f.NumRows(), f.Schema().Measurement)
				}
			case "lp", "csv":
				data, _ := os.ReadFile(out)
				lines := strings.Split(strings.TrimSpace(string(data)), "\n")
				want := 3000
				if ext == "csv" {
					want++
				}
				if len(lines) != want {
					t.Errorf("%d lines, want %d", len(lines), want)
				}
				if ext == "lp" && !strings.HasSuffix(lines[0], " 1546300802000000000") {
					t.Errorf("first line not in nanoseconds: %s", lines[0])
				}
			}
		})
	}
}

// TestValidateSchemaContract writes the schema of one file with validate
// --schema-out and enforces it on later files with --schema.
func TestValidateSchemaContract(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jan := write("jan.csv", "time,station,v\n2020-01-01T00:00:00Z,A1,1\n2020-01-01T00:00:01Z,B2,2\n")
	schema := filepath.Join(dir, "schema.json")
	code, _, stderr := runCLI(t, nil, "", "validate", "--tags", "station", "--schema-out", schema, jan)
	if code != 0 || !strings.Contains(stderr, "wrote the schema of "+jan) {
		t.Fatalf("--schema-out: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(schema)
	if err != nil || !strings.Contains(string(data), `"role": "tag"`) {
		t.Fatalf("schema file: %v\n%s", err, data)
	}

	// Station codes that look like numbers, and a float v: compatible.
	feb := write("feb.csv", "time,station,v\n2020-02-01T00:00:00Z,00501,1.5\n")
	if code, _, stderr := runCLI(t, nil, "", "validate", "--schema", schema, feb); code != 0 {
		t.Errorf("compatible file: exit %d\n%s", code, stderr)
	}

	tests := []struct {
		name, data string
		code       int
		want       []string
	}{
		{"changed kind", "time,station,v\n2020-03-01T00:00:00Z,A1,1\n2020-03-01T00:00:01Z,A1,N/A\n", exitDataLoss,
			[]string{"mar.csv:3: column 3 (v)", `column "v" changed kind: kind int in the contract (field), mixed here, first text cell at line 3`}},
		{"appeared", "time,station,v,extra\n2020-03-01T00:00:00Z,A1,1,x\n", exitDataLoss,
			[]string{"mar.csv:1: column 4 (extra)", `column "extra" (text) is not in it`}},
		{"disappeared", "time,v\n2020-03-01T00:00:00Z,1\n", exitDataLoss,
			[]string{"mar.csv:1", `column "station" (text, tag) is missing`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mar := write("mar.csv", tt.data)
			code, _, stderr := runCLI(t, nil, "", "validate", "--schema", schema, mar)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}

	// The contract decides roles: --tags with --schema is a usage error,
	// and so is a schema file that is not one.
	if code, _, stderr := runCLI(t, nil, "", "validate", "--schema", schema, "--tags", "station", feb); code != exitUsage || !strings.Contains(stderr, "--tags with a schema contract") {
		t.Errorf("--tags with --schema: exit %d\n%s", code, stderr)
	}
	bad := write("bad.json", `{"version": 1, "colums": []}`)
	if code, _, stderr := runCLI(t, nil, "", "validate", "--schema", bad, feb); code != exitUsage || !strings.Contains(stderr, "invalid schema contract") {
		t.Errorf("bad schema file: exit %d\n%s", code, stderr)
	}

	// With several inputs, --schema-out checks the later ones against the
	// first one's schema, whatever the other flags say.
	schema2 := filepath.Join(dir, "schema2.json")
	mar := write("mar.csv", "time,station,v\n2020-03-01T00:00:00Z,A1,x\n")
	code, _, stderr = runCLI(t, nil, "", "validate", "--tags", "station", "--schema-out", schema2, jan, feb, mar)
	if code != exitDataLoss || !strings.Contains(stderr, "mar.csv:2: column 3 (v)") {
		t.Errorf("several inputs: exit %d\n%s", code, stderr)
	}
}

// TestValidateExplains covers what validate says about duplicates a
// dropped column explains, integer times, and a file without rows.
func TestValidateExplains(t *testing.T) {
	iowa := "year,source,net_generation\n2001,Fossil Fuels,35361\n2001,Nuclear Energy,3853\n2002,Fossil Fuels,35991\n2002,Nuclear Energy,4574\n"
	tests := []struct {
		name, in string
		args     []string
		code     int
		want     []string
	}{
		{"duplicates told apart by a dropped column", iowa, nil, exitDataLoss,
			[]string{`time column "year" (year)`, "suggestion: --tags source: the dropped text column \"source\" differs in 2 of the 2 duplicate rows"}},
		{"the suggestion works", iowa, []string{"--tags", "source"}, 0, []string{"points built 4"}},
		{"ambiguous integer times", "time,v\n5000,1\n", nil, exitDataLoss,
			[]string{"-:2: column 1 (time)", "say which with --time-format unix|unix_ms|unix_us|unix_ns|year", "suggestion: --time-format unix: reads"}},
		{"--time-format decides", "time,v\n5000,1\n", []string{"--time-format", "unix"}, 0, []string{`time column "time" (unix)`}},
		{"dates inference leaves alone", "day,v\n03/15/2020,1\n", nil, exitDataLoss,
			[]string{"try --time-column day --time-format 01/02/2006", "suggestion: --time-column day --time-format 01/02/2006"}},
		{"header only", "time,v\n", nil, exitDataLoss, []string{"-: no data rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"validate"}, tt.args...), "-")
			code, _, stderr := runCLI(t, nil, tt.in, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}
