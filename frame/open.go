package frame

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/apache/arrow/go/v15/arrow"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
