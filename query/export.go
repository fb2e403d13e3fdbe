package query

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/influxframe/influxframe/frame"
)

// The export formats, as FormatOf names them.
const (
	FormatCSV         = "csv"     // CSV with a header row, frame.WriteCSV
	FormatArrow       = "arrow"   // Arrow IPC file (Feather v2), frame.WriteArrow
	FormatArrowStream = "arrows"  // Arrow IPC stream, frame.WriteArrowStream
	FormatParquet     = "parquet" // Parquet, Snappy-compressed
	FormatLP          = "lp"      // InfluxDB line protocol
)

// ErrFormat is the cause of an error about an unknown export format.
var ErrFormat = errors.New("unknown export format")

// FormatOf returns the export format for a file name by its extension:
// .csv, .arrow and .feather, .arrows, .parquet, .lp (case-insensitive).
func FormatOf(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return FormatCSV, nil
	case ".arrow", ".feather":
		return FormatArrow, nil
	case ".arrows":
		return FormatArrowStream, nil
	case ".parquet":
		return FormatParquet, nil
	case ".lp":
		return FormatLP, nil
	default:
		return "", fmt.Errorf("query: %s: %w %q (want .csv, .arrow, .feather, .arrows, .parquet or .lp)", path, ErrFormat, ext)
	}
}

// Export writes f to the file at path in the format its extension names
// (see FormatOf). A file that could not be written completely is removed.
func Export(path string, f *frame.Frame) (err error) {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("query: export: %w", err)
	}
	defer func() {
		if cerr := fh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("query: export: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	bw := bufio.NewWriterSize(fh, 1<<20)
	if err := ExportTo(bw, format, f); err != nil {
		return fmt.Errorf("query: export %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("query: export: %w", err)
	}
	return nil
}

// ExportTo writes f to w in format: "csv", "arrow" (or "feather"),
// "arrows", "parquet" or "lp". It does not close w.
//
// Parquet has no duration type: duration columns are written as int64
// nanoseconds. Line protocol is described at WriteLineProtocol.
func ExportTo(w io.Writer, format string, f *frame.Frame) error {
	switch strings.ToLower(format) {
	case FormatCSV:
		return frame.WriteCSV(w, f)
	case FormatArrow, "feather":
		return frame.WriteArrow(w, f)
	case FormatArrowStream:
		return frame.WriteArrowStream(w, f)
	case FormatParquet:
		return WriteParquet(w, f)
	case FormatLP:
		return WriteLineProtocol(w, f)
	default:
		return fmt.Errorf("query: %w %q", ErrFormat, format)
	}
}

// WriteParquet writes f as a Snappy-compressed Parquet file; see
// frame.WriteParquet.
func WriteParquet(w io.Writer, f *frame.Frame) error { return frame.WriteParquet(w, f) }
