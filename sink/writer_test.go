package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
	"github.com/influxframe/influxframe/internal/testserver"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// base is the time of the first row of the integration tests.
var base = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC).UnixNano()

// wCols is the schema of the integration tests: two tags, a float field
// v and a string field note.
var wCols = []col{
	{Name: "time", Role: frame.RoleTime},
	{Name: "host", Role: frame.RoleTag},
	{Name: "v", Role: frame.RoleField},
	{Name: "region", Role: frame.RoleTag},
	{Name: "note", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
}

// notes are string field values InfluxDB must store as they are.
var notes = []any{nil, "plain", "tab\there", "line one\nline two", `quote " and back\slash`, "cr\r\nlf", "ünï 🙂", `ends with \`}

// wRows makes rows [first, first+n): one point per millisecond.
func wRows(first, n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		j := first + i
		rows[i] = []any{base + int64(j)*1e6, fmt.Sprintf("host %d", j%5), float64(j) + 0.5, "eu,west", notes[j%len(notes)]}
	}
	return rows
}

// gen is a source of n rows in records of size rows, made as they are
// read.
type gen struct {
	t           testing.TB
	mem         memory.Allocator
	measurement string
	n, size     int
	next        int
	cur         arrow.Record
	schema      *frame.Schema
	prec        frame.Precision
}

func produce(t testing.TB, mem memory.Allocator, measurement string, n, size int) *gen {
	g := &gen{t: t, mem: mem, measurement: measurement, n: n, size: size}
	rec := makeRecord(t, mem, measurement, wCols, nil)
	g.schema = frame.SchemaFromArrow(rec.Schema())
	rec.Release()
	return g
}

// withPrecision sets the precision the records carry.
func (g *gen) withPrecision(p frame.Precision) *gen {
	g.prec = p
	g.schema = g.schema.WithPrecision(p)
	return g
}

func (g *gen) Name() string               { return "gen.csv" }
func (g *gen) FrameSchema() *frame.Schema { return g.schema }
func (g *gen) Record() arrow.Record       { return g.cur }
func (g *gen) Lines() []int64             { return nil }
func (g *gen) Err() error                 { return nil }

func (g *gen) Next() bool {
	g.Release()
	if g.next >= g.n {
		return false
	}
	m := min(g.size, g.n-g.next)
	g.cur = makeRecordPrec(g.t, g.mem, g.measurement, g.prec, wCols, wRows(g.next, m))
	g.next += m
	return true
}

func (g *gen) Release() {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
}

// flux runs a query and returns its records' values.
func flux(t *testing.T, client influxdb2.Client, org, q string) []any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := client.QueryAPI(org).Query(ctx, q)
	if err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	var vals []any
	for res.Next() {
		vals = append(vals, res.Record().Value())
	}
	if err := res.Err(); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	return vals
}

// count returns the number of values of a field.
func count(t *testing.T, srv *testserver.Server, bucket, measurement, field string) int64 {
	t.Helper()
	client := srv.Client()
	defer client.Close()
	vals := flux(t, client, srv.Org, fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2020-01-01T00:00:00Z, stop: 2030-01-01T00:00:00Z)
  |> filter(fn: (r) => r._measurement == %q and r._field == %q)
  |> group()
  |> count()`, bucket, measurement, field))
	if len(vals) == 0 {
		return 0
	}
	return vals[0].(int64)
}

// checkStats checks that the counts add up.
func checkStats(t *testing.T, st Stats, rows int64) {
	t.Helper()
	if st.Rows != rows || st.Written+st.Lost() != st.Rows {
		t.Errorf("stats do not add up to %d rows: %+v", rows, st)
	}
	var reasons int64
	for _, n := range st.Reasons {
		reasons += n
	}
	if reasons != st.Lost() {
		t.Errorf("reasons count %d rows, want %d: %v", reasons, st.Lost(), st.Reasons)
	}
}

// rejectedPoints decodes the points of a rejects file.
func rejectedPoints(t *testing.T, path string) []point {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decodeAll(t, data, frame.Nanosecond)
}

// fast are retry options for tests.
func fast(o Options) Options {
	o.RetryInterval = 5 * time.Millisecond
	o.MaxRetryDelay = 50 * time.Millisecond
	o.MaxRetryTime = 20 * time.Second
	return o
}

