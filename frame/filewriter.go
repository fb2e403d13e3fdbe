package frame

import (
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

// File formats of NewRecordWriter.
const (
	FormatCSV         = "csv"
	FormatArrow       = "arrow"  // Arrow IPC file (Feather v2)
	FormatArrowStream = "arrows" // Arrow IPC stream
	FormatParquet     = "parquet"
)

// FormatOfPath returns the format that a file name's extension names:
// .csv, .arrow or .feather, .arrows, .parquet; "" for any other.
func FormatOfPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return FormatCSV
	case ".arrow", ".feather":
		return FormatArrow
	case ".arrows":
		return FormatArrowStream
	case ".parquet":
		return FormatParquet
	}
	return ""
}

// RecordWriter writes a stream of records with one schema to a file
// format. Close finishes the file (a footer, for Arrow and Parquet files)
// but does not close the io.Writer underneath.
type RecordWriter interface {
	Write(rec arrow.Record) error
	Close() error
}

// NewRecordWriter returns a writer of records with the given schema in
// format (FormatCSV, FormatArrow, FormatArrowStream or FormatParquet).
func NewRecordWriter(w io.Writer, format string, schema *arrow.Schema) (RecordWriter, error) {
	switch format {
	case FormatCSV:
		return &csvRecordWriter{NewCSVWriter(w, schema)}, nil
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
	return nil, fmt.Errorf("frame: unknown file format %q (want csv, arrow, arrows or parquet)", format)
}

type csvRecordWriter struct{ w *CSVWriter }

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
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
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

// WriteFile writes the whole frame to w in format.
func WriteFile(w io.Writer, format string, f *Frame) error {
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
