package frame

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestOpen opens every format by name, compressed, from stdin
// and over HTTP, and checks that the spool files go away.
func TestOpen(t *testing.T) {
	mem := checkedMem(t)
	src := everyKindFrame(t, mem)
	defer src.Release()
	want := frameCells(src)
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o755); err != nil {
		t.Fatal(err)
	}
	content := map[Format][]byte{}
	for _, fm := range []Format{FormatCSV, FormatArrow, FormatArrowStream, FormatParquet} {
		var buf bytes.Buffer
		if err := WriteFile(&buf, fm, src); err != nil {
			t.Fatal(err)
		}
		content[fm] = buf.Bytes()
	}
	put := func(name string, format Format, gz bool) string {
		data := content[format]
		if gz {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(data)
			zw.Close()
			data = buf.Bytes()
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	put("served.parquet", FormatParquet, false)
	put("served.arrow", FormatArrow, false)

	for _, tc := range []struct {
		name   string
		path   string
		stdin  []byte
		reader string
	}{
		{"csv", put("a.csv", FormatCSV, false), nil, "*frame.CSVReader"},
		{"csv.gz", put("a.csv.gz", FormatCSV, true), nil, "*frame.CSVReader"},
		{"arrow", put("a.arrow", FormatArrow, false), nil, "*frame.ArrowReader"},
		{"feather", put("a.FEATHER", FormatArrow, false), nil, "*frame.ArrowReader"},
		{"arrow.gz", put("a.arrow.gz", FormatArrow, true), nil, "*frame.ArrowReader"},
		{"arrows", put("a.arrows", FormatArrowStream, false), nil, "*frame.ArrowReader"},
		{"arrows.gz", put("a.arrows.gz", FormatArrowStream, true), nil, "*frame.ArrowReader"},
		{"parquet", put("a.parquet", FormatParquet, false), nil, "*frame.ParquetReader"},
		{"parquet.gz", put("a.parquet.gz", FormatParquet, true), nil, "*frame.ParquetReader"},
		{"url parquet", srv.URL + "/served.parquet?x=1", nil, "*frame.ParquetReader"},
		{"url arrow", srv.URL + "/served.arrow#frag", nil, "*frame.ArrowReader"},
		{"stdin csv", "-", content[FormatCSV], "*frame.CSVReader"},
		{"stdin arrow file", "-", content[FormatArrow], "*frame.ArrowReader"},
		{"stdin arrow stream", "-", content[FormatArrowStream], "*frame.ArrowReader"},
		{"stdin parquet", "-", content[FormatParquet], "*frame.ParquetReader"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(context.Background(), tc.path, OpenOptions{Stdin: bytes.NewReader(tc.stdin),
				CSVOptions: CSVOptions{Allocator: mem, TempDir: spool}})
			if err != nil {
				t.Fatal(err)
			}
			inner := r
			if o, ok := r.(*owned); ok {
				inner = o.ChunkReader
			}
			if got := fmt.Sprintf("%T", inner); got != tc.reader {
				t.Errorf("reader %s, want %s", got, tc.reader)
			}
			got, _ := readAll(t, r)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("values\n got %q\nwant %q", got, want)
			}
			r.Release()
			if left, _ := os.ReadDir(spool); len(left) != 0 {
				t.Errorf("spool files left: %v", left)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := Open(context.Background(), filepath.Join(dir, "none.parquet"), OpenOptions{}); err == nil {
			t.Error("no error for a missing file")
		}
	})
	t.Run("corrupt parquet spool removed", func(t *testing.T) {
		bad := append([]byte("PAR1"), content[FormatParquet][:100]...)
		_, err := Open(context.Background(), "-", OpenOptions{Stdin: bytes.NewReader(bad), CSVOptions: CSVOptions{Allocator: mem, TempDir: spool}})
		checkCorruptErr(t, err, "-")
		if err == nil {
			t.Error("no error for a truncated Parquet file")
		}
		if left, _ := os.ReadDir(spool); len(left) != 0 {
			t.Errorf("spool files left: %v", left)
		}
	})
}

func TestInputFormat(t *testing.T) {
	for in, want := range map[string]Format{
		"a.csv": FormatCSV, "a.txt": FormatCSV, "-": FormatCSV, "a.tsv.gz": FormatCSV,
		"a.arrow": FormatArrow, "x/a.feather": FormatArrow, "a.Arrow.GZ": FormatArrow,
		"a.arrows": FormatArrowStream, "a.arrows.gz": FormatArrowStream,
		"a.parquet": FormatParquet, "a.parquet.gz": FormatParquet,
		"https://h/p/a.parquet?sig=x.csv": FormatParquet, "http://h/a.arrows#t": FormatArrowStream,
		"https://h/data.csv?format=.parquet": FormatCSV,
	} {
		if got := inputFormat(in); got != want {
			t.Errorf("inputFormat(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for in, want := range map[string]Format{
		"a.csv": FormatCSV, "b.CSV": FormatCSV, "t.tsv": FormatCSV, "c.arrow": FormatArrow, "d.feather": FormatArrow,
		"e.arrows": FormatArrowStream, "f.parquet": FormatParquet, "g.lp": FormatLineProtocol, "h.txt": "", "-": "",
	} {
		got, err := FormatOf(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", in, got, err, want)
		}
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("FormatOf(%q) error %v is not ErrFormat", in, err)
		}
	}
}