func TestWriteCountsBack(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			client := srv.Client()
			defer client.Close()
			for _, tc := range []struct {
				mode Mode
				gzip bool
				prec frame.Precision
				n    int
			}{
				{ModeBatching, false, frame.Nanosecond, 20000},
				{ModeSync, true, frame.Millisecond, 5000},
				{ModeAsync, false, frame.Microsecond, 5000},
			} {
				t.Run(string(tc.mode), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					meas := "w_" + string(tc.mode)
					rejects := filepath.Join(t.TempDir(), "rejected.lp")
					st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, mem, meas, tc.n, 999).withPrecision(tc.prec), Options{
						Mode: tc.mode, Workers: 4, BatchSize: 700, Gzip: tc.gzip,
						FlushInterval: 50 * time.Millisecond, JitterInterval: 2 * time.Millisecond,
						Rejects: rejects, Verify: true,
					})
					if err != nil {
						t.Fatalf("Write: %v", err)
					}
					checkStats(t, st, int64(tc.n))
					if st.Written != int64(tc.n) || st.Retries != 0 || st.Batches < int64(tc.n/700) || st.Fields["v"] != int64(tc.n) || len(st.Verified) != 2 {
						t.Errorf("stats %+v", st)
					}
					if _, err := os.Stat(rejects); !os.IsNotExist(err) {
						t.Errorf("rejects file created with nothing rejected")
					}
					if got := count(t, srv, bucket, meas, "v"); got != int64(tc.n) {
						t.Errorf("counted %d values of v, want %d", got, tc.n)
					}
					checkNotes(t, srv, client, bucket, meas)
				})
			}
		})
	}
}

// checkNotes checks that string values come back as they were, tabs and
// newlines included. Through Flux, the client library's CSV reader drops a
// carriage return before a newline; InfluxQL on 1.x shows it was stored.
func checkNotes(t *testing.T, srv *testserver.Server, client influxdb2.Client, bucket, meas string) {
	t.Helper()
	for i := 1; i < len(notes); i++ {
		ts := base + int64(i)*1e6
		vals := flux(t, client, srv.Org, fmt.Sprintf(`from(bucket: %q)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == %q and r._field == "note")`, bucket,
			time.Unix(0, ts).UTC().Format(time.RFC3339Nano), time.Unix(0, ts+5e5).UTC().Format(time.RFC3339Nano), meas))
		want := strings.ReplaceAll(notes[i].(string), "\r\n", "\n")
		if len(vals) != 1 || vals[0] != want {
			t.Errorf("note %d through Flux: got %q, want %q", i, vals, want)
		}
		if srv.Kind.Major() != 1 {
			continue
		}
		q := url.Values{"db": {bucket}, "q": {fmt.Sprintf(`SELECT "note" FROM %q WHERE time = %d`, meas, ts)}}
		resp, err := http.Get(srv.URL + "/query?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Results []struct {
				Series []struct {
					Values [][]any `json:"values"`
				} `json:"series"`
			} `json:"results"`
		}
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if err != nil || len(res.Results) != 1 || len(res.Results[0].Series) != 1 || len(res.Results[0].Series[0].Values) != 1 {
			t.Fatalf("InfluxQL answer %+v, %v", res, err)
		}
		if got := res.Results[0].Series[0].Values[0][1]; got != notes[i] {
			t.Errorf("note %d through InfluxQL: got %q, want %q", i, got, notes[i])
		}
	}
}

func TestWriteFieldTypeConflict(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			client := srv.Client()
			defer client.Close()
			ctx := context.Background()
			// "note" becomes a float field: every row with a note conflicts.
			if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, fmt.Sprintf("conflict note=1 %d", base)); err != nil {
				t.Fatal(err)
			}
			const n = 3000
			var want int64 // rows with a note
			for _, r := range wRows(0, n) {
				if r[4] != nil {
					want++
				}
			}
			rejects := filepath.Join(t.TempDir(), "rejected.lp")
			st, err := Write(ctx, client, srv.Org, bucket, produce(t, nil, "conflict", n, 700),
				fast(Options{Workers: 3, BatchSize: 500, Rejects: rejects, Verify: true, SkipPreflight: true}))
			var ie *IncompleteError
			if !errors.Is(err, ErrIncomplete) || !errors.As(err, &ie) || ie.Cause != nil || ie.Lost != want || ie.Rejects != rejects {
				t.Fatalf("Write: %v, want an IncompleteError for %d rows in %s", err, want, rejects)
			}
			checkStats(t, st, n)
			t.Logf("stats: %d requests, %d splits", st.Requests, st.Splits)
			if st.Refused != want || st.Written != n-want || st.Splits == 0 || st.Fields["v"] != n-want {
				t.Errorf("stats %+v, want %d refused", st, want)
			}
			if got := count(t, srv, bucket, "conflict", "v"); got != n-want {
				t.Errorf("counted %d values of v, want %d", got, n-want)
			}
			data, _ := os.ReadFile(rejects)
			pts := rejectedPoints(t, rejects)
			if int64(len(pts)) != want {
				t.Fatalf("%d points in the rejects file, want %d", len(pts), want)
			}
			for _, p := range pts {
				if len(p.Fields) != 2 || p.Fields[1].Key != "note" {
					t.Fatalf("rejected a point without a note: %v", p)
				}
			}
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "# ") && !strings.Contains(line, "field type conflict") {
					t.Errorf("reason %q", line)
				}
			}
		})
	}
}

