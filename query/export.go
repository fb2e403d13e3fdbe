package query

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/influxframe/influxframe/frame"
)

// Export writes the frames of a result to the file at path, in the format
// its extension names (frame.FormatOf). A file that could not be written
// completely is removed. See ExportTo for how the frames are written.
func Export(path string, frames ...*frame.Frame) (err error) {
	format, err := frame.FormatOf(path)
	if err != nil {
		return fmt.Errorf("query: export: %w", err)
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
	if err := ExportTo(bw, format, frames...); err != nil {
		return fmt.Errorf("query: export %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("query: export: %w", err)
	}
	return nil
}

// ExportTo writes the frames of a result to w in format. It does not close
// w.
//
// A table format (CSV, Arrow, Arrow stream, Parquet) holds one table: the
// Combine of the frames, whose columns are the union of theirs. Parquet has
// no duration type: duration columns are written as int64 nanoseconds.
//
// Line protocol holds each frame's points in turn, as WriteLineProtocol
// writes them, so that every field keeps its own type: a float field and a
// string field of one measurement come in frames of their own, which
// combining would turn into one string column.
func ExportTo(w io.Writer, format frame.Format, frames ...*frame.Frame) error {
	if format == frame.FormatLineProtocol {
		for _, f := range frames {
			if err := WriteLineProtocol(w, f); err != nil {
				return err
			}
		}
		return nil
	}
	all, err := Combine(frames)
	if err != nil {
		return err
	}
	defer all.Release()
	return frame.WriteFile(w, format, all)
}

// ExportEach writes each frame of a result to a file of its own, one per
// column set, in the format path's extension names: "out.csv" becomes
// "out.1.csv", "out.2.csv" and so on (a single frame still gets ".1"). It
// returns the paths written, in the frames' order.
func ExportEach(path string, frames ...*frame.Frame) ([]string, error) {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	var paths []string
	for i, f := range frames {
		p := fmt.Sprintf("%s.%d%s", base, i+1, ext)
		if err := Export(p, f); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
