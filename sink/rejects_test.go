package sink

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/golden"
)

func TestRejectsGolden(t *testing.T) {
	var buf bytes.Buffer
	r := newRejectsWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.addLines("HTTP 422: unprocessable entity: partial write: field type conflict dropped=1", frame.Second,
		[]byte("m,t=a f=1 1700000000\n"), []byte("m,t=b f=2 -5")))
	must(r.addLines("HTTP 422: unprocessable entity: partial write: field type conflict dropped=1", frame.Second,
		[]byte("m s=\"x y\" 0\n")))
	must(r.addRow(&frame.Reject{File: "data/in.csv", Line: 17, Reason: "no field value", Cells: []string{"2024-01-01T00:00:00Z", "", "a,b", "say \"hi\"", "two\nlines"}}))
	must(r.addRow(&frame.Reject{File: "", Line: 0, Reason: "invalid tag value: t=\"a\\nb\"", Cells: []string{"x"}}))
	must(r.addRow(&frame.Reject{File: "-", Line: 3, Reason: "null time", Cells: nil}))
	must(r.addRow(&frame.Reject{File: "b.csv", Line: 4, Reason: `Post "http://h/api/v2/write?bucket=b&org=": EOF`, Cells: []string{"tab\there", "bell\a", `back\`}}))
	must(r.addLines("not written: sink: HTTP 503: unavailable\r\n(gave up)", frame.Nanosecond,
		[]byte("m f=1 1\n"), []byte("m s=\"multi\nline\" 2\n")))
	must(r.close())
	if p, rows := r.points, r.rows; p != 5 || rows != 4 {
		t.Errorf("counts %d points, %d rows", p, rows)
	}
	golden.Check(t, "testdata/rejects.golden", buf.Bytes())

	// The points of the file decode, in nanoseconds.
	pts := decodeAll(t, buf.Bytes(), frame.Nanosecond)
	if len(pts) != 5 || pts[0].Time != 1700000000e9 || pts[1].Time != -5e9 || pts[4].Fields[0].Value != "multi\nline" {
		t.Errorf("decoded %v", pts)
	}
	if err := r.addRow(&frame.Reject{File: "f", Line: 1, Reason: "late"}); err == nil {
		t.Error("AddRow after Close: no error")
	}
}

func TestRejectsLazyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.rejected.lp")
	r := newRejects(path)
	if err := r.flush(); err != nil {
		t.Fatal(err)
	}
	if err := r.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file exists with nothing rejected: %v", err)
	}

	r = newRejects(path)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if i%2 == 0 {
					r.addLines("conflict", frame.Nanosecond, []byte("m f=1 1\n"))
				} else {
					r.addRow(&frame.Reject{File: "in.csv", Line: 1, Reason: "no field value", Cells: []string{"a"}})
				}
			}
		}()
	}
	wg.Wait()
	if err := r.close(); err != nil {
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
	if p, rows := r.points, r.rows; p != 400 || rows != 400 || r.path != path {
		t.Errorf("counts %d, %d", p, rows)
	}
}

func TestRejectsCreateError(t *testing.T) {
	r := newRejects(filepath.Join(t.TempDir(), "missing", "dir", "x.lp"))
	if err := r.addLines("x", frame.Nanosecond, []byte("m f=1 1\n")); err == nil {
		t.Error("no error creating a file in a missing directory")
	}
}
