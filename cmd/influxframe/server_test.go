package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxframe/influxframe/internal/testserver"
)

func TestConfigINIFromTheSeed(t *testing.T) {
	s, bucket := server(t, testserver.V2)
	dir := t.TempDir()
	ini := filepath.Join(dir, "config.ini")
	// The format influxdb-client-python's from_config_file reads.
	cfg := fmt.Sprintf("[influx2]\nurl=%s\norg=%s\ntoken=%s\nbucket=%s\ntimeout=6000\nverify_ssl=False\n\n[tags]\nsource=${env.DEMO_SOURCE}\n",
		s.URL, s.Org, s.Token, bucket)
	if err := os.WriteFile(ini, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"import", "--config", ini}, sampleSchema...)
	args = append(args, "--mixed", "drop", "../../testdata/taxi_sample.csv")
	code, stdout, stderr := runCLI(t, []string{"DEMO_SOURCE=seed"}, "", args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, s.Token) {
		t.Fatal("the token appears in the output")
	}
	checkSampleCounts(t, s, bucket)
	// The [tags] section's default tag is on every point.
	c := s.Client()
	defer c.Close()
	res, err := c.QueryAPI(s.Org).Query(context.Background(), fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2019-01-01T00:00:00Z, stop: 2019-01-03T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "taxi" and r._field == "fare_amount" and r.source == "seed")
  |> group() |> count()`, bucket))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for res.Next() {
		n += res.Record().Value().(int64)
	}
	if res.Err() != nil || n != 3000 {
		t.Errorf("points with the default tag source=seed: %d, want 3000 (%v)", n, res.Err())
	}
}

func TestWrongTokenExitsOneWithoutShowingIt(t *testing.T) {
	s, bucket := server(t, testserver.V2)
	const wrong = "not-the-token-0123456789abcdef"
	args := append([]string{"import", "--url", s.URL, "--org", s.Org, "--bucket", bucket, "--token", wrong}, sampleSchema...)
	args = append(args, "--mixed", "drop", "--max-retries", "0", "--rejects", filepath.Join(t.TempDir(), "r.lp"), "../../testdata/taxi_sample.csv")
	code, stdout, stderr := runCLI(t, nil, "", args...)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, wrong) {
		t.Errorf("the token appears in the output:\n%s%s", stdout, stderr)
	}
	if !strings.Contains(strings.ToLower(stderr), "unauthorized") && !strings.Contains(stderr, "credentials") {
		t.Errorf("the message does not say the credentials were refused:\n%s", stderr)
	}
}

// createdBuckets numbers the buckets TestCreateBucket makes.
var createdBuckets atomic.Int64

func TestCreateBucket(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := testserver.Shared(t, kind)
			// A new name on every run: the server outlives a run of
			// go test -count=N.
			bucket := fmt.Sprintf("made_by_import_%d", createdBuckets.Add(1))
			flags, env := conn(s, bucket)
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--mixed", "drop", "--create-bucket", "../../testdata/taxi_sample.csv")
			code, stdout, stderr := runCLI(t, env, "", args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, fmt.Sprintf("created bucket %q", bucket)) {
				t.Errorf("no word of the bucket's creation:\n%s", stderr)
			}
			if got := fieldCounts(t, s, bucket, "taxi"); got["fare_amount"] != 3000 {
				t.Errorf("fare_amount values in the new bucket: %v", got)
			}
		})
	}
}

// TestFieldTypeConflictGoesToRejects makes the server refuse some points
// (a partial write: 400 on 1.8, 422 on 2.x) and checks that exactly those
// are in the rejects file, the others stored, and the exit code 3.
func TestFieldTypeConflictGoesToRejects(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			// Field v is a string in the shard of the first week of 2020.
			c := s.Client()
			w := c.WriteAPIBlocking(s.Org, bucket)
			if err := w.WriteRecord(context.Background(), `conflict v="text" 1577836800000000000`); err != nil {
				t.Fatal(err)
			}
			c.Close()
			var b strings.Builder
			b.WriteString("time,v\n")
			week1 := time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC)
			week4 := week1.Add(21 * 24 * time.Hour)
			for i := 0; i < 10; i++ {
				fmt.Fprintf(&b, "%s,%d\n", week1.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), i)
			}
			for i := 0; i < 10; i++ {
				fmt.Fprintf(&b, "%s,%d\n", week4.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), i)
			}
			rej := filepath.Join(t.TempDir(), "conflict.rejected.lp")
			// The preflight would refuse the import as a whole; without it,
			// the server refuses only the points of the week-1 shard.
			args := append(append([]string{"import"}, flags...), "--measurement", "conflict", "--workers", "1",
				"--no-preflight", "--rejects", rej, "-")
			code, stdout, stderr := runCLI(t, env, b.String(), args...)
			if code != exitDataLoss {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitDataLoss, stdout, stderr)
			}
			data, err := os.ReadFile(rej)
			if err != nil {
				t.Fatal(err)
			}
			var points, comments int
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				switch {
				case strings.HasPrefix(line, "#"):
					comments++
					if !strings.Contains(line, "field type conflict") {
						t.Errorf("comment without the reason: %s", line)
					}
				case strings.HasPrefix(line, "conflict v="):
					f := strings.Fields(line)
					ns, err := strconv.ParseInt(f[len(f)-1], 10, 64)
					if err != nil || ns < week1.UnixNano() || ns >= week1.Add(7*24*time.Hour).UnixNano() {
						t.Errorf("rejected point not of week 1: %q", line)
					}
					points++
				default:
					t.Errorf("unexpected line in the rejects file: %q", line)
				}
			}
			if points != 10 || comments == 0 {
				t.Errorf("rejects file has %d points and %d comments, want the 10 of week 1:\n%s", points, comments, data)
			}
			if !strings.Contains(stderr, "written 10") {
				t.Errorf("summary does not say 10 were written:\n%s", stderr)
			}
			// Flux on 1.8 reads a field with one type across shards, so
			// count week 4 on its own.
			got := fieldCountsIn(t, s, bucket, "conflict", week4.Format(time.RFC3339), week4.Add(time.Hour).Format(time.RFC3339))
			if got["v"] != 10 {
				t.Errorf("values of v stored in week 4: %v, want 10", got)
			}
		})
	}
}

// TestStoppedImportReplaysFromRejects stops an import at once (its bucket
// does not exist: a fatal 404), then imports the rejects file into a real
// bucket, which completes the job.
func TestStoppedImportReplaysFromRejects(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			bad, _ := conn(s, "no_such_bucket")
			rej := filepath.Join(t.TempDir(), "taxi.rejected.lp")
			args := append(append([]string{"import"}, bad...), sampleSchema...)
			// --no-preflight: the preflight would find the bucket missing before
			// reading a row; this test is about a write that stops.
			args = append(args, "--mixed", "drop", "--batch-size", "500", "--no-preflight", "--rejects", rej, "../../testdata/taxi_sample.csv")
			code, stdout, stderr := runCLI(t, env, "", args...)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, stdout, stderr)
			}
			if !strings.Contains(stderr, "refused or not sent 3000") {
				t.Errorf("summary does not account for the 3000 rows:\n%s", stderr)
			}
			replay := append(append([]string{"import"}, flags...), "--rejects", rej+".again", rej)
			code, stdout, stderr = runCLI(t, env, "", replay...)
			if code != 0 {
				t.Fatalf("replay: exit %d\n%s%s", code, stdout, stderr)
			}
			got := fieldCounts(t, s, bucket, "taxi")
			if got["fare_amount"] != 3000 || got["dropoff_datetime"] != 3000 {
				t.Errorf("after the replay: %v, want 3000 of each field", got)
			}
		})
	}
}

// TestVerify counts back an import, and catches the points that overwrote
// one another when duplicates were let through with --duplicates last.
func TestVerify(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--mixed", "drop", "--verify", "../../testdata/taxi_sample.csv")
			code, stdout, stderr := runCLI(t, env, "", args...)
			if code != 0 || !strings.Contains(stderr, "verify: fare_amount: 3000 values written, 3000 on the server") {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			in := "time,host,v\n2020-01-01T00:00:00Z,a,1\n2020-01-01T00:00:00Z,a,2\n2020-01-01T00:00:01Z,a,3\n"
			args = append(append([]string{"import"}, flags...), "--tags", "host", "--measurement", "dups",
				"--duplicates", "last", "--verify", "--rejects", filepath.Join(t.TempDir(), "r.lp"), "-")
			code, stdout, stderr = runCLI(t, env, in, args...)
			if code != exitDataLoss || !strings.Contains(stderr, "fewer values than were written (v: 2 of 3)") {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitDataLoss, stdout, stderr)
			}
		})
	}
}

// TestImportArrowAndParquet converts the sample to Arrow and Parquet, and
// imports those files: every field comes back as from the CSV.
func TestImportArrowAndParquet(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"arrow", "parquet"} {
		out := filepath.Join(dir, "taxi."+ext)
		args := append([]string{"convert"}, sampleSchema...)
		args = append(args, "--mixed", "drop", "../../testdata/taxi_sample.csv", "--out", out)
		if code, _, stderr := runCLI(t, nil, "", args...); code != 0 {
			t.Fatalf("convert to %s: exit %d\n%s", ext, code, stderr)
		}
	}
	for _, kind := range testserver.Kinds {
		for _, ext := range []string{"arrow", "parquet"} {
			t.Run(string(kind)+"/"+ext, func(t *testing.T) {
				s, bucket := server(t, kind)
				flags, env := conn(s, bucket)
				args := append(append([]string{"import"}, flags...), sampleSchema...)
				args = append(args, "--rejects", filepath.Join(t.TempDir(), "r.lp"), filepath.Join(dir, "taxi."+ext))
				code, stdout, stderr := runCLI(t, env, "", args...)
				if code != 0 || !strings.Contains(stderr, "written 3000") {
					t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
				}
				checkSampleCounts(t, s, bucket)
			})
		}
	}
}

// TestQueryHabits reads the query from standard input, keys the result by
// _time, and writes one file per column set with --split.
func TestQueryHabits(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			in := "time,host,v,note\n2021-01-01T00:00:02Z,a,2,x\n2021-01-01T00:00:01Z,b,1,y\n2021-01-01T00:00:00Z,a,3,z\n"
			args := append(append([]string{"import"}, flags...), "--tags", "host", "--string-fields", "note",
				"--measurement", "habits", "--rejects", filepath.Join(t.TempDir(), "r.lp"), "-")
			if code, _, stderr := runCLI(t, env, in, args...); code != 0 {
				t.Fatalf("import: exit %d: %s", code, stderr)
			}
			flux := fmt.Sprintf(`from(bucket: %q) |> range(start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "habits")`, bucket)
			// --pivot --index _time, query from stdin.
			q := append(append([]string{"query"}, flags...), "--pivot", "--index", "_time", "--out", "-", "-")
			code, stdout, stderr := runCLI(t, env, flux, q...)
			if code != 0 {
				t.Fatalf("query: exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "_time,") ||
				!strings.HasPrefix(lines[1], "2021-01-01T00:00:00Z,") || !strings.HasPrefix(lines[3], "2021-01-01T00:00:02Z,") {
				t.Errorf("indexed output:\n%s", stdout)
			}
			// --split: the float field and the string field come in two
			// column sets, two files.
			out := filepath.Join(t.TempDir(), "out.csv")
			q = append(append([]string{"query"}, flags...), "--split", "--out", out, flux)
			if code, _, stderr := runCLI(t, env, "", q...); code != 0 {
				t.Fatalf("query --split: exit %d: %s", code, stderr)
			}
			for _, name := range []string{"out.1.csv", "out.2.csv"} {
				data, err := os.ReadFile(filepath.Join(filepath.Dir(out), name))
				if err != nil || strings.Count(string(data), "\n") != 4 {
					t.Errorf("%s: %v\n%s", name, err, data)
				}
			}
		})
	}
}

// TestPreflightRefusesBeforeWriting: a field whose type differs from the
// one the server holds stops the import before anything is sent, with the
// fix in the message.
func TestPreflightRefusesBeforeWriting(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			c := s.Client()
			err := c.WriteAPIBlocking(s.Org, bucket).WriteRecord(context.Background(), `pre note="text",v=1 1577836800000000000`)
			c.Close()
			if err != nil {
				t.Fatal(err)
			}
			in := "time,note,v\n2020-01-02T00:00:00Z,1.5,2\n2020-01-02T00:00:01Z,2.5,3\n"
			args := append(append([]string{"import"}, flags...), "--measurement", "pre", "--rejects", filepath.Join(t.TempDir(), "r.lp"), "-")
			code, stdout, stderr := runCLI(t, env, in, args...)
			if code != exitDataLoss {
				t.Fatalf("exit %d, want %d\n%s%s", code, exitDataLoss, stdout, stderr)
			}
			for _, want := range []string{"nothing was written", "note: this write sends float, the server holds string", "--string-fields note", "--no-preflight"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if got := fieldCounts(t, s, bucket, "pre"); got["v"] != 1 || got["note"] != 1 {
				t.Errorf("the server holds %v, want only the point written before", got)
			}
			// validate --check-server says the same, and writes nothing.
			vargs := append(append([]string{"validate", "--check-server"}, flags...), "--measurement", "pre", "-")
			code, _, stderr = runCLI(t, env, in, vargs...)
			if code != exitDataLoss || !strings.Contains(stderr, "--string-fields note") {
				t.Errorf("validate --check-server: exit %d\n%s", code, stderr)
			}
			// The fix works.
			vargs = append(vargs[:len(vargs)-1], "--string-fields", "note", "-")
			if code, _, stderr := runCLI(t, env, in, vargs...); code != 0 || !strings.Contains(stderr, "no field of \"pre\" with another type") {
				t.Errorf("validate --check-server --string-fields note: exit %d\n%s", code, stderr)
			}
			args = append(args[:len(args)-1], "--string-fields", "note", "-")
			if code, _, stderr := runCLI(t, env, in, args...); code != 0 {
				t.Fatalf("with --string-fields note: exit %d\n%s", code, stderr)
			}
		})
	}
}

// TestQueryInfluxQL reads an import back with InfluxQL (on 2.x through the
// DBRP mapping --create-bucket makes): one table per series, the values
// as written, and a plot of it.
func TestQueryInfluxQL(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			args := append(append([]string{"import"}, flags...), sampleSchema...)
			args = append(args, "--mixed", "drop", "--rejects", filepath.Join(t.TempDir(), "r.lp"), "../../testdata/taxi_sample.csv")
			if code, _, stderr := runCLI(t, env, "", args...); code != 0 {
				t.Fatalf("import: exit %d: %s", code, stderr)
			}
			q := `SELECT "fare_amount", "trip_distance" FROM "taxi" GROUP BY "store_and_fwd_flag"`
			qargs := append(append([]string{"query", "--influxql", "--create-bucket"}, flags...), "--out", "-", q)
			code, stdout, stderr := runCLI(t, env, "", qargs...)
			if code != 0 {
				t.Fatalf("query --influxql: exit %d\n%s", code, stderr)
			}
			got, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			if err != nil || len(got) != 3001 {
				t.Fatalf("%d lines of CSV, %v; want 3001", len(got), err)
			}
			if h := strings.Join(got[0], ","); h != "time,store_and_fwd_flag,fare_amount,trip_distance" {
				t.Errorf("header %s", h)
			}
			header, rows := sampleColumns(t)
			in := map[string]int{}
			for i, h := range header {
				in[h] = i
			}
			byTime := map[string][]string{}
			for _, r := range got[1:] {
				byTime[r[0]] = r
			}
			for _, r := range rows {
				ts, _ := time.Parse("2006-01-02 15:04:05", r[in["pickup_datetime"]])
				back := byTime[ts.UTC().Format(time.RFC3339Nano)]
				if back == nil || back[1] != r[in["store_and_fwd_flag"]] || !sameNumber(back[2], r[in["fare_amount"]]) || !sameNumber(back[3], r[in["trip_distance"]]) {
					t.Fatalf("row at %s: got %v, want %v", ts, back, r)
				}
			}
			plot := filepath.Join(t.TempDir(), "fare.svg")
			pargs := append(append([]string{"query", "--influxql"}, flags...), "--plot", plot, q)
			if code, _, stderr := runCLI(t, env, "", pargs...); code != 0 || !strings.Contains(stderr, "drew 4 series") {
				t.Errorf("--plot: exit %d\n%s", code, stderr)
			}
		})
	}
}

// sameNumber reports whether two decimal texts are the same number.
func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
