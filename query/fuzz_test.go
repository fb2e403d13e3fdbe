package query_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

// FuzzDecode feeds arbitrary text to the decoder: it must never panic nor
// leak Arrow memory, and what it decodes must come back the same through
// annotated CSV (frames -> annotated CSV -> frames).
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		head + ",,0,2021-01-01T00:00:00Z,1,f\n",
		"#datatype,duration,base64Binary,unsignedLong\n,d,b,u\n,1w2d,AA==,1\n",
		",error,reference\n,boom,1\n",
		"#datatype,string\n#group,true\n#default,x\n,a\n,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		frames, err := query.Decode(bytes.NewReader(in), query.WithAllocator(mem), query.WithChunkSize(3))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error without prefix: %v", err)
			}
			return
		}
		defer release(frames)
		again, err := query.Decode(bytes.NewReader(annotate(t, frames)), query.WithAllocator(mem))
		if err != nil {
			t.Fatalf("decoding the re-encoded frames: %v", err)
		}
		defer release(again)
		if a, b := values(t, frames), values(t, again); a != b {
			t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
		}
	})
}

// values renders frames' types and rows, not their roles.
func values(t testing.TB, frames []*frame.Frame) string {
	var b strings.Builder
	for _, f := range frames {
		for _, fd := range f.Schema().Arrow().Fields() {
			b.WriteString(fd.Name + ": type=" + fd.Type.String() + "; ")
		}
		b.WriteByte('\n')
		for _, rec := range f.Chunks() {
			for r := 0; r < int(rec.NumRows()); r++ {
				for c := 0; c < int(rec.NumCols()); c++ {
					if rec.Column(c).IsNull(r) {
						b.WriteString("<null>")
					} else {
						b.WriteString(frame.FormatValue(rec.Column(c), r))
					}
					b.WriteByte('|')
				}
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}
