package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxframe/influxframe/frame"
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

func TestProgressInferring(t *testing.T) {
	var buf syncBuffer
	p := &progress{w: &buf, interval: 5 * time.Millisecond}
	show := p.inferring("big.csv")
	time.Sleep(p.interval)
	show(50e6, 100e6)
	show(60e6, 100e6) // within the interval: no line
	time.Sleep(p.interval)
	show(70e6, -1)
	out := buf.String()
	if !strings.Contains(out, "big.csv: inferring types: 50.0 MB read of 100.0 MB,") || !strings.Contains(out, "70.0 MB read, ") ||
		strings.Contains(out, "60.0 MB read") {
		t.Errorf("inference lines:\n%s", out)
	}
}

// TestCSVInferenceReportsProgress checks that the CSV reader calls
// Inferring, ending with the whole file read.
func TestCSVInferenceReportsProgress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.csv")
	os.WriteFile(path, []byte("time,v\n2020-01-01T00:00:00Z,1\n"), 0o644)
	var last, size int64
	r, err := frame.Open(context.Background(), path, frame.OpenOptions{CSVOptions: frame.CSVOptions{
		Inferring: func(read, total int64) { last, size = read, total },
	}})
	if err != nil {
		t.Fatal(err)
	}
	r.Release()
	if last != 30 || size != 30 {
		t.Errorf("inference reported %d of %d bytes, want 30 of 30", last, size)
	}
}