// TestWritePreflight: a field whose type conflicts with what the server
// holds stops the write before any request, with the fix in the error.
func TestWritePreflight(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			ctx := context.Background()
			pre := srv.Client()
			defer pre.Close()
			// v is a string field on the server: the float v of the write
			// conflicts; note is a string on both sides.
			if err := pre.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, fmt.Sprintf(`pre v="text",note="x" %d`, base)); err != nil {
				t.Fatal(err)
			}
			p := newProxy(t, srv.URL, func(int64, http.ResponseWriter, *http.Request) bool { return false })
			client := proxyClient(p, srv)
			defer client.Close()
			src := produce(t, nil, "pre", 1000, 100)
			st, err := Write(ctx, client, srv.Org, bucket, src, Options{Rejects: filepath.Join(t.TempDir(), "r.lp")})
			var pe *PreflightError
			if !errors.As(err, &pe) || len(pe.Conflicts) != 1 || pe.Conflicts[0].Field != "v" {
				t.Fatalf("Write: %v, want a preflight error about v", err)
			}
			for _, want := range []string{"nothing was written", "--string-fields v", "--exclude v", "--measurement"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q: %v", want, err)
				}
			}
			if p.writes.Load() != 0 || st.Rows != 0 || src.next != 0 {
				t.Errorf("%d write requests, %d rows read, %d made: want none", p.writes.Load(), st.Rows, src.next)
			}
			if got := count(t, srv, bucket, "pre", "v"); got != 1 {
				t.Errorf("%d values of v on the server, want the 1 written before", got)
			}
		})
	}
}

// TestWritePreflightRetries: the preflight's query meets what a server
// that restarts answers (the connection dropped, then a 503) and is
// retried as writes are, so the write goes on.
func TestWritePreflightRetries(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			u, err := url.Parse(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			rp := httputil.NewSingleHostReverseProxy(u)
			var queries atomic.Int64
			p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/query") {
					switch queries.Add(1) {
					case 1:
						hangUp(w, r)
						return
					case 2:
						unavailable("")(w, r)
						return
					}
				}
				rp.ServeHTTP(w, r)
			}))
			defer p.Close()
			client := influxdb2.NewClient(p.URL, srv.Token)
			defer client.Close()
			st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "preretry", 100, 50),
				fast(Options{Rejects: filepath.Join(t.TempDir(), "r.lp")}))
			if err != nil || st.Written != 100 {
				t.Fatalf("Write: %v, %+v", err, st)
			}
			if n := queries.Load(); n < 3 {
				t.Errorf("%d preflight queries, want the 2 faulted and one more", n)
			}
			// A fault that does not go away ends the write before it
			// sends anything.
			p.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { unavailable("")(w, r) })
			st, err = Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "preretry", 100, 50),
				fast(Options{Rejects: filepath.Join(t.TempDir(), "r.lp"), MaxRetries: 2}))
			if err == nil || st.Written != 0 || !strings.Contains(err.Error(), "preflight") {
				t.Errorf("Write against a server that stays down: %v, %+v", err, st)
			}
		})
	}
}

// proxy is a fault-injecting HTTP proxy in front of a real server: fault
// decides, for the n-th write request (from 1), whether to answer itself.
type proxy struct {
	*httptest.Server
	writes atomic.Int64
}

