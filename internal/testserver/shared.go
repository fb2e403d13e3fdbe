package testserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// shared holds the servers Shared started, for Main to stop. It is
// package state on purpose: one test binary, one set of shared servers.
var shared struct {
	mu      sync.Mutex
	inMain  bool
	servers map[Kind]*sharedServer
}

type sharedServer struct {
	once sync.Once
	srv  *Server
	dir  string
	err  error
}

// Main runs a package's tests and then stops the servers Shared started
// and removes their directories. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for kind, ss := range shared.servers {
		if ss.srv != nil {
			if err := ss.srv.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "testserver: stop shared %s: %v\n", kind, err)
			}
		}
		if ss.dir != "" {
			_ = os.RemoveAll(ss.dir)
		}
	}
	shared.servers = nil
	return code
}

// Shared returns the server of kind shared by every test of the package,
// starting it on first use; Main stops it after the last test. Starting a
// 1.8 server costs seconds (Flux compiles its standard library), so
// packages with many server tests share one and give each test its own
// bucket (Server.NewBucket) or measurement. It skips or fails the test as
// Run does when the server cannot start, and fails it when TestMain does
// not use Main.
func Shared(t testing.TB, kind Kind) *Server {
	t.Helper()
	shared.mu.Lock()
	if !shared.inMain {
		shared.mu.Unlock()
		t.Fatal("testserver.Shared needs TestMain to call testserver.Main")
	}
	if shared.servers == nil {
		shared.servers = map[Kind]*sharedServer{}
	}
	ss := shared.servers[kind]
	if ss == nil {
		ss = &sharedServer{}
		shared.servers[kind] = ss
	}
	shared.mu.Unlock()

	ss.once.Do(func() {
		ss.dir, ss.err = os.MkdirTemp("", "influxframe-"+string(kind)+"-")
		if ss.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), StartTimeout+time.Minute)
		defer cancel()
		ss.srv, ss.err = Start(ctx, kind, ss.dir, nil)
	})
	if ss.err != nil {
		unavailable(t, kind, ss.err)
	}
	return ss.srv
}

// NewBucket creates a bucket (2.x) or database (1.x) with a fresh random
// name for one test, and returns the name.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := "t" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.CreateBucket(ctx, name); err != nil {
		t.Fatalf("testserver: create bucket %s on %s: %v", name, s.Kind, err)
	}
	return name
}

// unavailable skips the test, or fails it when CI=true.
func unavailable(t testing.TB, kind Kind, err error) {
	t.Helper()
	msg := "testserver: InfluxDB " + string(kind) + " is not available: " + err.Error()
	if !errors.Is(err, ErrNoBinary) {
		msg = "testserver: InfluxDB " + string(kind) + " (" + Binary(kind) + ") did not start (rebuild it with `make servers`?): " + err.Error()
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
