package frame

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

var (
	_ ChunkReader        = (*ParquetReader)(nil)
	_ array.RecordReader = (*ParquetReader)(nil)
)

// ParquetOptions configure a ParquetReader. The zero value reads records of
// DefaultChunkSize rows.
type ParquetOptions struct {
	// BatchSize is the number of rows per record (default DefaultChunkSize).
	BatchSize int
	// Allocator for the records (default memory.DefaultAllocator). Page
	// buffers, which the parquet library pools and frees by finalizer,
	// always come from Go's heap.
	Allocator memory.Allocator
}

// ParquetReader reads a Parquet file into records of ParquetOptions.BatchSize
// rows, typed from the file's own schema (the Arrow schema stored in the
// file when there is one, as pandas/pyarrow and influxframe write it). It
// converts the columns the transform stage cannot take as ArrowReader does:
// dictionary (category) columns are decoded, date32 becomes timestamp[ns,
// UTC], decimals become float64, large and binary strings become String,
// nested columns become JSON text. It satisfies ChunkReader and
// array.RecordReader.
//
// Parquet needs random access: the input is an io.ReaderAt and io.Seeker,
// such as an *os.File. A caller holding a stream (stdin, a URL, a .gz file)
// spools it to a temporary file first, as Open does.
type ParquetReader struct {
	convReader
	total int64 // rows the file's metadata promises
}

// NewParquetReader opens the Parquet file f and returns a reader of its
// records. name is used in errors. The reader does not close f.
func NewParquetReader(f parquet.ReaderAtSeeker, name string, opts ParquetOptions) (pr *ParquetReader, err error) {
	// arrow v15 panics on some corrupt footers (a schema it cannot build,
	// negative child counts, unknown logical types): see Next.
	defer func() {
		if p := recover(); p != nil {
			pr, err = nil, &ParseError{File: name, Err: fmt.Errorf("%w: Parquet footer: %v", ErrCorrupt, p)}
		}
	}()
	return newParquetReader(f, name, opts)
}

func newParquetReader(f parquet.ReaderAtSeeker, name string, opts ParquetOptions) (*ParquetReader, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultChunkSize
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("reading Parquet: %w", err)}
	}
	pf, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("reading Parquet: %w", err)}
	}
	if err := checkParquetMeta(pf.MetaData(), size); err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	if err := checkStoredSchema(pf.MetaData()); err != nil {
		return nil, wrapArrowErr(name, fmt.Errorf("the Arrow schema stored in the Parquet file: %w", err))
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(opts.BatchSize)}, mem)
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("reading Parquet: %w", err)}
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("reading Parquet: %w", err)}
	}
	schema, convs, err := planImport(rr.Schema(), name)
	if err != nil {
		rr.Release()
		return nil, err
	}
	pr := &ParquetReader{convReader: newConvReader(name, mem, rr, schema, convs), total: pf.NumRows()}
	pr.refs.Store(1)
	return pr, nil
}

// Next reads the next batch of rows. It returns false at the end of the
// file or on error; Err tells which.
func (r *ParquetReader) Next() (ok bool) {
	// arrow v15's Parquet decoders panic on some corrupt pages (bad RLE
	// or bit-packed runs, snappy errors, page headers without their
	// sub-header) in this goroutine. No input may crash the program, and
	// those checks live deep in the library: turn such a panic into an
	// error naming the file.
	defer func() {
		if p := recover(); p != nil {
			r.err = &ParseError{File: r.name, Err: fmt.Errorf("%w: Parquet decoder failed: %v", ErrCorrupt, p)}
			ok = false
		}
	}()
	ok, ended := r.next()
	if !ended {
		return ok
	}
	// The record reader reports the end of the file as io.EOF.
	if err := r.src.Err(); err != nil && !errors.Is(err, io.EOF) {
		r.err = &ParseError{File: r.name, Err: fmt.Errorf("reading Parquet: %w", err)}
		return false
	}
	if r.rows != r.total {
		r.err = &ParseError{File: r.name, Err: fmt.Errorf("%w: read %d rows of the %d the Parquet metadata promises", ErrCorrupt, r.rows, r.total)}
	}
	return false
}

// checkParquetMeta checks what the parquet library trusts in a file's
// metadata before it reads a page: a missing column chunk description makes
// it dereference nil (in a goroutine of its own, where nothing can catch
// it), and a column chunk's claimed size is allocated before it is read.
func checkParquetMeta(md *metadata.FileMetaData, size int64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: Parquet metadata: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if md.NumRows < 0 {
		return bad("%d rows", md.NumRows)
	}
	ncols := md.Schema.NumColumns()
	rows := int64(0)
	for i, rg := range md.RowGroups {
		if rg == nil {
			return bad("row group %d missing", i)
		}
		if rg.NumRows < 0 {
			return bad("row group %d has %d rows", i, rg.NumRows)
		}
		rows += rg.NumRows
		if len(rg.Columns) != ncols {
			return bad("row group %d has %d column chunks for %d columns", i, len(rg.Columns), ncols)
		}
		for j, cc := range rg.Columns {
			if cc == nil || cc.MetaData == nil {
				return bad("row group %d column %d has no metadata", i, j)
			}
			if cc.CryptoMetadata != nil || len(cc.EncryptedColumnMetadata) > 0 {
				return fmt.Errorf("%w: encrypted Parquet columns", ErrUnsupportedType)
			}
			m := cc.MetaData
			if parquet.Type(m.Type) != md.Schema.Column(j).PhysicalType() {
				return bad("row group %d column %d is %s, the schema says %s", i, j, parquet.Type(m.Type), md.Schema.Column(j).PhysicalType())
			}
			start := m.DataPageOffset
			if m.DictionaryPageOffset != nil && *m.DictionaryPageOffset > 0 && *m.DictionaryPageOffset < start {
				start = *m.DictionaryPageOffset
			}
			if m.NumValues < 0 || start < 0 || m.TotalCompressedSize < 0 || m.TotalUncompressedSize < 0 ||
				start > size || m.TotalCompressedSize > size-start {
				return bad("row group %d column %d: %d values, %d bytes at %d in a file of %d",
					i, j, m.NumValues, m.TotalCompressedSize, start, size)
			}
		}
	}
	if rows != md.NumRows {
		return bad("row groups hold %d rows, the file %d", rows, md.NumRows)
	}
	return nil
}

// checkStoredSchema runs the Arrow schema that Arrow writers store in a
// Parquet file (an IPC schema message, base64) through the same checks as
// IPC input: pqarrow decodes it with the arrow library's unchecked
// flatbuffer code, where a corrupt count is allocated before it is read.
func checkStoredSchema(md *metadata.FileMetaData) error {
	v := md.KeyValueMetadata().FindValue("ARROW:schema")
	if v == nil {
		return nil
	}
	// As pqarrow decodes it.
	var (
		decoded []byte
		err     error
	)
	if len(*v)%4 == 0 {
		decoded, err = base64.StdEncoding.DecodeString(*v)
	}
	if len(decoded) == 0 || err != nil {
		decoded, err = base64.RawStdEncoding.DecodeString(*v)
	}
	if err != nil {
		return nil // pqarrow reports it
	}
	m := newIPCMessages(bytes.NewReader(decoded), false)
	defer m.Release()
	msg, err := m.Message()
	if err != nil {
		return err
	}
	if msg.Type() != ipc.MessageSchema {
		return fmt.Errorf("%w: %s message instead of a schema", ErrCorrupt, msg.Type())
	}
	return nil
}