func newProxy(t *testing.T, target string, fault func(n int64, w http.ResponseWriter, r *http.Request) bool) *proxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/write") {
			n := p.writes.Add(1)
			if fault(n, w, r) {
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// unavailable answers 503, with a Retry-After when after is not empty.
func unavailable(after string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if after != "" {
			w.Header().Set("Retry-After", after)
		}
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func proxyClient(p *proxy, srv *testserver.Server) influxdb2.Client {
	return influxdb2.NewClientWithOptions(p.URL, srv.Token, influxdb2.DefaultOptions().SetHTTPRequestTimeout(30))
}

func TestWriteRetries(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			tests := []struct {
				name    string
				fault   func(n int64, w http.ResponseWriter, r *http.Request) bool
				retries int64
				minTime time.Duration
			}{
				{"503 with Retry-After", func(n int64, w http.ResponseWriter, r *http.Request) bool {
					if n <= 2 {
						unavailable("1")(w, r)
						return true
					}
					return false
				}, 2, time.Second},
				{"429 and 500", func(n int64, w http.ResponseWriter, r *http.Request) bool {
					switch n {
					case 1:
						io.Copy(io.Discard, r.Body)
						http.Error(w, "slow down", http.StatusTooManyRequests)
						return true
					case 2:
						io.Copy(io.Discard, r.Body)
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusInternalServerError)
						io.WriteString(w, `{"code":"internal error","message":"timeout"}`)
						return true
					}
					return false
				}, 2, 0},
				{"connection dropped", func(n int64, w http.ResponseWriter, r *http.Request) bool {
					if n%3 == 1 { // every third request, from the first
						hangUp(w, r)
						return true
					}
					return false
				}, -1, 0},
			}
			for i, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					p := newProxy(t, srv.URL, tc.fault)
					client := proxyClient(p, srv)
					defer client.Close()
					meas := fmt.Sprintf("retry%d", i)
					const n = 2000
					start := time.Now()
					st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, nil, meas, n, 500),
						fast(Options{Workers: 2, BatchSize: 400, Rejects: filepath.Join(t.TempDir(), "r.lp")}))
					if err != nil {
						t.Fatalf("Write: %v", err)
					}
					checkStats(t, st, n)
					if st.Written != n || (tc.retries >= 0 && st.Retries != tc.retries) || st.Retries == 0 {
						t.Errorf("stats %+v", st)
					}
					if d := time.Since(start); d < tc.minTime {
						t.Errorf("done in %s: Retry-After not honoured", d)
					}
					if got := count(t, srv, bucket, meas, "v"); got != n {
						t.Errorf("counted %d, want %d", got, n)
					}
				})
			}
		})
	}
}

// importFile posts a rejects file as it is, with the default precision.
func importFile(t *testing.T, srv *testserver.Server, bucket, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	client := srv.Client()
	defer client.Close()
	if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(context.Background(), string(data)); err != nil {
		t.Fatalf("importing the rejects file: %v", err)
	}
}

func TestWriteServerGone(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			for i, after := range []int64{0, 3} { // down from the start; down after 3 requests
				t.Run(fmt.Sprintf("down after %d", after), func(t *testing.T) {
					p := newProxy(t, srv.URL, func(n int64, w http.ResponseWriter, r *http.Request) bool {
						if n <= after {
							return false
						}
						if n%2 == 0 {
							hangUp(w, r)
						} else {
							unavailable("")(w, r)
						}
						return true
					})
					client := proxyClient(p, srv)
					defer client.Close()
					meas := fmt.Sprintf("gone%d", i)
					const n = 5000
					path := filepath.Join(t.TempDir(), "r.lp")
					// Many chunks: the reading must never block for good once
					// the write has stopped.
					st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, nil, meas, n, 300), fast(Options{
						Workers: 2, BatchSize: 300, MaxRetries: 2, Mode: ModeSync, Rejects: path,
					}))
					var ie *IncompleteError
					if !errors.As(err, &ie) || ie.Cause == nil || !strings.Contains(err.Error(), "gave up after 2 retries") {
						t.Fatalf("Write: %v, want a stopped write", err)
					}
					checkStats(t, st, n)
					if st.Skipped != 0 || st.Written != after*300 || ie.Lost != n-after*300 {
						t.Errorf("stats %+v, want %d written", st, after*300)
					}
					if got := int64(len(rejectedPoints(t, path))); got != st.NotSent+st.Refused {
						t.Errorf("%d points in the rejects file, %d not written", got, st.NotSent+st.Refused)
					}
					if got := count(t, srv, bucket, meas, "v"); got != st.Written {
						t.Errorf("counted %d, %d written", got, st.Written)
					}
					// Importing the rejects file completes the job.
					importFile(t, srv, bucket, path)
					if got := count(t, srv, bucket, meas, "v"); got != n {
						t.Errorf("after importing the rejects: counted %d, want %d", got, n)
					}
				})
			}
		})
	}
}

