package testserver

import (
	"context"
	"testing"
	"time"
)

// Run starts a server of kind for a test, in t.TempDir(), and stops it when
// the test ends (t.Cleanup). When the binary is missing or the server
// cannot start, the test is skipped with a message naming the binary and
// `make servers`, or fails with it when the environment has CI=true.
func Run(t testing.TB, kind Kind) *Server {
	t.Helper()
	return RunWithOptions(t, kind, Options{})
}

// RunWithOptions is Run with options.
func RunWithOptions(t testing.TB, kind Kind, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout+time.Minute)
	defer cancel()
	s, err := StartWithOptions(ctx, kind, t.TempDir(), nil, opts)
	if err != nil {
		unavailable(t, kind, err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop %s: %v", kind, err)
		}
	})
	return s
}
