package frame

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// Format is a file format influxframe reads or writes. FormatOf is the
// one place that maps file names to formats.
type Format string

// The file formats. frame reads and writes the first four;
// FormatLineProtocol is read and written by the sink and query packages.
const (
	FormatCSV          Format = "csv"
	FormatArrow        Format = "arrow"  // Arrow IPC file (Feather v2)
	FormatArrowStream  Format = "arrows" // Arrow IPC stream
	FormatParquet      Format = "parquet"
	FormatLineProtocol Format = "lp" // InfluxDB line protocol
)

// ErrFormat is the cause of an error about a file name whose extension
// names no format.
var ErrFormat = errors.New("unknown file format")

// FormatOf returns the format a file name's extension names: .csv (and
// .tsv), .arrow or .feather, .arrows, .parquet, .lp, in any case. Other
// names are an error wrapping ErrFormat.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv":
		return FormatCSV, nil
	case ".arrow", ".feather":
		return FormatArrow, nil
	case ".arrows":
		return FormatArrowStream, nil
	case ".parquet":
		return FormatParquet, nil
	case ".lp":
		return FormatLineProtocol, nil
	}
	return "", fmt.Errorf("frame: %s: %w (want .csv, .arrow/.feather, .arrows, .parquet or .lp)", name, ErrFormat)
}

// RecordWriter writes a stream of records with one schema to a file
// format. Close finishes the file (a footer, for Arrow and Parquet files)
// but does not close the io.Writer underneath.
type RecordWriter interface {
	Write(rec arrow.Record) error
	Close() error
}

// NewRecordWriter returns a writer of records with the given schema in
// format (FormatCSV, FormatArrow, FormatArrowStream or FormatParquet; line
// protocol is the sink's).
func NewRecordWriter(w io.Writer, format Format, schema *arrow.Schema) (RecordWriter, error) {
	switch format {
	case FormatCSV:
		return &csvRecordWriter{newCSVWriter(w, schema)}, nil
	case FormatArrow:
		ws, ok := w.(io.WriteSeeker)
		if !ok {
			ws = &offsetWriter{w: w}
		}
		fw, err := ipc.NewFileWriter(ws, ipc.WithSchema(schema))
		if err != nil {
			return nil, fmt.Errorf("frame: writing Arrow: %w", err)
		}
		return fw, nil
	case FormatArrowStream:
		return ipc.NewWriter(w, ipc.WithSchema(schema)), nil
	case FormatParquet:
		return newParquetWriter(w, schema)
	}
	return nil, fmt.Errorf("frame: %w %q: frame writes csv, arrow, arrows and parquet", ErrFormat, format)
}

type csvRecordWriter struct{ w *csvWriter }

func (c *csvRecordWriter) Write(rec arrow.Record) error { return c.w.Write(rec) }
func (c *csvRecordWriter) Close() error                 { return c.w.Flush() }

// parquetWriter writes records to Parquet, durations as int64 nanoseconds
// (Parquet has no duration type).
type parquetWriter struct {
	fw        *pqarrow.FileWriter
	schema    *arrow.Schema
	durations []int
}

func newParquetWriter(w io.Writer, as *arrow.Schema) (*parquetWriter, error) {
	fields := append([]arrow.Field(nil), as.Fields()...)
	var durations []int
	for i, fd := range fields {
		if fd.Type.ID() == arrow.DURATION {
			fields[i].Type = arrow.PrimitiveTypes.Int64
			durations = append(durations, i)
		}
	}
	md := as.Metadata()
	schema := arrow.NewSchema(fields, &md)
	// Data page V2: with V1 pages, arrow v15 reserves the level buffer of
	// a nullable column past its 4-byte length prefix on every literal
	// run, which reallocates and clears the whole buffer each time (most
	// of the time of writing a sparse column). V2 pages keep the levels
	// apart and are read by pyarrow, DuckDB and Spark alike.
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDataPageVersion(parquet.DataPageV2))
	fw, err := pqarrow.NewFileWriter(schema, noClose{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("frame: writing Parquet: %w", err)
	}
	return &parquetWriter{fw: fw, schema: schema, durations: durations}, nil
}

func (p *parquetWriter) Write(rec arrow.Record) error {
	if len(p.durations) > 0 {
		rec = durationsAsInt(p.schema, rec, p.durations)
	} else {
		rec.Retain()
	}
	defer rec.Release()
	if err := p.fw.WriteBuffered(rec); err != nil {
		return fmt.Errorf("frame: writing Parquet: %w", err)
	}
	return nil
}

func (p *parquetWriter) Close() error {
	if err := p.fw.Close(); err != nil {
		return fmt.Errorf("frame: writing Parquet: %w", err)
	}
	return nil
}

// WriteFile writes the whole frame to w in format: CSV with a header row
// (nulls empty, values as FormatValue writes them), an Arrow IPC file
// (Feather v2) or stream, or Snappy-compressed Parquet with the Arrow
// schema stored in the file so that Arrow readers get the same types back
// (duration columns become int64 nanoseconds). Kinds, roles, the
// measurement and the precision travel in the schema metadata. It does not
// close w.
func WriteFile(w io.Writer, format Format, f *Frame) error {
	rw, err := NewRecordWriter(w, format, f.Schema().Arrow())
	if err != nil {
		return err
	}
	for _, c := range f.Chunks() {
		if err := rw.Write(c); err != nil {
			rw.Close()
			return err
		}
	}
	return rw.Close()
}