func TestWriteFatal(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			type setup struct {
				name   string
				token  string
				bucket string
				status int
			}
			cases := []setup{{"missing bucket", srv.Token, "missing_" + fmt.Sprint(time.Now().UnixNano()), 404}}
			if kind.Major() == 2 {
				cases = append(cases, setup{"bad token", "not-the-token-0123456789", srv.Bucket, 401})
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					client := influxdb2.NewClient(srv.URL, tc.token)
					defer client.Close()
					const n = 1000
					var rej bytes.Buffer
					st, err := Write(context.Background(), client, srv.Org, tc.bucket, produce(t, nil, "fatal", n, 100), fast(Options{Workers: 2, BatchSize: 100, RejectsTo: &rej, SkipPreflight: true}))
					if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", tc.status)) {
						t.Fatalf("Write: %v, want HTTP %d", err, tc.status)
					}
					if tc.token != "" && (strings.Contains(err.Error(), tc.token) || strings.Contains(rej.String(), tc.token)) {
						t.Errorf("token in the error or the rejects: %v", err)
					}
					checkStats(t, st, n)
					if st.Written != 0 || st.NotSent != n || st.Retries != 0 || st.Requests > 4 {
						t.Errorf("stats %+v", st)
					}
					if got := len(decodeAll(t, rej.Bytes(), frame.Nanosecond)); got != n {
						t.Errorf("%d points in the rejects, want %d", got, n)
					}
				})
			}
		})
	}
}

// rowsSource yields the same rows in each of n records, with lines.
type rowsSource struct {
	t     testing.TB
	mem   memory.Allocator
	rows  [][]any
	lines []int64
	n     int
	cur   arrow.Record
}

func (r *rowsSource) Name() string { return "x.csv" }
func (r *rowsSource) FrameSchema() *frame.Schema {
	rec := makeRecord(r.t, r.mem, "m", wCols, nil)
	defer rec.Release()
	return frame.SchemaFromArrow(rec.Schema())
}
func (r *rowsSource) Record() arrow.Record { return r.cur }
func (r *rowsSource) Lines() []int64       { return r.lines }
func (r *rowsSource) Err() error           { return nil }
func (r *rowsSource) Next() bool {
	r.Release()
	if r.n == 0 {
		return false
	}
	r.n--
	r.cur = makeRecord(r.t, r.mem, "m", wCols, r.rows)
	return true
}
func (r *rowsSource) Release() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

// TestWriteCancelled needs no server: the write stops before any request.
func TestWriteCancelled(t *testing.T) {
	client := influxdb2.NewClient("http://127.0.0.1:1", "secret-token-xyz")
	defer client.Close()
	var rej bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := wRows(0, 50)
	rows[7][2], rows[7][4] = nil, nil // not a point
	rows[9][2] = math.NaN()           // still a point: it has a note
	lines := make([]int64, 50)
	for i := range lines {
		lines[i] = int64(i + 2)
	}
	src := &rowsSource{t: t, mem: mem, rows: rows, lines: lines, n: 10}
	st, err := Write(ctx, client, "org", "bucket", src, Options{Workers: 3, RejectsTo: &rej, SkipPreflight: true})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrIncomplete) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("Write: %v, want context.Canceled", err)
	}
	checkStats(t, st, 500)
	if st.Requests != 0 || st.Skipped != 10 || st.NotSent != 490 || st.NonFinite != 10 || st.Reasons["not written"] != 490 {
		t.Errorf("stats %+v", st)
	}
	if got := strings.Count(rej.String(), "# x.csv:9: no field values: "); got != 10 {
		t.Errorf("%d rows reported, want 10:\n%s", got, rej.String())
	}
}

// TestWriteProgress reads the counts while Write runs, for the race
// detector, and checks that the last call has the final counts.
func TestWriteProgress(t *testing.T) {
	srv := testserver.Shared(t, testserver.V1)
	bucket := srv.NewBucket(t)
	client := srv.Client()
	defer client.Close()
	var calls atomic.Int64
	var last Stats
	st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "stats", 3000, 250), Options{
		Workers: 2, BatchSize: 100, Mode: ModeAsync, ProgressInterval: time.Millisecond,
		Progress: func(s Stats) { calls.Add(1); last = s },
	})
	if err != nil || st.Written != 3000 {
		t.Fatalf("Write: %v, stats %+v", err, st)
	}
	if calls.Load() < 2 || last.Written != 3000 {
		t.Errorf("%d progress calls, the last with %+v", calls.Load(), last)
	}
}

