package sink

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/frame"
)

var cutCols = []col{{Name: "time", Role: frame.RoleTime}, {Name: "t", Role: frame.RoleTag}, {Name: "f", Role: frame.RoleField}}

// cutChunk makes a chunk of n rows whose times start at first; rows whose
// index is in empty have no field value.
func cutChunk(t *testing.T, mem memory.Allocator, first, n int, empty ...int) chunk {
	rows := make([][]any, n)
	lines := make([]int64, n)
	for i := range rows {
		rows[i] = []any{int64(first + i), "x", float64(first + i)}
		lines[i] = int64(first + i + 2)
	}
	for _, i := range empty {
		rows[i][2] = nil
	}
	return chunk{rec: makeRecord(t, mem, "m", cutCols, rows), lines: lines}
}

// testWorker returns a worker of a server with opts whose batches are
// captured, as "first-last" time ranges, instead of posted. Its rejects
// go to rej.
func testWorker(t *testing.T, opts Options, rej *bytes.Buffer) (*server, *worker, *[]string) {
	t.Helper()
	o, err := opts.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	w := &server{opts: &o, precision: o.Precision.Or(frame.Nanosecond), redact: redactor(""),
		acct: newAccount("in.csv", -1), rejects: newRejectsWriter(rej), input: "in.csv"}
	w.ctx, w.cancel = context.WithCancelCause(context.Background())
	t.Cleanup(func() { w.cancel(nil) })
	k := newWorker(w)
	var got []string
	k.postFn = func(b *batch) {
		if len(b.ends) > o.BatchSize {
			t.Errorf("batch of %d lines, more than %d", len(b.ends), o.BatchSize)
		}
		pts := decodeAll(t, b.buf, o.Precision)
		if len(pts) != len(b.ends) {
			t.Errorf("batch holds %d points for %d line ends", len(pts), len(b.ends))
		}
		for i, p := range pts {
			if want := fmt.Sprintf("m,t=x f=%d %d\n", p.Time, p.Time); string(b.lines(i, i+1)) != want {
				t.Errorf("line %d is %q, want %q", i, b.lines(i, i+1), want)
			}
		}
		got = append(got, fmt.Sprintf("%d-%d", pts[0].Time, pts[len(pts)-1].Time))
		k.written(b, 0, len(b.ends))
	}
	return w, k, &got
}

func feed(chunks ...chunk) <-chan chunk {
	in := make(chan chunk, len(chunks))
	for _, c := range chunks {
		in <- c
	}
	close(in)
	return in
}

func TestBatchCutting(t *testing.T) {
	tests := []struct {
		name   string
		mode   Mode
		size   int
		chunks [][2]int // first, n
		want   string
	}{
		{"sync cuts at chunk ends", ModeSync, 3, [][2]int{{0, 7}, {7, 2}}, "0-2 3-5 6-6 7-8"},
		{"sync exact multiple", ModeSync, 3, [][2]int{{0, 6}}, "0-2 3-5"},
		{"batching spans chunks", ModeBatching, 3, [][2]int{{0, 7}, {7, 2}}, "0-2 3-5 6-8"},
		{"async spans chunks", ModeAsync, 3, [][2]int{{0, 7}, {7, 2}, {9, 1}}, "0-2 3-5 6-8 9-9"},
		{"batch of one", ModeBatching, 1, [][2]int{{0, 3}}, "0-0 1-1 2-2"},
		{"batch larger than input", ModeBatching, 5000, [][2]int{{0, 3}, {3, 4}}, "0-6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			w, k, got := testWorker(t, Options{Mode: tc.mode, BatchSize: tc.size, FlushInterval: time.Hour}, &bytes.Buffer{})
			var chunks []chunk
			rows := 0
			for _, c := range tc.chunks {
				chunks = append(chunks, cutChunk(t, mem, c[0], c[1]))
				rows += c[1]
			}
			k.run(feed(chunks...))
			if s := strings.Join(*got, " "); s != tc.want {
				t.Errorf("batches %s, want %s", s, tc.want)
			}
			st := w.acct.stats()
			if st.Written != int64(rows) || st.Batches != int64(len(*got)) || st.Fields["f"] != int64(rows) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestBatchFlushInterval(t *testing.T) {
	_, k, got := testWorker(t, Options{Mode: ModeBatching, BatchSize: 100, FlushInterval: 20 * time.Millisecond}, &bytes.Buffer{})
	in := make(chan chunk)
	done := make(chan struct{})
	go func() {
		k.run(in)
		close(done)
	}()
	in <- cutChunk(t, nil, 0, 2)
	time.Sleep(200 * time.Millisecond) // the first batch is flushed meanwhile
	in <- cutChunk(t, nil, 2, 2)
	close(in)
	<-done
	if s := strings.Join(*got, " "); s != "0-1 2-3" {
		t.Errorf("batches %s, want 0-1 2-3", s)
	}
}

func TestBatchSkipsRows(t *testing.T) {
	var rej bytes.Buffer
	w, k, got := testWorker(t, Options{Mode: ModeSync, BatchSize: 2}, &rej)
	k.run(feed(cutChunk(t, nil, 0, 5, 1, 2)))
	if err := w.rejects.flush(); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(*got, " "); s != "0-3 4-4" {
		t.Errorf("batches %s, want 0-3 4-4", s)
	}
	st := w.acct.stats()
	if st.Written != 3 || st.Skipped != 2 || st.Reasons["no field values"] != 2 {
		t.Errorf("stats %+v", st)
	}
	want := "# in.csv:3: no field values: 1970-01-01T00:00:00.000000001Z,x,\n" +
		"# in.csv:4: no field values: 1970-01-01T00:00:00.000000002Z,x,\n"
	if rej.String() != want {
		t.Errorf("rejects:\n%s\nwant:\n%s", rej.String(), want)
	}
}

func TestBatchSchemaErrorSkipsChunk(t *testing.T) {
	var rej bytes.Buffer
	w, k, got := testWorker(t, Options{Mode: ModeSync}, &rej)
	rec := makeRecord(t, nil, "", cutCols, [][]any{{int64(1), "x", 1.0}, {int64(2), nil, 2.0}})
	k.run(feed(chunk{rec: rec}))
	w.rejects.flush()
	st := w.acct.stats()
	if len(*got) != 0 || st.Skipped != 2 {
		t.Errorf("batches %v, stats %+v", *got, st)
	}
	if n := strings.Count(rej.String(), "# in.csv: no measurement: set it"); n != 2 {
		t.Errorf("rejects:\n%s", rej.String())
	}
}
