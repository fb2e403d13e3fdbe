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

// ChunkReader is an iterator over the records of one input, what every
// later stage reads: Next until it returns false, then Err. Record is valid
// until the next call to Next or Release.
type ChunkReader interface {
	// Name is the input's name as the user gave it ("-" for stdin; "" for
	// a frame), used in errors and rejects.
	Name() string
	// FrameSchema describes the records: for a file, kinds from inference
	// or from the Arrow types, roles none.
	FrameSchema() *Schema
	Next() bool
	Record() arrow.Record
	// Lines holds the 1-based source line of each row of the current
	// record, or is nil when the input has no lines (Arrow, Parquet, a
	// frame). The slice is reused by Next.
	Lines() []int64
	Err() error
	// Release frees the current record and whatever the reader holds; a
	// reader made by Open also closes its input.
	Release()
}

// TextKeeper is a ChunkReader that holds every cell as text until it
// converts it: the CSV reader. KeepText makes the named columns text
// (KindText) whatever inference found, so that a value such as the tag
// "00501" keeps its leading zero. It must be called before the first Next.
// The transform package calls it for declared tags and string fields.
type TextKeeper interface {
	KeepText(names ...string) error
}

// RowCounter is a ChunkReader that knows its number of data rows before
// reading them (the CSV reader, whose inference has read them all).
type RowCounter interface {
	TotalRows() int64
}

var (
	_ ChunkReader        = (*CSVReader)(nil)
	_ TextKeeper         = (*CSVReader)(nil)
	_ RowCounter         = (*CSVReader)(nil)
	_ ChunkReader        = (*ArrowReader)(nil)
	_ ChunkReader        = (*ParquetReader)(nil)
	_ array.RecordReader = (*ArrowReader)(nil)
)

// OpenOptions configure Open. The zero value reads standard input from
// os.Stdin and CSV with the defaults of CSVOptions.
type OpenOptions struct {
	// CSVOptions configure CSV inputs; their ChunkSize, TempDir and
	// Allocator serve Arrow and Parquet inputs too.
	CSVOptions
	// Stdin is read for the input "-" (default os.Stdin).
	Stdin io.Reader
}

// Open opens an input by name and returns the reader its format needs.
// "-" is standard input, an http(s) URL is fetched, a name ending in .gz is
// decompressed. The format is the name's extension with any .gz and URL
// query left out (FormatOf): .arrow and .feather (Arrow IPC file), .arrows
// (Arrow IPC stream), .parquet; anything else is CSV, read with
// NewCSVReader. Standard input has no extension: it is sniffed, Arrow and
// Parquet by their magic bytes, CSV otherwise.
//
// A CSV input's schema is inferred over every row before Open returns.
// Arrow inputs are read as they arrive. Parquet needs random access, so a
// Parquet input that is not a seekable file (stdin, a URL, a .gz) is first
// spooled to a temporary file in TempDir, as a CSV stream is. The records
// of Arrow inputs are the file's own record batches; CSV and Parquet ones
// have ChunkSize rows.
//
// The reader owns the input: its Release closes it and removes any spool
// file.
//
// CSVOptions.Shard reads one shard of a CSV file (see Shard). Open refuses
// it, before opening anything, for standard input, a URL and a .gz file
// (ErrNotSeekable: streams have no byte offsets that every process computes
// alike) and for Arrow and Parquet inputs, which are not read in shards.
func Open(ctx context.Context, name string, opts OpenOptions) (ChunkReader, error) {
	format := inputFormat(name)
	if err := checkShard(name, format, opts.Shard); err != nil {
		return nil, err
	}
	src, err := OpenInput(ctx, name, opts.Stdin)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		return &owned{ChunkReader: r, close: src.Close}, nil
	case FormatParquet:
		f, cleanup, err := seekableInput(in, name, opts.TempDir)
		if err != nil {
			src.Close()
			return nil, err
		}
		closeAll := func() error { return errors.Join(cleanup(), src.Close()) }
		r, err := NewParquetReader(f, name, ParquetOptions{BatchSize: opts.ChunkSize, Allocator: opts.Allocator})
		if err != nil {
			closeAll()
			return nil, err
		}
		return &owned{ChunkReader: r, close: closeAll}, nil
	default:
		r, err := NewCSVReader(in, name, opts.CSVOptions)
		if err != nil {
			src.Close()
			return nil, err
		}
		spool := r.closer
		r.closer = func() error { return errors.Join(spool(), src.Close()) }
		return r, nil
	}
}

// owned is a reader whose Release also closes its input.
type owned struct {
	ChunkReader
	close func() error
}

func (o *owned) Release() {
	o.ChunkReader.Release()
	if o.close != nil {
		o.close()
		o.close = nil
	}
}

// inputFormat returns the format an input name's extension names, leaving
// out a URL's query and fragment and a .gz suffix; FormatCSV for any
// other.
func inputFormat(name string) Format {
	if strings.Contains(name, "://") {
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	lower := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if f, err := FormatOf(lower); err == nil && f != FormatLineProtocol {
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

// Input is an opened input's bytes, before any format is read: its data, a
// display name, and what closes it.
type Input struct {
	io.Reader
	Name  string // as the user gave it; "-" for stdin
	close func() error
}

// Close releases what OpenInput acquired.
func (s *Input) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// OpenInput opens the bytes of an input by name, as Open does, without
// reading any format: "-" is stdin (os.Stdin when stdin is nil), an
// http:// or https:// URL is fetched, and a name ending in .gz is
// decompressed. A plain file is returned as an *os.File, which is
// seekable; the others are streams. Line-protocol inputs are read this way.
func OpenInput(ctx context.Context, name string, stdin io.Reader) (*Input, error) {
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
			return &Input{Reader: f, Name: name, close: f.Close}, nil
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
		return &Input{Reader: zr, Name: name, close: func() error { zr.Close(); return rc.Close() }}, nil
	}
	return &Input{Reader: rc, Name: name, close: rc.Close}, nil
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
	return ReadAll(cr)
}

// ReadAll reads every record of r into a Frame. It does not release r.
func ReadAll(r ChunkReader) (*Frame, error) {
	var recs []arrow.Record
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	for r.Next() {
		rec := r.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return New(r.FrameSchema(), recs...)
}
