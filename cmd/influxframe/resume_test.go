package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/influxframe/influxframe/internal/gentaxi"
	"github.com/influxframe/influxframe/internal/lineproto"
	"github.com/influxframe/influxframe/internal/testserver"
)

// pointCounter is a proxy in front of a real server that counts the
// points of the write requests it forwards.
type pointCounter struct {
	*httptest.Server
	points atomic.Int64
}

func newPointCounter(t *testing.T, target string) *pointCounter {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // the killed importer's requests
	p := &pointCounter{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/write") {
			body, _ := io.ReadAll(r.Body)
			var sp lineproto.PointSplitter
			for _, l := range bytes.SplitAfter(body, []byte("\n")) {
				if len(l) > 0 && sp.Feed(l) {
					p.points.Add(1)
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// skipUnderRace skips a test whose work is done by the command run as a
// process of its own: the race detector would watch only the test's side
// of it, and `make test` runs the package without it first.
func skipUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("the import runs in a process of its own, outside the race detector; run without -race")
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// buildCLI builds the command once for the tests that run it as a process.
func buildCLI(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "influxframe-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "influxframe")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("building the command: %v", binErr)
	}
	return binPath
}

// TestResumeAfterSIGKILL kills the importer (SIGKILL) in the middle of a
// 1,000,000-row import and runs the same command with --resume: the server
// ends with every point, and a proxy that counts the points posted shows
// that at most one batch per worker was sent twice. A resume against a
// changed file is refused.
func TestResumeAfterSIGKILL(t *testing.T) {
	skipUnderRace(t)
	bin := buildCLI(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "taxi.csv")
	f, err := os.Create(data)
	if err != nil {
		t.Fatal(err)
	}
	const rows, workers, batch = 1000000, 2, 5000
	if err := gentaxi.Generate(f, rows, 7, false); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			proxy := newPointCounter(t, s.URL)
			flags, env := conn(s, bucket)
			flags[1] = proxy.URL // --url
			importArgs := func(rejects, input string) []string {
				return append(append([]string{"import"}, flags...), "--tags", "payment_type", "--duplicates", "offset",
					"--measurement", "taxi", "--workers", "2", "--batch-size", "5000", "--progress", "never",
					"--rejects", rejects, "--resume", input)
			}
			rejects := filepath.Join(t.TempDir(), "taxi.rejected.lp")
			args := importArgs(rejects, data)
			journal := strings.TrimSuffix(rejects, ".rejected.lp") + ".journal"

			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Kill it once the journal holds some acknowledged batches.
			deadline := time.Now().Add(2 * time.Minute)
			for {
				b, _ := os.ReadFile(journal)
				if bytes.Count(b, []byte("\n")) > 20 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the journal did not fill:\n%s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			first := proxy.points.Load()
			if first >= rows {
				t.Fatalf("the import finished before it was killed (%d points)", first)
			}

			code, stdout, errOut := runCLI(t, env, "", args...)
			if code != 0 {
				t.Fatalf("resume: exit %d\n%s%s", code, stdout, errOut)
			}
			if !strings.Contains(errOut, "written by an earlier run") {
				t.Errorf("the summary does not say what the earlier run wrote:\n%s", errOut)
			}
			sent := proxy.points.Load()
			t.Logf("killed after %d points posted; %d posted in all for %d rows", first, sent, rows)
			if extra := sent - rows; extra < 0 || extra > workers*batch {
				t.Errorf("%d points posted twice, more than one batch per worker (%d)", extra, workers*batch)
			}
			got := fieldCountsIn(t, s, bucket, "taxi", "2018-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
			if got["fare_amount"] != rows {
				t.Errorf("the server holds %d fare_amount values, want %d", got["fare_amount"], rows)
			}

			// The file changes (a row added): its journal no longer applies.
			changed := filepath.Join(t.TempDir(), "taxi.csv")
			b, _ := os.ReadFile(data)
			os.WriteFile(changed, append(b, []byte("B00001,2019-01-01 00:00:00,2019-01-01 00:01:00,1,1,,1,1,1,1,1,1,N,0\n")...), 0o644)
			before := proxy.points.Load()
			code, _, errOut = runCLI(t, env, "", importArgs(rejects, changed)...)
			if code != exitUsage || !strings.Contains(errOut, "another input") || proxy.points.Load() != before {
				t.Errorf("resume of a changed file: exit %d, %d points sent\n%s", code, proxy.points.Load()-before, errOut)
			}
		})
	}
}

// TestShardsImportTogether imports one file with four --shard K/4
// processes at once, with a schema from validate --schema-out: the server
// ends with the counts of a single import. A shard killed (SIGKILL) halfway
// completes the data when it is run again with --resume.
func TestShardsImportTogether(t *testing.T) {
	skipUnderRace(t)
	bin := buildCLI(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "taxi.csv")
	f, err := os.Create(data)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 200000
	if err := gentaxi.Generate(f, rows, 11, false); err != nil {
		t.Fatal(err)
	}
	f.Close()
	schema := filepath.Join(dir, "schema.json")
	sargs := []string{"validate", "--tags", "payment_type", "--duplicates", "offset", "--measurement", "taxi", "--schema-out", schema, data}
	if code, _, stderr := runCLI(t, nil, "", sargs...); code != 0 {
		t.Fatalf("validate --schema-out: exit %d\n%s", code, stderr)
	}
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s, bucket := server(t, kind)
			flags, env := conn(s, bucket)
			shardArgs := func(k int) []string {
				return append(append([]string{"import"}, flags...), "--schema", schema, "--duplicates", "offset",
					"--batch-size", "1000", "--workers", "1", "--progress", "never", "--resume",
					"--shard", fmt.Sprintf("%d/4", k), data)
			}
			start := func(k int) (*exec.Cmd, *bytes.Buffer) {
				cmd := exec.Command(bin, shardArgs(k)...)
				cmd.Env = append(os.Environ(), env...)
				var errb bytes.Buffer
				cmd.Stderr = &errb
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd, &errb
			}
			// The journals of the other server's run do not apply here.
			for k := 1; k <= 4; k++ {
				os.Remove(fmt.Sprintf("%s.shard-%d-of-4.journal", data, k))
			}
			// Shard 2 is killed once it has written some batches.
			journal2 := data + ".shard-2-of-4.journal"
			killed, _ := start(2)
			deadline := time.Now().Add(time.Minute)
			for {
				b, _ := os.ReadFile(journal2)
				if bytes.Count(b, []byte("\n")) > 3 || time.Now().After(deadline) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			killed.Process.Signal(syscall.SIGKILL)
			killed.Wait()
			var cmds []*exec.Cmd
			var errs []*bytes.Buffer
			for _, k := range []int{1, 2, 3, 4} { // 2 again: resumed
				c, e := start(k)
				cmds, errs = append(cmds, c), append(errs, e)
			}
			for i, c := range cmds {
				if err := c.Wait(); err != nil {
					t.Errorf("shard %d: %v\n%s", i+1, err, errs[i])
				}
			}
			if !strings.Contains(errs[1].String(), "written by an earlier run") {
				t.Errorf("shard 2 did not resume:\n%s", errs[1])
			}
			got := fieldCountsIn(t, s, bucket, "taxi", "2018-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
			if got["fare_amount"] != rows || got["trip_distance"] != rows {
				t.Errorf("the server holds %v, want %d of each field", got, rows)
			}
		})
	}
}
