package frame

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/internal/arrowcheck"
)

// Sentinel causes of the typed readers' errors.
var (
	// ErrUnsupportedType is the cause of an error about data that the
	// typed readers do not import: a column of a union, run-end encoded or
	// view type, a dictionary of nested values, a dictionary-encoded field
	// inside a nested one; big-endian Arrow data; encrypted Parquet.
	ErrUnsupportedType = errors.New("unsupported column type")
	// ErrCorrupt is the cause of an error about Arrow IPC or Parquet data
	// that is truncated or inconsistent.
	ErrCorrupt = errors.New("corrupt or truncated data")
)

// ArrowOptions configure an ArrowReader.
type ArrowOptions struct {
	// Allocator for the records (default memory.DefaultAllocator).
	Allocator memory.Allocator
}

// ArrowReader reads an Arrow IPC file (.arrow, .feather v2) or stream
// (.arrows) one record batch at a time, typed from the file's own schema:
// its records are the input's record batches (empty ones skipped). It
// satisfies ChunkReader and array.RecordReader.
//
// Columns keep their Arrow types, except those the transform stage cannot
// take, which are converted as each record is read: dictionary-encoded
// columns are decoded (string dictionaries to plain String columns),
// large_string, binary and large_binary become String, date32 and date64
// become timestamp[ns, UTC], float16 becomes float32, decimals become
// float64, nested columns (lists, structs, maps) become JSON text and
// extension columns their storage. Union, run-end encoded and view types
// are refused with an ErrUnsupportedType error naming the column.
//
// Every message is checked before the arrow library decodes it: the
// flatbuffer metadata lies within its bytes, buffers lie within the body
// without overlapping and are as large as their field nodes need, offsets
// do not decrease nor point past their data, dictionary indices lie within
// their dictionary, compressed buffers really decompress to the size they
// claim, and a batch may not claim more than 8 values per body byte (plus
// 65536) that no buffer holds, such as rows of the null type. Corrupt
// input is thus a *ParseError wrapping ErrCorrupt, never a panic nor an
// allocation much larger than the input.
type ArrowReader struct {
	convReader
}

// arrowMagic starts and ends an Arrow IPC file.
const arrowMagic = "ARROW1"

// NewArrowReader returns a reader of the Arrow IPC data in r. Content that
// starts with the "ARROW1" magic is read as an IPC file, anything else as
// an IPC stream. Either way it is read sequentially, a record batch at a
// time, so r need not be seekable: an IPC file is a stream followed by a
// footer, and the footer is only checked to be there (when r is an
// io.ReaderAt and io.Seeker, before the first record; otherwise at the end).
// name is used in errors. The reader does not close r.
func NewArrowReader(r io.Reader, name string, opts ArrowOptions) (*ArrowReader, error) {
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	rd, err := openIPC(r, name, mem)
	if err != nil {
		return nil, err
	}
	schema, convs, err := planImport(rd.Schema(), name)
	if err != nil {
		rd.Release()
		return nil, err
	}
	ar := &ArrowReader{newConvReader(name, mem, rd, schema, convs)}
	ar.refs.Store(1)
	return ar, nil
}

// openIPC returns an arrow IPC reader of the file or stream in r whose
// every message is checked by arrowcheck; its records are as the input
// has them. Errors are *ParseError values naming name.
func openIPC(r io.Reader, name string, mem memory.Allocator) (*ipc.Reader, error) {
	if err := checkArrowFooter(r); err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8)
	file := bytes.HasPrefix(head, []byte(arrowMagic))
	if file {
		if _, err := br.Discard(8); err != nil {
			return nil, &ParseError{File: name, Err: fmt.Errorf("%w: Arrow file header: %w", ErrCorrupt, io.ErrUnexpectedEOF)}
		}
	}
	msgs := newIPCMessages(br, file)
	rd, err := ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(mem))
	if err != nil {
		msgs.Release()
		return nil, wrapArrowErr(name, err)
	}
	return rd, nil
}

// ipcMessages is arrowcheck's checked reader of IPC messages, its errors
// restated in frame's terms: ErrCorrupt, ErrUnsupportedType, columnError.
type ipcMessages struct {
	*arrowcheck.MessageReader
}

// newIPCMessages returns a checked reader of the IPC stream in r; file
// tells that r holds the stream of an IPC file past its leading magic.
func newIPCMessages(r io.Reader, file bool) *ipcMessages {
	return &ipcMessages{arrowcheck.NewMessageReader(r, file)}
}

// Message returns the next message, checked; io.EOF at the end of the
// stream. It is valid until the next call.
func (m *ipcMessages) Message() (*ipc.Message, error) {
	msg, err := m.MessageReader.Message()
	return msg, fromCheck(err)
}

// fromCheck restates an error of arrowcheck with frame's sentinel causes
// (keeping its text); other errors, io.EOF among them, are returned as
// they are.
func fromCheck(err error) error {
	var ce *arrowcheck.ColumnError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return &columnError{col: ce.Column, name: ce.Name, err: fromCheck(ce.Err)}
	case errors.Is(err, arrowcheck.ErrCorrupt):
		return &checkError{cause: ErrCorrupt, err: err}
	case errors.Is(err, arrowcheck.ErrUnsupported):
		return &checkError{cause: ErrUnsupportedType, err: err}
	}
	return err
}

// checkError is an error of arrowcheck that also wraps frame's matching
// sentinel cause. The sentinels of both packages have the same text.
type checkError struct{ cause, err error }

func (e *checkError) Error() string   { return e.err.Error() }
func (e *checkError) Unwrap() []error { return []error{e.cause, e.err} }

// checkArrowFooter looks for the closing magic of an IPC file when r can
// be read at random, so that a truncated file fails before its first
// record. It leaves r's position unchanged.
func checkArrowFooter(r io.Reader) error {
	ra, ok1 := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok1 || !ok2 {
		return nil
	}
	pos, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil // a pipe behind an *os.File: read as a stream
	}
	var head [6]byte
	if n, _ := ra.ReadAt(head[:], pos); n < len(head) || string(head[:]) != arrowMagic {
		return nil
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if _, err2 := sk.Seek(pos, io.SeekStart); err == nil {
		err = err2
	}
	if err != nil {
		return fmt.Errorf("reading Arrow file: %w", err)
	}
	var tail [6]byte
	if end-pos < 8+10 {
		return fmt.Errorf("%w: Arrow file of %d bytes has no footer", ErrCorrupt, end-pos)
	}
	if n, _ := ra.ReadAt(tail[:], end-6); n < len(tail) || string(tail[:]) != arrowMagic {
		return fmt.Errorf("%w: Arrow file does not end with its footer (truncated?)", ErrCorrupt)
	}
	return nil
}

// wrapArrowErr turns an error met while reading IPC data into a
// *ParseError, with the column when the message checks named one.
func wrapArrowErr(name string, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe
	}
	var ce *columnError
	if errors.As(err, &ce) {
		return &ParseError{File: name, Column: ce.col + 1, ColumnName: ce.name, Err: ce.err}
	}
	return &ParseError{File: name, Err: fmt.Errorf("reading Arrow IPC: %w", err)}
}

// Next reads the next record batch, skipping empty ones. It returns false at
// the end of the input or on error; Err tells which.
func (r *ArrowReader) Next() bool {
	ok, ended := r.next()
	if ended {
		if err := r.src.Err(); err != nil {
			r.err = wrapArrowErr(r.name, err)
		}
	}
	return ok
}
