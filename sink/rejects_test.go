package sink

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
)

func TestRejectsGolden(t *testing.T) {
	var buf bytes.Buffer
	r := NewRejectsWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.AddLines("HTTP 422: unprocessable entity: partial write: field type conflict dropped=1", lineprotocol.Second,
		[]byte("m,t=a f=1 1700000000\n"), []byte("m,t=b f=2 -5")))
	must(r.AddLines("HTTP 422: unprocessable entity: partial write: field type conflict dropped=1", lineprotocol.Second,
		[]byte("m s=\"x y\" 0\n")))
	must(r.AddRow("data/in.csv", 17, "no field value", []string{"2024-01-01T00:00:00Z", "", "a,b", "say \"hi\"", "two\nlines"}))
	must(r.AddRow("", 0, "invalid tag value: t=\"a\\nb\"", []string{"x"}))
	must(r.AddRow("-", 3, "null time", nil))
	must(r.AddRow("b.csv", 4, `Post "http://h/api/v2/write?bucket=b&org=": EOF`, []string{"tab\there", "bell\a", `back\`}))
	must(r.AddLines("not written: sink: HTTP 503: unavailable\r\n(gave up)", lineprotocol.Nanosecond,
		[]byte("m f=1 1\n"), []byte("m s=\"multi\nline\" 2\n")))
	must(r.Close())
	if p, rows := r.Counts(); p != 5 || rows != 4 {
		t.Errorf("counts %d points, %d rows", p, rows)
	}
	golden(t, "rejects.golden", buf.Bytes())

	// The points of the file decode, in nanoseconds.
	pts := decodeAll(t, buf.Bytes(), lineprotocol.Nanosecond)
	if len(pts) != 5 || pts[0].Time != 1700000000e9 || pts[1].Time != -5e9 || pts[4].Fields[0].Value != "multi\nline" {
		t.Errorf("decoded %v", pts)
	}
	if err := r.AddRow("f", 1, "late", nil); err == nil {
		t.Error("AddRow after Close: no error")
	}
}

func TestRejectsLazyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.rejected.lp")
	r := NewRejects(path)
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file exists with nothing rejected: %v", err)
	}

	r = NewRejects(path)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if i%2 == 0 {
					r.AddLines("conflict", lineprotocol.Nanosecond, []byte("m f=1 1\n"))
				} else {
					r.AddRow("in.csv", 1, "no field value", []string{"a"})
				}
			}
		}()
	}
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("m f=1 1\n")); n != 400 {
		t.Errorf("%d points in the file, want 400", n)
	}
	if n := bytes.Count(data, []byte("# in.csv:1: no field value: a\n")); n != 400 {
		t.Errorf("%d rows in the file, want 400", n)
	}
	if p, rows := r.Counts(); p != 400 || rows != 400 || r.Path() != path {
		t.Errorf("counts %d, %d", p, rows)
	}
}

func TestRejectsCreateError(t *testing.T) {
	r := NewRejects(filepath.Join(t.TempDir(), "missing", "dir", "x.lp"))
	if err := r.AddLines("x", lineprotocol.Nanosecond, []byte("m f=1 1\n")); err == nil {
		t.Error("no error creating a file in a missing directory")
	}
}
