package query_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/query"
)

// rowsReader produces an annotated-CSV response of n rows on the fly, so
// that the whole text never exists in memory.
type rowsReader struct {
	n, i int
	buf  []byte
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i <= r.n {
		if r.i == 0 {
			r.buf = append(r.buf, head...)
		} else {
			r.buf = fmt.Appendf(r.buf, ",,%d,2021-01-01T00:00:%02d.%09dZ,%d.5,field%d\r\n", r.i%7, r.i%60, r.i, r.i, r.i%3)
		}
		r.i++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// TestDecoderStreams checks that decoding holds the current chunk, not the
// response: Arrow memory stays bounded while a large response streams by.
func TestDecoderStreams(t *testing.T) {
	const rows, chunk = 300_000, 1000
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d, err := query.NewDecoder(&rowsReader{n: rows}, query.WithAllocator(mem), query.WithChunkSize(chunk))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	var n int64
	peak := 0
	for d.Next() {
		n += d.Record().NumRows()
		peak = max(peak, mem.CurrentAlloc())
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if n != rows {
		t.Errorf("%d rows, want %d", n, rows)
	}
	// About 100 bytes of text per row: 30 MB of response. A chunk of 1000
	// rows holds well under 1 MB of Arrow memory.
	if peak > 1<<20 {
		t.Errorf("peak Arrow memory %d bytes for chunks of %d rows", peak, chunk)
	}
	t.Logf("peak Arrow memory %d bytes", peak)
}
