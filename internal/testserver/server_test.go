package testserver_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/internal/testserver"
)

func TestStartWriteQueryStop(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			if _, err := os.Stat(testserver.Binary(kind)); err != nil && os.Getenv("CI") != "true" {
				t.Skipf("%s not built (make servers)", testserver.Binary(kind))
			}
			ctx, cancel := context.WithTimeout(context.Background(), testserver.StartTimeout+time.Minute)
			defer cancel()
			srv, err := testserver.Start(ctx, kind, t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			if srv.Bucket == "" || (kind == testserver.V2) != (srv.Token != "" && srv.Org != "") {
				t.Fatalf("server not prepared: bucket %q org %q token set %v", srv.Bucket, srv.Org, srv.Token != "")
			}

			client := srv.Client()
			ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			p := influxdb2.NewPoint("m", map[string]string{"host": "a"}, map[string]any{"v": 42.5}, ts)
			if err := client.WriteAPIBlocking(srv.Org, srv.Bucket).WritePoint(ctx, p); err != nil {
				t.Fatalf("write: %v", err)
			}
			flux := fmt.Sprintf(`from(bucket: %q) |> range(start: 2024-01-01T00:00:00Z, stop: 2024-02-01T00:00:00Z) |> filter(fn: (r) => r._measurement == "m")`, srv.Bucket)
			res, err := client.QueryAPI(srv.Org).Query(ctx, flux)
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			n := 0
			for res.Next() {
				r := res.Record()
				if r.Value() != 42.5 || !r.Time().Equal(ts) || r.ValueByKey("host") != "a" || r.Field() != "v" {
					t.Errorf("got record %v", r)
				}
				n++
			}
			if err := res.Err(); err != nil {
				t.Fatalf("query: %v", err)
			}
			if n != 1 {
				t.Fatalf("query returned %d records, want 1", n)
			}
			client.Close()

			pid := srv.Pid()
			if err := srv.Stop(); err != nil {
				t.Fatalf("stop: %v", err)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Fatalf("process %d still there after Stop (kill 0: %v)", pid, err)
			}
			if err := srv.Stop(); err != nil {
				t.Fatalf("second stop: %v", err)
			}
			if _, err := os.Stat(filepath.Join(srv.Dir, "influxd.log")); err != nil {
				t.Errorf("no log file: %v", err)
			}
		})
	}
}

func TestRunStopsAtCleanup(t *testing.T) {
	var pid int
	t.Run("inner", func(t *testing.T) {
		srv := testserver.Run(t, testserver.V1)
		pid = srv.Pid()
	})
	if pid == 0 {
		t.Skip("1.8.10 not available")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process %d still there after the test's cleanup (kill 0: %v)", pid, err)
	}
}

func TestStartMissingBinary(t *testing.T) {
	t.Setenv("INFLUXFRAME_INFLUXD_1", filepath.Join(t.TempDir(), "nope"))
	_, err := testserver.Start(context.Background(), testserver.V1, t.TempDir(), nil)
	if !errors.Is(err, testserver.ErrNoBinary) {
		t.Fatalf("got %v, want ErrNoBinary", err)
	}
}

func TestStartFailureShowsLog(t *testing.T) {
	// A "server" that logs and dies: Start must fail with the log's tail.
	bin := filepath.Join(t.TempDir(), "influxd")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'run: open server: boom' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("INFLUXFRAME_INFLUXD_1", bin)
	_, err := testserver.Start(context.Background(), testserver.V1, t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v, want an error with the log's tail", err)
	}
}

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

func TestSharedAndNewBucket(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			if again := testserver.Shared(t, kind); again != srv {
				t.Fatal("Shared started a second server")
			}
			b1, b2 := srv.NewBucket(t), srv.NewBucket(t)
			if b1 == b2 {
				t.Fatalf("NewBucket returned %q twice", b1)
			}
			client := srv.Client()
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := client.WriteAPIBlocking(srv.Org, b1).WriteRecord(ctx, "m v=1 1700000000000000000"); err != nil {
				t.Fatalf("write to the new bucket: %v", err)
			}
		})
	}
}
