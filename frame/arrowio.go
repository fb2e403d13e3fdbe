package frame

import (
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// ReadArrowFile reads an Arrow IPC file (or stream) into a Frame. It reads
// through the checks of NewArrowReader: the file is read sequentially and
// every message is checked before the arrow library decodes it, so that
// corrupt input is a *ParseError wrapping ErrCorrupt, never a panic nor an
// allocation much larger than the file, and union, run-end encoded and view
// columns, dictionary-encoded fields inside nested ones and big-endian data
// are refused with ErrUnsupportedType. Unlike NewArrowReader it converts
// nothing: the chunks are the file's record batches (empty ones included)
// with their Arrow types (dictionary-encoded columns stay so), and the
// kinds, roles, measurement and precision are those its schema metadata
// records (SchemaFromArrow), so that a frame written by WriteArrow reads
// back as it was. mem nil means memory.DefaultAllocator.
func ReadArrowFile(path string, mem memory.Allocator) (*Frame, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("frame: %w", err)
	}
	defer fh.Close()
	rd, err := openIPC(fh, path, mem)
	if err != nil {
		return nil, err
	}
	defer rd.Release()
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for rd.Next() {
		rec := rd.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := rd.Err(); err != nil {
		return nil, wrapArrowErr(path, err)
	}
	return New(SchemaFromArrow(rd.Schema()), recs...)
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