// BenchmarkWrite writes to a real 1.8 server on the same machine: encoding,
// HTTP and the server's own work. The same points are written again at
// each iteration.
func BenchmarkWrite(b *testing.B) {
	srv := testserver.Shared(b, testserver.V1)
	bucket := srv.NewBucket(b)
	client := srv.Client()
	defer client.Close()
	const n, size = 50000, 10000
	var recs []arrow.Record
	for first := 0; first < n; first += size {
		recs = append(recs, makeRecord(b, nil, "bench", wCols, wRows(first, size)))
	}
	f, err := frame.New(frame.SchemaFromArrow(recs[0].Schema()), recs...)
	for _, r := range recs {
		r.Release()
	}
	if err != nil {
		b.Fatal(err)
	}
	defer f.Release()
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		st, err := WriteFrame(context.Background(), client, srv.Org, bucket, f, Options{Workers: 2, BatchSize: 5000})
		if err != nil {
			b.Fatal(err)
		}
		bytes = st.Bytes
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestWriteResume stops a write (the server gone after some requests),
// then resumes it from its journal: only what was never acknowledged is
// sent, and the server ends with every point.
func TestWriteResume(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			dir := t.TempDir()
			journal := filepath.Join(dir, "gen.journal")
			const n, batch = 5000, 250
			opts := fast(Options{Workers: 2, BatchSize: batch, MaxRetries: 1, Mode: ModeSync,
				Rejects: filepath.Join(dir, "r.lp"), Journal: journal, JournalKey: "gen-5000", Resume: true})
			// The points that reached the server, in the first run and
			// in the second.
			var lines atomic.Int64
			tally := func(r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				var sp lineproto.PointSplitter
				for _, l := range bytes.SplitAfter(body, []byte("\n")) {
					if len(l) > 0 && sp.Feed(l) {
						lines.Add(1)
					}
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			down := newProxy(t, srv.URL, func(i int64, w http.ResponseWriter, r *http.Request) bool {
				if i > 6 {
					unavailable("")(w, r)
					return true
				}
				tally(r)
				return false
			})
			client := proxyClient(down, srv)
			st, err := Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "resume", n, 1000), opts)
			client.Close()
			var ie *IncompleteError
			if !errors.As(err, &ie) || ie.Cause == nil || st.Written == 0 || st.Written == n {
				t.Fatalf("first run: %v, %+v; want a write stopped halfway", err, st)
			}
			first := st.Written
			// A batch in flight when the write stopped may have reached
			// the server unacknowledged: the resumed write sends it again.
			if sent := lines.Swap(0); sent < first {
				t.Fatalf("first run: %d points acknowledged, %d reached the server", first, sent)
			}

			up := newProxy(t, srv.URL, func(_ int64, _ http.ResponseWriter, r *http.Request) bool {
				tally(r)
				return false
			})
			client = proxyClient(up, srv)
			defer client.Close()
			st, err = Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "resume", n, 1000), opts)
			if err != nil || st.Resumed != first || st.Written != n-first || st.Rows != n {
				t.Fatalf("resume: %v, %+v; want %d resumed and %d written", err, st, first, n-first)
			}
			if got := lines.Load(); got != n-first {
				t.Errorf("resume sent %d lines, want the %d not acknowledged: acknowledged batches were sent again", got, n-first)
			}
			if got := count(t, srv, bucket, "resume", "v"); got != n {
				t.Errorf("the server holds %d values, want %d", got, n)
			}
			data, _ := os.ReadFile(journal)
			if !strings.HasSuffix(string(data), "done\n") {
				t.Errorf("the journal does not end with done:\n%s", data)
			}

			// A journal of another input is refused, and nothing is sent.
			before := up.writes.Load()
			bad := opts
			bad.JournalKey = "gen-other"
			_, err = Write(context.Background(), client, srv.Org, bucket, produce(t, nil, "resume", n, 1000), bad)
			if !errors.Is(err, ErrJournal) || up.writes.Load() != before {
				t.Errorf("another key: %v, %d requests; want ErrJournal and none", err, up.writes.Load()-before)
			}
		})
	}
}
