package frame

import (
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// WriteArrow writes the frame as an Arrow IPC file (Feather v2). Kinds,
// roles and the measurement travel in the schema metadata.
func WriteArrow(w io.Writer, f *Frame) error { return WriteFile(w, FormatArrow, f) }

// WriteArrowStream writes the frame in the Arrow IPC stream format (.arrows).
func WriteArrowStream(w io.Writer, f *Frame) error { return WriteFile(w, FormatArrowStream, f) }

// ReadArrowFile reads an Arrow IPC file into a Frame.
func ReadArrowFile(path string, mem memory.Allocator) (*Frame, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("frame: %w", err)
	}
	defer fh.Close()
	fr, err := ipc.NewFileReader(fh, ipc.WithAllocator(mem))
	if err != nil {
		return nil, &ParseError{File: path, Err: err}
	}
	defer fr.Close()
	recs := make([]arrow.Record, 0, fr.NumRecords())
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for i := 0; i < fr.NumRecords(); i++ {
		rec, err := fr.Record(i)
		if err != nil {
			return nil, &ParseError{File: path, Err: err}
		}
		rec.Retain()
		recs = append(recs, rec)
	}
	return New(SchemaFromArrow(fr.Schema()), recs...)
}

// offsetWriter lets the IPC file writer, which only asks where it is, write
// to a stream such as stdout.
type offsetWriter struct {
	w   io.Writer
	off int64
}

func (o *offsetWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetWriter) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && whence == io.SeekCurrent {
		return o.off, nil
	}
	return o.off, fmt.Errorf("frame: cannot seek in an output stream")
}
