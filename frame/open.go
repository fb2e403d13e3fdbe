package frame

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/parquet"
)

// Source is an opened input: its data, a display name, and what closes it.
type Source struct {
	io.Reader
	Name  string // as the user gave it; "-" for stdin
	close func() error
}

// Close releases what Open acquired.
func (s *Source) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// Open opens a CSV input by name: "-" is stdin, an http:// or https:// URL
// is fetched, and a name ending in .gz is decompressed. A plain file is
// returned as an *os.File, which is seekable; the others are streams that
// NewCSVReader spools.
func Open(ctx context.Context, name string, stdin io.Reader) (*Source, error) {
	var (
		rc   io.ReadCloser
		base string
	)
	switch {
	case name == "-":
		if stdin == nil {
			stdin = os.Stdin
		}
		rc, base = io.NopCloser(stdin), "-"
	case strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://"):
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, name, nil)
		if err != nil {
			return nil, fmt.Errorf("frame: %s: %w", name, err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, fmt.Errorf("frame: fetching %s: %w", name, err)
		}
		if resp.StatusCode/100 != 2 {
			resp.Body.Close()
			return nil, fmt.Errorf("frame: fetching %s: %s", name, resp.Status)
		}
		rc, base = resp.Body, name
	default:
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("frame: %w", err)
		}
		if !strings.HasSuffix(strings.ToLower(name), ".gz") {
			return &Source{Reader: f, Name: name, close: f.Close}, nil
		}
		rc, base = f, name
	}
	if strings.HasSuffix(strings.ToLower(strings.SplitN(base, "?", 2)[0]), ".gz") {
		br := bufio.NewReader(rc)
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("frame: %s: %w", name, err)
		}
		return &Source{Reader: zr, Name: name, close: func() error { zr.Close(); return rc.Close() }}, nil
	}
	return &Source{Reader: rc, Name: name, close: rc.Close}, nil
}

// BaseName returns a file name without its folder and extensions
// ("data/taxi.csv.gz" -> "taxi"); it is the default measurement name.
func BaseName(name string) string {
	if name == "-" {
		return "stdin"
	}
	if i := strings.IndexAny(name, "?#"); i >= 0 && strings.Contains(name, "://") {
		name = name[:i]
	}
	b := filepath.Base(name)
	if i := strings.IndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	return b
}

// ReadCSV reads a whole CSV input into a Frame. Use a CSVReader to stream
// a large file chunk by chunk instead.
func ReadCSV(r io.Reader, name string, opts CSVOptions) (*Frame, error) {
	cr, err := NewCSVReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	defer cr.Release()
	var recs []arrow.Record
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for cr.Next() {
		rec := cr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := cr.Err(); err != nil {
		return nil, err
	}
	chunks := make([]arrow.Record, len(recs))
	copy(chunks, recs)
	return New(cr.FrameSchema(), chunks...)
}

// ChunkReader is what the import pipeline reads: an iterator of records.
type ChunkReader interface {
	FrameSchema() *Schema // kinds from the Arrow types (SchemaFromArrow), roles none
	Next() bool
	Record() arrow.Record // valid until the next Next or Release
	Lines() []int64       // source line per row, or nil when the format has no lines
	Err() error
	Release()
}

var (
	_ ChunkReader        = (*CSVReader)(nil)
	_ ChunkReader        = (*ArrowReader)(nil)
	_ array.RecordReader = (*ArrowReader)(nil)
)

// OpenChunkReader opens an input by name, as Open does ("-" is stdin, an
// http(s) URL is fetched, .gz is decompressed), and returns the reader its
// format needs, chosen by the name's extension with any .gz and URL query
// left out: .arrow and .feather (Arrow IPC file), .arrows (Arrow IPC
// stream), .parquet; anything else is CSV, read with NewCSVReader and opts.
// Standard input has no extension: it is sniffed, Arrow and Parquet by their
// magic bytes, CSV otherwise.
//
// Arrow inputs are read as they arrive. Parquet needs random access, so a
// Parquet input that is not a seekable file (stdin, a URL, a .gz) is first
// spooled to a temporary file in opts.TempDir. The records of Arrow inputs
// are the file's own record batches; Parquet ones have opts.ChunkSize rows.
//
// The returned function closes what OpenChunkReader opened and removes the
// spool file; call it after releasing the reader.
func OpenChunkReader(ctx context.Context, name string, stdin io.Reader, opts CSVOptions) (ChunkReader, func() error, error) {
	format := inputFormat(name)
	src, err := Open(ctx, name, stdin)
	if err != nil {
		return nil, nil, err
	}
	in := src.Reader
	if name == "-" {
		br := bufio.NewReader(in)
		in = br
		head, _ := br.Peek(8)
		switch {
		case bytes.HasPrefix(head, []byte(arrowMagic)), bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
			format = FormatArrowStream
		case bytes.HasPrefix(head, []byte("PAR1")):
			format = FormatParquet
		}
	}
	switch format {
	case FormatArrow, FormatArrowStream:
		r, err := NewArrowReader(in, name, ArrowOptions{Allocator: opts.Allocator})
		if err != nil {
			src.Close()
			return nil, nil, err
		}
		return r, src.Close, nil
	case FormatParquet:
		f, cleanup, err := seekableInput(in, name, opts.TempDir)
		if err != nil {
			src.Close()
			return nil, nil, err
		}
		closeAll := func() error { return errors.Join(cleanup(), src.Close()) }
		r, err := NewParquetReader(f, name, ParquetOptions{BatchSize: opts.ChunkSize, Allocator: opts.Allocator})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		return r, closeAll, nil
	default:
		r, err := NewCSVReader(in, name, opts)
		if err != nil {
			src.Close()
			return nil, nil, err
		}
		return r, src.Close, nil
	}
}

// inputFormat returns the format an input name's extension names, leaving
// out a URL's query and fragment and a .gz suffix; FormatCSV for any other.
func inputFormat(name string) string {
	if strings.Contains(name, "://") {
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	lower := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if f := FormatOfPath(lower); f != "" {
		return f
	}
	return FormatCSV
}

// seekableInput returns r itself when it is a seekable file, and otherwise
// a spool file in dir holding r's content; cleanup removes the spool.
func seekableInput(r io.Reader, name, dir string) (parquet.ReaderAtSeeker, func() error, error) {
	if f, ok := r.(parquet.ReaderAtSeeker); ok {
		if _, err := f.Seek(0, io.SeekCurrent); err == nil {
			return f, func() error { return nil }, nil
		}
	}
	tmp, err := os.CreateTemp(dir, "influxframe-spool-*.parquet")
	if err != nil {
		return nil, nil, fmt.Errorf("frame: spooling %s: %w", name, err)
	}
	cleanup := func() error {
		tmp.Close()
		return os.Remove(tmp.Name())
	}
	if _, err := io.Copy(tmp, r); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("frame: spooling %s: %w", name, err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("frame: spooling %s: %w", name, err)
	}
	return tmp, cleanup, nil
}
