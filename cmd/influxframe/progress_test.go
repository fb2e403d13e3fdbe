package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxframe/influxframe/sink"
)

// syncBuffer is a bytes.Buffer safe for the display's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressLines(t *testing.T) {
	var buf syncBuffer
	p := &progress{w: &buf, interval: 5 * time.Millisecond}
	update, done := p.track("in.csv", "written")
	time.Sleep(p.interval)
	update(sink.Stats{Total: 100, Written: 40, Rejected: 2, Bytes: 3e6})
	update(sink.Stats{Total: 100, Written: 45}) // within the interval: no line
	time.Sleep(p.interval)
	update(sink.Stats{Total: -1, Written: 50})
	done()
	out := buf.String()
	if !strings.Contains(out, "in.csv: 42 of 100 rows (40 written, 2 not), 3.0 MB,") ||
		!strings.Contains(out, "in.csv: 50 rows (50 written, 0 not)") {
		t.Errorf("progress lines:\n%s", out)
	}
	if strings.Contains(out, "45 written") {
		t.Errorf("a line within the interval:\n%s", out)
	}
}

func TestProgressModes(t *testing.T) {
	var buf bytes.Buffer
	if p, err := newProgress("never", &buf); p != nil || err != nil {
		t.Errorf("never: %v, %v", p, err)
	}
	if p, err := newProgress("auto", &buf); err != nil || p == nil || p.live {
		t.Errorf("auto on a buffer: %+v, %v; want lines", p, err)
	}
	if p, err := newProgress("always", &buf); err != nil || p == nil || !p.live {
		t.Errorf("always: %+v, %v; want a bar", p, err)
	}
	if _, err := newProgress("sometimes", &buf); err == nil {
		t.Error("a bad mode is accepted")
	}
}
