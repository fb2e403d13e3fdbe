package frame

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// ChunkReader is what the import pipeline reads: an iterator of records.
type ChunkReader interface {
	FrameSchema() *Schema // kinds from the Arrow types (SchemaFromArrow), roles none
	Next() bool
	Record() arrow.Record // valid until the next Next or Release
	Lines() []int64       // source line per row, or nil when the format has no lines
	Err() error
	Release()
}

var (
	_ ChunkReader        = (*CSVReader)(nil)
	_ ChunkReader        = (*ArrowReader)(nil)
	_ array.RecordReader = (*ArrowReader)(nil)
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
	name   string
	mem    memory.Allocator
	rd     *ipc.Reader
	schema *Schema
	convs  []columnConv
	cur    arrow.Record
	rows   int64
	err    error
	done   bool
	refs   atomic.Int64
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
	schema, convs, err := planImport(rd.Schema(), name)
	if err != nil {
		rd.Release()
		return nil, err
	}
	ar := &ArrowReader{name: name, mem: mem, rd: rd, schema: schema, convs: convs}
	ar.refs.Store(1)
	return ar, nil
}

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

// FrameSchema returns the frame schema of the records: kinds from the Arrow
// types (or the influxframe kind metadata of a file influxframe wrote, where
// it fits the type), roles none.
func (r *ArrowReader) FrameSchema() *Schema { return r.schema }

// Schema returns the Arrow schema of the records Next yields.
func (r *ArrowReader) Schema() *arrow.Schema { return r.schema.Arrow() }

// Name returns the input's name as given to NewArrowReader.
func (r *ArrowReader) Name() string { return r.name }

// Next reads the next record batch, skipping empty ones. It returns false at
// the end of the input or on error; Err tells which.
func (r *ArrowReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done || r.err != nil {
		return false
	}
	for r.rd.Next() {
		rec := r.rd.Record()
		if rec.NumRows() == 0 {
			continue
		}
		out, err := convertRecord(r.mem, r.name, r.schema, r.convs, rec)
		if err != nil {
			r.err = err
			return false
		}
		r.rows += out.NumRows()
		r.cur = out
		return true
	}
	r.done = true
	if err := r.rd.Err(); err != nil {
		r.err = wrapArrowErr(r.name, err)
	}
	return false
}

// Record returns the current record. It is valid until the next call to
// Next or Release; Retain it to keep it longer.
func (r *ArrowReader) Record() arrow.Record { return r.cur }

// Lines returns nil: Arrow data has no lines.
func (r *ArrowReader) Lines() []int64 { return nil }

// Rows returns the number of rows read so far.
func (r *ArrowReader) Rows() int64 { return r.rows }

// Err returns the error that stopped Next, if any: a *ParseError.
func (r *ArrowReader) Err() error { return r.err }

// Retain adds a reference to the reader.
func (r *ArrowReader) Retain() { r.refs.Add(1) }

// Release drops a reference; the last one frees the current record and
// what the reader holds. It does not close the input.
func (r *ArrowReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.rd != nil {
		r.rd.Release()
		r.rd = nil
	}
}

// OpenChunkReader opens an input by name, as Open does ("-" is stdin, an
// http(s) URL is fetched, .gz is decompressed), and returns the reader its
// format needs, chosen by the name's extension with any .gz and URL query
// left out: .arrow and .feather (Arrow IPC file), .arrows (Arrow IPC
// stream), .parquet; anything else is CSV, read with NewCSVReader and opts.
// Standard input has no extension: it is sniffed, Arrow and Parquet by their
// magic bytes, CSV otherwise.
//
// Arrow inputs are read as they arrive. Parquet needs random access, so a
// Parquet input that is not a seekable file (stdin, a URL, a .gz) is first
// spooled to a temporary file in opts.TempDir. The records of Arrow inputs
// are the file's own record batches; Parquet ones have opts.ChunkSize rows.
//
// The returned function closes what OpenChunkReader opened and removes the
// spool file; call it after releasing the reader.
func OpenChunkReader(ctx context.Context, name string, stdin io.Reader, opts CSVOptions) (ChunkReader, func() error, error) {
	format := inputFormat(name)
	src, err := Open(ctx, name, stdin)
	if err != nil {
		return nil, nil, err
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
			return nil, nil, err
		}
		return r, src.Close, nil
	case FormatParquet:
		f, cleanup, err := seekableInput(in, name, opts.TempDir)
		if err != nil {
			src.Close()
			return nil, nil, err
		}
		closeAll := func() error { return errors.Join(cleanup(), src.Close()) }
		r, err := NewParquetReader(f, name, ParquetOptions{BatchSize: opts.ChunkSize, Allocator: opts.Allocator})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		return r, closeAll, nil
	default:
		r, err := NewCSVReader(in, name, opts)
		if err != nil {
			src.Close()
			return nil, nil, err
		}
		return r, src.Close, nil
	}
}

// inputFormat returns the format an input name's extension names, leaving
// out a URL's query and fragment and a .gz suffix; FormatCSV for any other.
func inputFormat(name string) string {
	if strings.Contains(name, "://") {
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	lower := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if f := FormatOfPath(lower); f != "" {
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

// --- Column conversion, shared with ParquetReader ---

// columnConv converts a column of a source record to the type the frame
// schema has for it. The result is a new array that the caller releases.
type columnConv func(mem memory.Allocator, arr arrow.Array) (arrow.Array, error)

// columnError is an error about one column, met where the file name is
// not known.
type columnError struct {
	col  int
	name string
	err  error
}

func (e *columnError) Error() string {
	return fmt.Sprintf("column %d (%s): %v", e.col+1, e.name, e.err)
}
func (e *columnError) Unwrap() error { return e.err }

var tsNanoUTC = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

// planImport decides, for each field of a source schema, the Arrow type the
// frame column gets and the conversion that produces it (nil when the
// column passes through), and builds the frame schema. Kinds come from the
// types; a String column keeps the influxframe kind recorded in its
// metadata (time, text, mixed or null, as a frame read from CSV has them);
// roles are none. Duplicate names are errors; empty names become
// "Unnamed: i" as in CSV headers.
func planImport(as *arrow.Schema, name string) (*Schema, []columnConv, error) {
	if !as.IsNativeEndian() {
		return nil, nil, &ParseError{File: name, Err: fmt.Errorf("%w: big-endian Arrow data", ErrUnsupportedType)}
	}
	fields := make([]arrow.Field, as.NumFields())
	convs := make([]columnConv, as.NumFields())
	seen := make(map[string]int, as.NumFields())
	for i, f := range as.Fields() {
		if f.Name == "" {
			f.Name = "Unnamed: " + strconv.Itoa(i)
		}
		if j, dup := seen[f.Name]; dup {
			return nil, nil, &ParseError{File: name, Column: i + 1, ColumnName: f.Name,
				Err: fmt.Errorf("%w (also column %d)", ErrDupColumn, j+1)}
		}
		seen[f.Name] = i
		t, conv, err := importType(f.Type, i, f.Name)
		if err != nil {
			return nil, nil, &ParseError{File: name, Column: i + 1, ColumnName: f.Name, Err: err}
		}
		f.Type = t
		f.Nullable = true
		fields[i] = f
		convs[i] = conv
	}
	md := as.Metadata()
	s := SchemaFromArrow(arrow.NewSchema(fields, &md))
	cols := s.Columns
	for i := range cols {
		byType := KindOfType(fields[i].Type)
		switch k := cols[i].Kind; {
		case fields[i].Type.ID() == arrow.STRING && (k == KindTime || k == KindMixed || k == KindNull || k == KindText):
		default:
			cols[i].Kind = byType
		}
		cols[i].Role = RoleNone
	}
	out, err := NewSchema(cols, s.Measurement, s.Arrow())
	if err != nil {
		return nil, nil, &ParseError{File: name, Err: err}
	}
	return out, convs, nil
}

// importType returns the frame type of a source column type and the
// conversion to it (nil: none needed). The frame types are those the
// transform stage takes: bool, integers, float32/64, String, timestamps;
// others that read well as text (time of day, durations, intervals,
// fixed-size binary) pass through.
func importType(t arrow.DataType, col int, name string) (arrow.DataType, columnConv, error) {
	switch t.ID() {
	case arrow.FLOAT16:
		return arrow.PrimitiveTypes.Float32, convFloat16, nil
	case arrow.DECIMAL128, arrow.DECIMAL256:
		return arrow.PrimitiveTypes.Float64, convDecimal, nil
	case arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return arrow.BinaryTypes.String, convBytesToString, nil
	case arrow.DATE32, arrow.DATE64:
		return tsNanoUTC, convDate(col, name), nil
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.MAP, arrow.STRUCT:
		return arrow.BinaryTypes.String, convNested, nil
	case arrow.EXTENSION:
		out, conv, err := importType(t.(arrow.ExtensionType).StorageType(), col, name)
		if err != nil {
			return nil, nil, err
		}
		return out, convStorage(conv), nil
	case arrow.DICTIONARY:
		dt := t.(*arrow.DictionaryType)
		switch vt := dt.ValueType; {
		case vt.ID() == arrow.STRING || vt.ID() == arrow.LARGE_STRING ||
			vt.ID() == arrow.BINARY || vt.ID() == arrow.LARGE_BINARY:
			return arrow.BinaryTypes.String, convDictBytes, nil
		case vt.ID() == arrow.BOOL:
			return vt, convDictBool, nil
		case isFixedBytes(vt):
			out, then, err := importType(vt, col, name)
			if err != nil {
				return nil, nil, err
			}
			return out, convDictFixed(then), nil
		default:
			return nil, nil, fmt.Errorf("%w: %s (dictionaries of %s values cannot be imported)", ErrUnsupportedType, t, vt)
		}
	case arrow.SPARSE_UNION, arrow.DENSE_UNION, arrow.RUN_END_ENCODED,
		arrow.STRING_VIEW, arrow.BINARY_VIEW, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		return nil, nil, fmt.Errorf("%w: %s", ErrUnsupportedType, t)
	}
	return t, nil, nil
}

// isFixedBytes reports whether values of t are whole fixed-width bytes that
// can be copied as they are.
func isFixedBytes(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BOOL, arrow.DICTIONARY, arrow.EXTENSION, arrow.NULL:
		return false
	}
	fw, ok := t.(arrow.FixedWidthDataType)
	return ok && fw.BitWidth() >= 8 && fw.BitWidth()%8 == 0
}

// convertRecord applies the column conversions to rec and returns a new
// record with the frame schema's Arrow form.
func convertRecord(mem memory.Allocator, name string, s *Schema, convs []columnConv, rec arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, c := range rec.Columns() {
		if convs[i] == nil {
			c.Retain()
			cols[i] = c
			continue
		}
		out, err := convs[i](mem, c)
		if err != nil {
			var ce *columnError
			if errors.As(err, &ce) {
				err = ce.err
			}
			return nil, &ParseError{File: name, Column: i + 1, ColumnName: s.Columns[i].Name, Err: err}
		}
		cols[i] = out
	}
	return array.NewRecord(s.Arrow(), cols, rec.NumRows()), nil
}

func convFloat16(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	a := arr.(*array.Float16)
	b := array.NewFloat32Builder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(a.Value(i).Float32())
		}
	}
	return b.NewArray(), nil
}

func convDecimal(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(arr.Len())
	switch a := arr.(type) {
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
			} else {
				b.UnsafeAppend(a.Value(i).ToFloat64(scale))
			}
		}
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
			} else {
				b.UnsafeAppend(a.Value(i).ToFloat64(scale))
			}
		}
	}
	return b.NewArray(), nil
}

// bytesAccessor returns a function giving the i-th value of a string or
// binary array as bytes, without copying.
func bytesAccessor(arr arrow.Array) func(i int) []byte {
	if arr.Len() == 0 {
		return func(int) []byte { return nil } // an empty array has no offsets to slice
	}
	switch a := arr.(type) {
	case *array.String:
		data, offs := a.ValueBytes(), a.ValueOffsets()
		return func(i int) []byte { return data[offs[i]-offs[0] : offs[i+1]-offs[0]] }
	case *array.LargeString:
		data, offs := a.ValueBytes(), a.ValueOffsets()
		return func(i int) []byte { return data[offs[i]-offs[0] : offs[i+1]-offs[0]] }
	case *array.Binary:
		return a.Value
	case *array.LargeBinary:
		return a.Value
	}
	return nil
}

func convBytesToString(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	at := bytesAccessor(arr)
	n := arr.Len()
	total := 0
	for i := 0; i < n; i++ {
		total += len(at(i))
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d bytes of text in one record batch do not fit a String column", ErrUnsupportedType, total)
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(total)
	for i := 0; i < n; i++ {
		if arr.IsNull(i) {
			b.AppendNull()
		} else {
			b.BinaryBuilder.Append(at(i))
		}
	}
	return b.NewArray(), nil
}

// Date limits of timestamp[ns]: days and milliseconds since the epoch.
const (
	maxNanoDays = math.MaxInt64 / int64(86400e9)
	maxNanoMs   = math.MaxInt64 / int64(1e6)
)

func convDate(col int, name string) columnConv {
	return func(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
		b := array.NewTimestampBuilder(mem, tsNanoUTC)
		defer b.Release()
		b.Reserve(arr.Len())
		var v, limit, mul int64
		for i := 0; i < arr.Len(); i++ {
			if arr.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			switch a := arr.(type) {
			case *array.Date32:
				v, limit, mul = int64(a.Value(i)), maxNanoDays, 86400e9
			case *array.Date64:
				v, limit, mul = int64(a.Value(i)), maxNanoMs, 1e6
			}
			if v > limit || v < -limit {
				return nil, &columnError{col: col, name: name, err: fmt.Errorf(
					"%w: date %s is outside the years 1677-2262 that nanosecond timestamps hold", ErrBadValue, arr.ValueStr(i))}
			}
			b.UnsafeAppend(arrow.Timestamp(v * mul))
		}
		return b.NewArray(), nil
	}
}

func convDictBytes(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	d := arr.(*array.Dictionary)
	dict := d.Dictionary()
	at := bytesAccessor(dict)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(d.Len())
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) {
			b.AppendNull()
			continue
		}
		j := d.GetValueIndex(i)
		if dict.IsNull(j) {
			b.AppendNull()
			continue
		}
		b.BinaryBuilder.Append(at(j))
	}
	return b.NewArray(), nil
}

func convDictBool(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	d := arr.(*array.Dictionary)
	dict := d.Dictionary().(*array.Boolean)
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.Reserve(d.Len())
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) || dict.IsNull(d.GetValueIndex(i)) {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		b.UnsafeAppend(dict.Value(d.GetValueIndex(i)))
	}
	return b.NewArray(), nil
}

// convDictFixed decodes a dictionary of fixed-width values by copying each
// value's bytes, then applies then (the value type's own conversion), if
// any.
func convDictFixed(then columnConv) columnConv {
	return func(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
		d := arr.(*array.Dictionary)
		dict := d.Dictionary()
		vt := dict.DataType()
		w := vt.(arrow.FixedWidthDataType).BitWidth() / 8
		var src []byte
		if bufs := dict.Data().Buffers(); len(bufs) > 1 && bufs[1] != nil {
			src = bufs[1].Bytes()[dict.Data().Offset()*w:]
		}
		n := d.Len()
		data := memory.NewResizableBuffer(mem)
		data.Resize(n * w)
		dst := data.Bytes()
		valid := memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := valid.Bytes()
		clear(bits)
		nulls := 0
		for i := 0; i < n; i++ {
			if d.IsNull(i) || dict.IsNull(d.GetValueIndex(i)) {
				nulls++
				continue
			}
			j := d.GetValueIndex(i)
			bitutil.SetBit(bits, i)
			copy(dst[i*w:(i+1)*w], src[j*w:(j+1)*w])
		}
		ad := array.NewData(vt, n, []*memory.Buffer{valid, data}, nil, nulls, 0)
		valid.Release()
		data.Release()
		out := array.MakeFromData(ad)
		ad.Release()
		if then == nil {
			return out, nil
		}
		defer out.Release()
		return then(mem, out)
	}
}

// convStorage converts an extension column through its storage.
func convStorage(then columnConv) columnConv {
	return func(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
		s := arr.(array.ExtensionArray).Storage()
		if then == nil {
			s.Retain()
			return s, nil
		}
		return then(mem, s)
	}
}

// convNested renders nested values (lists, structs, maps) as JSON text, so
// that they read as text whatever they hold. NaN and infinities are written
// NaN, +Inf and -Inf (as FormatFloat does; JSON has no spelling for them).
func convNested(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(arr.Len())
	var buf []byte
	for i := 0; i < arr.Len(); i++ {
		if arr.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = appendJSON(buf[:0], arr, i)
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray(), nil
}

// listLike is what lists, large lists, fixed-size lists and maps share.
type listLike interface {
	ValueOffsets(i int) (start, end int64)
	ListValues() arrow.Array
}

func appendJSON(buf []byte, arr arrow.Array, i int) []byte {
	if arr.IsNull(i) {
		return append(buf, "null"...)
	}
	switch a := arr.(type) {
	case listLike:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		buf = append(buf, '[')
		for j := start; j < end; j++ {
			if j > start {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, vals, int(j))
		}
		return append(buf, ']')
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		buf = append(buf, '{')
		for j := 0; j < a.NumField(); j++ {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, st.Field(j).Name)
			buf = append(buf, ':')
			buf = appendJSON(buf, a.Field(j), i)
		}
		return append(buf, '}')
	case *array.Dictionary:
		return appendJSON(buf, a.Dictionary(), a.GetValueIndex(i))
	case array.ExtensionArray:
		return appendJSON(buf, a.Storage(), i)
	case *array.String:
		return appendJSONString(buf, a.Value(i))
	case *array.LargeString:
		return appendJSONString(buf, a.Value(i))
	}
	switch arr.DataType().ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256:
		return append(buf, FormatValue(arr, i)...)
	}
	return appendJSONString(buf, FormatValue(arr, i))
}

func appendJSONString(buf []byte, s string) []byte {
	q, _ := json.Marshal(s) // cannot fail for a string
	return append(buf, q...)
}

// --- IPC message checks ---

// ipcMessages reads the messages of an Arrow IPC stream for ipc.Reader, and
// checks each one before handing it over: the flatbuffer metadata is
// verified (every table, vector and string the arrow library reads lies
// within the metadata), every buffer lies within the message body and is
// large enough for the lengths its field node claims, compressed buffers
// really decompress to the size they claim, and messages come in an order
// the reader handles. Lengths read from the input are trusted only as far
// as data actually arrives, so a corrupt length fails with an error instead
// of a huge allocation.
type ipcMessages struct {
	r    io.Reader
	file bool // the stream of an IPC file: a footer follows it
	refs atomic.Int64
	cur  *ipc.Message
	body []byte // reused: the arrow library copies buffers out of bodies
	done bool

	schema      bool
	fields      []*ipcField
	dictTypes   map[int64]*ipcField // dictionary id -> field with the value type
	dictSeen    map[int64]bool
	dictLen     map[int64]int64 // values in each dictionary so far
	dictsNeeded int
	dictMsgs    int
	zstd        *zstd.Decoder
	lz4         *lz4.Reader
}

// ipcField is the buffer layout of one field, as the arrow library's loader
// consumes field nodes and buffers.
type ipcField struct {
	col      int    // top-level column index
	name     string // top-level column name
	layout   ipcLayout
	width    int64 // bytes per value (layoutFixed), byte width or list size
	children []*ipcField
	dictID   int64
	index    int64 // bytes per dictionary index; 0 when not dictionary-encoded
	signed   bool  // dictionary indices are signed
}

type ipcLayout uint8

const (
	layoutNull      ipcLayout = iota
	layoutBool                // validity, bits
	layoutFixed               // validity, width bytes per value
	layoutBinary              // validity, int32 offsets, data
	layoutLarge               // validity, int64 offsets, data
	layoutFixedBin            // validity, width bytes per value, always read
	layoutList                // validity, int32 offsets, one child
	layoutLargeList           // validity, int64 offsets, one child
	layoutFixedList           // validity, one child of width values per list
	layoutStruct              // validity, children
)

// Flatbuffer type tags of the Arrow schema (Schema.fbs).
const (
	fbNull = iota + 1
	fbInt
	fbFloatingPoint
	fbBinary
	fbUtf8
	fbBool
	fbDecimal
	fbDate
	fbTime
	fbTimestamp
	fbInterval
	fbList
	fbStruct
	fbUnion
	fbFixedSizeBinary
	fbFixedSizeList
	fbMap
	fbDuration
	fbLargeBinary
	fbLargeUtf8
	fbLargeList
)

// Message header types.
const (
	msgSchema      = 1
	msgDictionary  = 2
	msgRecordBatch = 3
)

const (
	maxNesting    = 64      // depth of nested types, as the arrow library allows
	maxFields     = 1 << 17 // fields in a schema, nested ones included
	maxTables     = 1 << 20 // flatbuffer tables verified in one message
	freeValues    = 1 << 16 // values a batch may have with no bytes behind them
	maxBatchRows  = math.MaxInt32
	ipcContinue   = 0xFFFFFFFF
	metadataV4    = 3
	metadataV5    = 4
	codecLZ4Frame = 0
	codecZstd     = 1
)

func newIPCMessages(r io.Reader, file bool) *ipcMessages {
	m := &ipcMessages{r: r, file: file, dictTypes: map[int64]*ipcField{}, dictSeen: map[int64]bool{},
		dictLen: map[int64]int64{}}
	m.refs.Store(1)
	return m
}

// Retain adds a reference.
func (m *ipcMessages) Retain() { m.refs.Add(1) }

// Release drops a reference; the last one frees the current message.
func (m *ipcMessages) Release() {
	if m.refs.Add(-1) != 0 {
		return
	}
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.zstd != nil {
		m.zstd.Close()
		m.zstd = nil
	}
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// readFull reads n bytes into buf's storage, growing it only as the data
// arrives, so that a corrupt length costs at most about twice the input.
func readFull(r io.Reader, buf []byte, n int64) ([]byte, error) {
	if n < 0 {
		return nil, corrupt("negative length %d", n)
	}
	if n <= int64(cap(buf)) {
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpected(err)
		}
		return buf, nil
	}
	buf = buf[:0]
	for int64(len(buf)) < n {
		step := max(int64(len(buf)), 1<<20)
		step = min(step, n-int64(len(buf)))
		old := len(buf)
		buf = append(buf, make([]byte, step)...)
		if _, err := io.ReadFull(r, buf[old:]); err != nil {
			return nil, unexpected(err)
		}
	}
	return buf, nil
}

// unexpected turns an end of input inside a message into an error that
// does not pass for the clean end of the stream.
func unexpected(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("input ends inside a message")
	}
	return err
}

// Message returns the next message, checked; io.EOF at the end of the
// stream. It is valid until the next call.
func (m *ipcMessages) Message() (*ipc.Message, error) {
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.done {
		return nil, io.EOF
	}
	meta, err := m.readMetadata()
	if err != nil {
		return nil, err
	}
	if meta == nil {
		m.done = true
		return nil, io.EOF
	}
	v := &fbVerifier{b: meta}
	msg, err := v.root()
	if err != nil {
		return nil, err
	}
	version, err := msg.i16(0, 0)
	if err != nil {
		return nil, err
	}
	htype, err := msg.u8(1)
	if err != nil {
		return nil, err
	}
	bodyLen, err := msg.i64(3, 0)
	if err != nil {
		return nil, err
	}
	if err := v.keyValues(msg, 4); err != nil {
		return nil, err
	}
	if version != metadataV4 && version != metadataV5 {
		return nil, corrupt("IPC metadata version %d is not supported (V4 or V5)", int(version)+1)
	}
	hdr, ok, err := msg.table(2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, corrupt("message without header")
	}
	if bodyLen < 0 {
		return nil, corrupt("negative body length %d", bodyLen)
	}
	m.body, err = readFull(m.r, m.body, bodyLen)
	if err != nil {
		return nil, err
	}
	switch htype {
	case msgSchema:
		if m.schema {
			return nil, corrupt("a second schema in the stream")
		}
		if err := m.readSchema(v, hdr); err != nil {
			return nil, err
		}
		m.schema = true
	case msgDictionary:
		if !m.schema {
			return nil, corrupt("dictionary before the schema")
		}
		if err := m.checkDictionary(v, hdr); err != nil {
			return nil, err
		}
	case msgRecordBatch:
		if !m.schema {
			return nil, corrupt("record batch before the schema")
		}
		if m.dictMsgs < m.dictsNeeded {
			return nil, corrupt("record batch before the %d dictionaries the schema needs", m.dictsNeeded)
		}
		for id := range m.dictTypes {
			if !m.dictSeen[id] {
				return nil, corrupt("record batch before dictionary %d", id)
			}
		}
		if _, err := m.checkBatch(v, hdr, m.fields, false); err != nil {
			return nil, err
		}
	default:
		return nil, corrupt("unsupported IPC message type %d", htype)
	}
	mb := memory.NewBufferBytes(meta)
	bb := memory.NewBufferBytes(m.body)
	m.cur = ipc.NewMessage(mb, bb)
	mb.Release()
	bb.Release()
	return m.cur, nil
}

// readMetadata reads a message's framing and metadata; nil at the end of
// the stream.
func (m *ipcMessages) readMetadata() ([]byte, error) {
	var hdr [4]byte
	n, err := io.ReadFull(m.r, hdr[:])
	if n == 0 && err == io.EOF {
		if m.file {
			return nil, corrupt("Arrow file ends without its footer (truncated?)")
		}
		return nil, nil // a stream may end without an end-of-stream marker
	}
	if err != nil {
		return nil, unexpected(err)
	}
	size := binary.LittleEndian.Uint32(hdr[:])
	switch {
	case size == ipcContinue:
		if _, err := io.ReadFull(m.r, hdr[:]); err != nil {
			return nil, unexpected(err)
		}
		size = binary.LittleEndian.Uint32(hdr[:])
	case m.file && size != 0:
		// Files from writers that skip the end-of-stream marker go
		// straight on to the footer.
		return nil, m.checkFooter(hdr[:])
	}
	if size == 0 {
		if m.file {
			return nil, m.checkFooter(nil)
		}
		return nil, nil
	}
	if int32(size) < 0 {
		return nil, corrupt("message metadata length %d", int32(size))
	}
	return readFull(m.r, nil, int64(size))
}

// checkFooter reads the rest of an IPC file, which must be its footer: the
// footer flatbuffer, its length and the closing magic. seen holds footer
// bytes already read.
func (m *ipcMessages) checkFooter(seen []byte) error {
	tail := append([]byte(nil), seen...)
	total := int64(len(seen))
	buf := make([]byte, 32<<10)
	for {
		n, err := m.r.Read(buf)
		total += int64(n)
		tail = append(tail, buf[:n]...)
		if len(tail) > 10 {
			tail = append(tail[:0], tail[len(tail)-10:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(tail) < 10 || string(tail[4:]) != arrowMagic {
		return corrupt("Arrow file does not end with its footer (truncated?)")
	}
	if size := int64(binary.LittleEndian.Uint32(tail[:4])); size <= 0 || size+10 > total {
		return corrupt("Arrow file footer length %d does not fit the %d bytes after the data", size, total)
	}
	m.done = true
	return nil
}

// readSchema verifies a Schema message and records the layout of every
// field.
func (m *ipcMessages) readSchema(v *fbVerifier, s fbTable) error {
	endian, err := s.i16(0, 0)
	if err != nil {
		return err
	}
	if endian != 0 {
		// The checks below read offsets and indices as little-endian.
		return fmt.Errorf("%w: big-endian Arrow data", ErrUnsupportedType)
	}
	if err := v.keyValues(s, 2); err != nil {
		return err
	}
	if _, _, _, err := s.vector(3, 8); err != nil {
		return err
	}
	start, n, _, err := s.vector(1, 4)
	if err != nil {
		return err
	}
	m.fields = make([]*ipcField, n)
	nfields := 0
	for i := 0; i < n; i++ {
		ft, err := v.tableAt(start, i)
		if err != nil {
			return err
		}
		name, _, err := ft.str(0)
		if err != nil {
			return err
		}
		f, err := m.readField(v, ft, i, name, 0, &nfields)
		if err != nil {
			return err
		}
		m.fields[i] = f
	}
	return nil
}

// readField verifies a Field table and returns its layout.
func (m *ipcMessages) readField(v *fbVerifier, t fbTable, col int, colName string, depth int, nfields *int) (*ipcField, error) {
	colErr := func(format string, args ...any) error {
		return &columnError{col: col, name: colName, err: fmt.Errorf(format, args...)}
	}
	if depth > maxNesting {
		return nil, colErr("%w: types nested more than %d deep", ErrCorrupt, maxNesting)
	}
	if *nfields++; *nfields > maxFields {
		return nil, corrupt("more than %d fields", maxFields)
	}
	if _, _, err := t.str(0); err != nil {
		return nil, err
	}
	if _, err := t.u8(1); err != nil {
		return nil, err
	}
	tag, err := t.u8(2)
	if err != nil {
		return nil, err
	}
	typ, ok, err := t.table(3)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, colErr("%w: field without a type", ErrCorrupt)
	}
	if err := v.keyValues(t, 6); err != nil {
		return nil, err
	}
	f := &ipcField{col: col, name: colName}
	if enc, ok, err := t.table(4); err != nil {
		return nil, err
	} else if ok {
		if depth > 0 {
			return nil, colErr("%w: dictionary-encoded nested field", ErrUnsupportedType)
		}
		if f.dictID, err = enc.i64(0, 0); err != nil {
			return nil, err
		}
		it, ok, err := enc.table(1)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, colErr("%w: dictionary without an index type", ErrCorrupt)
		}
		bw, err := it.i32(0, 0)
		if err != nil {
			return nil, err
		}
		signed, err := it.u8(1)
		if err != nil {
			return nil, err
		}
		if bw != 8 && bw != 16 && bw != 32 && bw != 64 {
			return nil, colErr("%w: dictionary index of %d bits", ErrCorrupt, bw)
		}
		f.signed = signed != 0
		if _, err := enc.u8(2); err != nil {
			return nil, err
		}
		if _, err := enc.i16(3, 0); err != nil {
			return nil, err
		}
		if _, dup := m.dictTypes[f.dictID]; dup {
			return nil, colErr("%w: dictionary id %d used twice", ErrUnsupportedType, f.dictID)
		}
		f.index = int64(bw / 8)
		m.dictTypes[f.dictID] = f
		m.dictsNeeded++
	}
	cstart, nchildren, _, err := t.vector(5, 4)
	if err != nil {
		return nil, err
	}
	for i := 0; i < nchildren; i++ {
		ct, err := v.tableAt(cstart, i)
		if err != nil {
			return nil, err
		}
		c, err := m.readField(v, ct, col, colName, depth+1, nfields)
		if err != nil {
			return nil, err
		}
		f.children = append(f.children, c)
	}
	wantChildren := -1
	switch tag {
	case fbNull:
		f.layout = layoutNull
	case fbBool:
		f.layout = layoutBool
	case fbInt:
		bw, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if _, err := typ.u8(1); err != nil {
			return nil, err
		}
		if bw != 8 && bw != 16 && bw != 32 && bw != 64 {
			return nil, colErr("%w: integer of %d bits", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbFloatingPoint:
		p, err := typ.i16(0, 0)
		if err != nil {
			return nil, err
		}
		if p < 0 || p > 2 {
			return nil, colErr("%w: floating point precision %d", ErrCorrupt, p)
		}
		f.layout, f.width = layoutFixed, 2<<p
	case fbDecimal:
		if _, err := typ.i32(0, 0); err != nil {
			return nil, err
		}
		if _, err := typ.i32(1, 0); err != nil {
			return nil, err
		}
		bw, err := typ.i32(2, 128)
		if err != nil {
			return nil, err
		}
		if bw != 128 && bw != 256 {
			return nil, colErr("%w: decimal of %d bits", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbDate:
		u, err := typ.i16(0, 1)
		if err != nil {
			return nil, err
		}
		if u != 0 && u != 1 {
			return nil, colErr("%w: date unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, 4<<u
	case fbTime:
		u, err := typ.i16(0, 1)
		if err != nil {
			return nil, err
		}
		bw, err := typ.i32(1, 32)
		if err != nil {
			return nil, err
		}
		if !(bw == 32 && (u == 0 || u == 1) || bw == 64 && (u == 2 || u == 3)) {
			return nil, colErr("%w: time of %d bits with unit %d", ErrCorrupt, bw, u)
		}
		f.layout, f.width = layoutFixed, int64(bw/8)
	case fbTimestamp, fbDuration:
		def := int16(0)
		if tag == fbDuration {
			def = 1
		}
		u, err := typ.i16(0, def)
		if err != nil {
			return nil, err
		}
		if tag == fbTimestamp {
			if _, _, err := typ.str(1); err != nil {
				return nil, err
			}
		}
		if u < 0 || u > 3 {
			return nil, colErr("%w: time unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, 8
	case fbInterval:
		u, err := typ.i16(0, 0)
		if err != nil {
			return nil, err
		}
		if u < 0 || u > 2 {
			return nil, colErr("%w: interval unit %d", ErrCorrupt, u)
		}
		f.layout, f.width = layoutFixed, []int64{4, 8, 16}[u]
	case fbBinary, fbUtf8:
		f.layout = layoutBinary
	case fbLargeBinary, fbLargeUtf8:
		f.layout = layoutLarge
	case fbFixedSizeBinary:
		bw, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if bw <= 0 {
			return nil, colErr("%w: fixed-size binary of width %d", ErrCorrupt, bw)
		}
		f.layout, f.width = layoutFixedBin, int64(bw)
	case fbList, fbMap:
		if tag == fbMap {
			if _, err := typ.u8(0); err != nil {
				return nil, err
			}
		}
		f.layout, wantChildren = layoutList, 1
	case fbLargeList:
		f.layout, wantChildren = layoutLargeList, 1
	case fbFixedSizeList:
		size, err := typ.i32(0, 0)
		if err != nil {
			return nil, err
		}
		if size < 0 {
			return nil, colErr("%w: fixed-size list of size %d", ErrCorrupt, size)
		}
		f.layout, f.width, wantChildren = layoutFixedList, int64(size), 1
	case fbStruct:
		f.layout = layoutStruct
	case fbUnion:
		return nil, colErr("%w: union", ErrUnsupportedType)
	case 22:
		return nil, colErr("%w: run-end encoded", ErrUnsupportedType)
	case 23, 24:
		return nil, colErr("%w: binary or string view", ErrUnsupportedType)
	case 25, 26:
		return nil, colErr("%w: list view", ErrUnsupportedType)
	default:
		return nil, colErr("%w: unknown type tag %d", ErrCorrupt, tag)
	}
	if wantChildren >= 0 && len(f.children) != wantChildren {
		return nil, colErr("%w: type with %d children instead of %d", ErrCorrupt, len(f.children), wantChildren)
	}
	if tag == fbMap && (f.children[0].layout != layoutStruct || len(f.children[0].children) != 2) {
		return nil, colErr("%w: map entries that are not key-value structs", ErrCorrupt)
	}
	if f.layout != layoutStruct && f.layout != layoutList && f.layout != layoutLargeList &&
		f.layout != layoutFixedList && len(f.children) != 0 {
		return nil, colErr("%w: %d children on a type that has none", ErrCorrupt, len(f.children))
	}
	return f, nil
}

// checkDictionary verifies a DictionaryBatch message.
func (m *ipcMessages) checkDictionary(v *fbVerifier, d fbTable) error {
	id, err := d.i64(0, 0)
	if err != nil {
		return err
	}
	delta, err := d.u8(2)
	if err != nil {
		return err
	}
	data, ok, err := d.table(1)
	if err != nil {
		return err
	}
	if !ok {
		return corrupt("dictionary batch without data")
	}
	f := m.dictTypes[id]
	if f == nil {
		return corrupt("dictionary batch for unknown id %d", id)
	}
	if delta != 0 && !m.dictSeen[id] {
		return corrupt("dictionary delta before dictionary %d", id)
	}
	lens, err := m.checkBatch(v, data, []*ipcField{f}, true)
	if err != nil {
		return err
	}
	if delta != 0 {
		m.dictLen[id] += lens[0]
	} else {
		m.dictLen[id] = lens[0]
	}
	m.dictSeen[id] = true
	m.dictMsgs++
	return nil
}

// batchCheck walks a RecordBatch's field nodes and buffers in the order the
// arrow library's loader consumes them.
type batchCheck struct {
	m        *ipcMessages
	meta     []byte
	nodes    int // start of the FieldNode vector
	nnodes   int
	bufs     int // start of the Buffer vector
	nbufs    int
	inode    int
	ibuf     int
	body     []byte
	codec    int // -1: uncompressed
	col      int
	colName  string
	asValues bool  // a dictionary batch: fields hold the values
	used     int64 // body bytes of the buffers read so far
	unbacked int64 // values so far that no buffer holds (null type and the like)
}

type ipcNode struct{ length, nulls int64 }

// checkBatch verifies a RecordBatch table against the fields it carries
// and returns the length of each field's top node.
func (m *ipcMessages) checkBatch(v *fbVerifier, rb fbTable, fields []*ipcField, asValues bool) ([]int64, error) {
	length, err := rb.i64(0, 0)
	if err != nil {
		return nil, err
	}
	if length < 0 || length > maxBatchRows {
		return nil, corrupt("record batch of %d rows", length)
	}
	c := &batchCheck{m: m, meta: v.b, body: m.body, codec: -1, asValues: asValues}
	if len(fields) == 0 {
		if err := c.free(length); err != nil {
			return nil, err
		}
	}
	if c.nodes, c.nnodes, _, err = rb.vector(1, 16); err != nil {
		return nil, err
	}
	if c.bufs, c.nbufs, _, err = rb.vector(2, 16); err != nil {
		return nil, err
	}
	if _, _, _, err = rb.vector(4, 8); err != nil {
		return nil, err
	}
	if comp, ok, err := rb.table(3); err != nil {
		return nil, err
	} else if ok {
		codec, err := comp.u8(0)
		if err != nil {
			return nil, err
		}
		method, err := comp.u8(1)
		if err != nil {
			return nil, err
		}
		if codec != codecLZ4Frame && codec != codecZstd || method != 0 {
			return nil, corrupt("unsupported compression codec %d, method %d", codec, method)
		}
		c.codec = int(codec)
	}
	lens := make([]int64, len(fields))
	for i, f := range fields {
		c.col, c.colName = f.col, f.name
		n, err := c.node()
		if err != nil {
			return nil, err
		}
		if n.length < length {
			return nil, c.errf("%d values in a batch of %d rows", n.length, length)
		}
		if err := c.field(f, n, 0); err != nil {
			return nil, err
		}
		lens[i] = n.length
	}
	return lens, nil
}

func (c *batchCheck) errf(format string, args ...any) error {
	return &columnError{col: c.col, name: c.colName, err: corrupt(format, args...)}
}

func (c *batchCheck) node() (ipcNode, error) {
	if c.inode >= c.nnodes {
		return ipcNode{}, c.errf("record batch has only %d field nodes", c.nnodes)
	}
	p := c.nodes + 16*c.inode
	c.inode++
	n := ipcNode{int64(binary.LittleEndian.Uint64(c.meta[p:])), int64(binary.LittleEndian.Uint64(c.meta[p+8:]))}
	if n.length < 0 || n.length > maxBatchRows || n.nulls < 0 || n.nulls > n.length {
		return n, c.errf("field node of %d values with %d nulls", n.length, n.nulls)
	}
	return n, nil
}

// buffer consumes the next buffer. When read is true the arrow library
// will read it: it must lie within the body and, compressed, really
// decompress to the size it claims, which is returned. With content, its
// bytes are returned too (decompressed if need be).
func (c *batchCheck) buffer(read, content bool) (int64, []byte, error) {
	if c.ibuf >= c.nbufs {
		return 0, nil, c.errf("record batch has only %d buffers", c.nbufs)
	}
	p := c.bufs + 16*c.ibuf
	c.ibuf++
	if !read {
		return 0, nil, nil
	}
	off := int64(binary.LittleEndian.Uint64(c.meta[p:]))
	size := int64(binary.LittleEndian.Uint64(c.meta[p+8:]))
	if size == 0 {
		return 0, nil, nil
	}
	if off < 0 || size < 0 || off > int64(len(c.body)) || size > int64(len(c.body))-off {
		return 0, nil, c.errf("buffer [%d, +%d) outside the %d-byte body", off, size, len(c.body))
	}
	// The loader copies each buffer out of the body: buffers that overlap
	// would multiply the memory a small input costs.
	if c.used += size; c.used > int64(len(c.body)) {
		return 0, nil, c.errf("buffers of %d bytes overlap in a %d-byte body", c.used, len(c.body))
	}
	raw := c.body[off : off+size]
	if c.codec < 0 {
		return size, raw, nil
	}
	if size < 8 {
		return 0, nil, c.errf("compressed buffer of %d bytes", size)
	}
	want := int64(binary.LittleEndian.Uint64(raw))
	if want == -1 {
		return size - 8, raw[8:], nil
	}
	if want < 0 {
		return 0, nil, c.errf("compressed buffer claims %d bytes", want)
	}
	r, err := c.m.decompressor(c.codec, raw[8:])
	if err != nil {
		return 0, nil, c.errf("compressed buffer: %v", err)
	}
	if content {
		data, err := readFull(r, nil, want)
		if err != nil {
			return 0, nil, c.errf("compressed buffer does not hold the %d bytes it claims: %v", want, err)
		}
		return want, data, nil
	}
	if got, err := io.CopyN(io.Discard, r, want); got < want {
		return 0, nil, c.errf("compressed buffer holds %d of the %d bytes it claims (%v)", got, want, err)
	}
	return want, nil, nil
}

// decompressor returns a reader of the decompressed form of src.
func (m *ipcMessages) decompressor(codec int, src []byte) (io.Reader, error) {
	if codec == codecZstd {
		if m.zstd == nil {
			// A bounded window keeps a corrupt frame header from
			// making the decoder allocate much.
			d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(64<<20))
			if err != nil {
				return nil, err
			}
			m.zstd = d
		}
		if err := m.zstd.Reset(bytes.NewReader(src)); err != nil {
			return nil, err
		}
		return m.zstd, nil
	}
	if m.lz4 == nil {
		m.lz4 = lz4.NewReader(nil)
	}
	m.lz4.Reset(bytes.NewReader(src))
	return m.lz4, nil
}

// free counts n values that no buffer holds, such as those of the null
// type: a batch may have freeValues of them, plus 8 per body byte, so that
// a few bytes of input cannot claim billions of rows.
func (c *batchCheck) free(n int64) error {
	if c.unbacked += n; c.unbacked > freeValues+8*int64(len(c.body)) {
		return c.errf("%d values with no data behind them in a %d-byte body", c.unbacked, len(c.body))
	}
	return nil
}

// validity checks a validity bitmap, which the loader reads only when the
// node has nulls; with content, it returns the bitmap.
func (c *batchCheck) validity(n ipcNode, content bool) ([]byte, error) {
	size, bits, err := c.buffer(n.nulls > 0, content && n.nulls > 0)
	if err != nil {
		return nil, err
	}
	if n.nulls > 0 && size < (n.length+7)/8 {
		return nil, c.errf("validity bitmap of %d bytes for %d values", size, n.length)
	}
	return bits, nil
}

// fixed checks a buffer of n.length values of w bytes each (w 0: bits),
// which the loader reads when always is set or there are values.
func (c *batchCheck) fixed(n ipcNode, w int64, always, content bool) ([]byte, error) {
	size, data, err := c.buffer(always || n.length > 0, content && n.length > 0)
	if err != nil {
		return nil, err
	}
	need := (n.length + 7) / 8
	if w > 0 {
		need = n.length * w // lengths are at most maxBatchRows: no overflow
	}
	if n.length > 0 && size < need {
		return nil, c.errf("buffer of %d bytes for %d values (%d needed)", size, n.length, need)
	}
	return data, nil
}

// offsets checks an offsets buffer of w-byte offsets for n values and the
// size of what they index, read by next (the data buffer's size, or the
// child node's length); the offsets must not decrease nor go past it.
func (c *batchCheck) offsets(n ipcNode, w int64, next func() (int64, error)) error {
	size, offs, err := c.buffer(true, n.length > 0)
	if err != nil {
		return err
	}
	limit, err := next()
	if err != nil {
		return err
	}
	if n.length == 0 {
		return nil
	}
	if size/w < n.length+1 {
		return c.errf("offsets buffer of %d bytes for %d values", size, n.length)
	}
	at := func(i int64) int64 {
		if w == 4 {
			return int64(int32(binary.LittleEndian.Uint32(offs[4*i:])))
		}
		return int64(binary.LittleEndian.Uint64(offs[8*i:]))
	}
	prev := at(0)
	if prev < 0 {
		return c.errf("negative offset %d", prev)
	}
	for i := int64(1); i <= n.length; i++ {
		o := at(i)
		if o < prev {
			return c.errf("offsets decrease at value %d", i-1)
		}
		prev = o
	}
	if prev > limit {
		return c.errf("offset %d beyond the %d it indexes", prev, limit)
	}
	return nil
}

// indices checks the dictionary indices of f: every one not null must be
// within the dictionary received so far.
func (c *batchCheck) indices(f *ipcField, n ipcNode) error {
	bits, err := c.validity(n, true)
	if err != nil {
		return err
	}
	idx, err := c.fixed(n, f.index, false, true)
	if err != nil || n.length == 0 {
		return err
	}
	size := uint64(c.m.dictLen[f.dictID])
	for i := int64(0); i < n.length; i++ {
		if n.nulls > 0 && !bitutil.BitIsSet(bits, int(i)) {
			continue
		}
		var v uint64
		switch f.index {
		case 1:
			v = uint64(idx[i])
			if f.signed {
				v = uint64(int64(int8(idx[i])))
			}
		case 2:
			v = uint64(binary.LittleEndian.Uint16(idx[2*i:]))
			if f.signed {
				v = uint64(int64(int16(v)))
			}
		case 4:
			v = uint64(binary.LittleEndian.Uint32(idx[4*i:]))
			if f.signed {
				v = uint64(int64(int32(v)))
			}
		default:
			v = binary.LittleEndian.Uint64(idx[8*i:])
		}
		if v >= size { // negative indices wrap to huge values
			return c.errf("dictionary index %d out of range (dictionary of %d values)", int64(v), size)
		}
	}
	return nil
}

func (c *batchCheck) field(f *ipcField, n ipcNode, depth int) error {
	if f.index > 0 && !c.asValues {
		return c.indices(f, n)
	}
	var err error
	if f.layout != layoutNull {
		if _, err = c.validity(n, false); err != nil {
			return err
		}
	}
	switch f.layout {
	case layoutNull:
		return c.free(n.length)
	case layoutBool:
		_, err = c.fixed(n, 0, false, false)
		return err
	case layoutFixed:
		_, err = c.fixed(n, f.width, false, false)
		return err
	case layoutFixedBin:
		_, err = c.fixed(n, f.width, true, false)
		return err
	case layoutBinary, layoutLarge:
		w := int64(4)
		if f.layout == layoutLarge {
			w = 8
		}
		return c.offsets(n, w, func() (int64, error) {
			size, _, err := c.buffer(true, false)
			return size, err
		})
	case layoutList, layoutLargeList:
		w := int64(4)
		if f.layout == layoutLargeList {
			w = 8
		}
		var cn ipcNode
		if err := c.offsets(n, w, func() (int64, error) {
			cn, err = c.node()
			return cn.length, err
		}); err != nil {
			return err
		}
		return c.field(f.children[0], cn, depth+1)
	case layoutFixedList:
		cn, err := c.node()
		if err != nil {
			return err
		}
		if f.width == 0 {
			if err := c.free(n.length); err != nil {
				return err
			}
		}
		if f.width > 0 && n.length > cn.length/f.width {
			return c.errf("fixed-size list child of %d values for %d lists of %d", cn.length, n.length, f.width)
		}
		return c.field(f.children[0], cn, depth+1)
	case layoutStruct:
		if len(f.children) == 0 {
			if err := c.free(n.length); err != nil {
				return err
			}
		}
		for _, ch := range f.children {
			cn, err := c.node()
			if err != nil {
				return err
			}
			if cn.length < n.length {
				return c.errf("struct field of %d values for %d structs", cn.length, n.length)
			}
			if err := c.field(ch, cn, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return c.errf("unknown layout %d", f.layout)
}

// --- Flatbuffer verification ---

// fbVerifier checks flatbuffer tables within b before anything reads them,
// the way flatbuffers' generated Go code will: every offset it follows,
// every vtable slot and every vector it indexes lies within b.
type fbVerifier struct {
	b      []byte
	tables int
}

// fbTable is a table whose vtable lies within the buffer.
type fbTable struct {
	v     *fbVerifier
	pos   int
	vt    int
	vtLen int
	tLen  int
}

func (v *fbVerifier) root() (fbTable, error) {
	if len(v.b) < 4 {
		return fbTable{}, corrupt("message metadata of %d bytes", len(v.b))
	}
	return v.tableAtPos(int(binary.LittleEndian.Uint32(v.b)))
}

func (v *fbVerifier) tableAtPos(pos int) (fbTable, error) {
	if v.tables++; v.tables > maxTables {
		return fbTable{}, corrupt("metadata with more than %d tables", maxTables)
	}
	b := v.b
	if pos < 0 || pos > len(b)-4 {
		return fbTable{}, corrupt("metadata table at %d outside %d bytes", pos, len(b))
	}
	vt := pos - int(int32(binary.LittleEndian.Uint32(b[pos:])))
	if vt < 0 || vt > len(b)-4 {
		return fbTable{}, corrupt("metadata vtable at %d outside %d bytes", vt, len(b))
	}
	vtLen := int(binary.LittleEndian.Uint16(b[vt:]))
	tLen := int(binary.LittleEndian.Uint16(b[vt+2:]))
	if vtLen < 4 || vtLen%2 != 0 || vt+vtLen > len(b) || tLen < 4 || pos+tLen > len(b) {
		return fbTable{}, corrupt("metadata vtable (%d, %d) at %d does not fit %d bytes", vtLen, tLen, vt, len(b))
	}
	return fbTable{v: v, pos: pos, vt: vt, vtLen: vtLen, tLen: tLen}, nil
}

// tableAt verifies the i-th table of a vector of tables starting at start.
func (v *fbVerifier) tableAt(start, i int) (fbTable, error) {
	p := start + 4*i
	return v.tableAtPos(p + int(binary.LittleEndian.Uint32(v.b[p:])))
}

// keyValues verifies a vector of KeyValue tables in field id.
func (v *fbVerifier) keyValues(t fbTable, id int) error {
	start, n, _, err := t.vector(id, 4)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		kv, err := v.tableAt(start, i)
		if err != nil {
			return err
		}
		if _, _, err := kv.str(0); err != nil {
			return err
		}
		if _, _, err := kv.str(1); err != nil {
			return err
		}
	}
	return nil
}

// field returns the position of field id, checking that size bytes of it
// lie within the table; ok is false when the field is absent.
func (t fbTable) field(id, size int) (pos int, ok bool, err error) {
	slot := 4 + 2*id
	if slot+2 > t.vtLen {
		return 0, false, nil
	}
	o := int(binary.LittleEndian.Uint16(t.v.b[t.vt+slot:]))
	if o == 0 {
		return 0, false, nil
	}
	if o+size > t.tLen {
		return 0, false, corrupt("metadata field %d beyond its table", id)
	}
	return t.pos + o, true, nil
}

func (t fbTable) u8(id int) (uint8, error) {
	p, ok, err := t.field(id, 1)
	if !ok || err != nil {
		return 0, err
	}
	return t.v.b[p], nil
}

func (t fbTable) i16(id int, def int16) (int16, error) {
	p, ok, err := t.field(id, 2)
	if !ok || err != nil {
		return def, err
	}
	return int16(binary.LittleEndian.Uint16(t.v.b[p:])), nil
}

func (t fbTable) i32(id int, def int32) (int32, error) {
	p, ok, err := t.field(id, 4)
	if !ok || err != nil {
		return def, err
	}
	return int32(binary.LittleEndian.Uint32(t.v.b[p:])), nil
}

func (t fbTable) i64(id int, def int64) (int64, error) {
	p, ok, err := t.field(id, 8)
	if !ok || err != nil {
		return def, err
	}
	return int64(binary.LittleEndian.Uint64(t.v.b[p:])), nil
}

// indirect follows the offset in field id; the target has at least 4
// bytes within the buffer.
func (t fbTable) indirect(id int) (int, bool, error) {
	p, ok, err := t.field(id, 4)
	if !ok || err != nil {
		return 0, false, err
	}
	target := p + int(binary.LittleEndian.Uint32(t.v.b[p:]))
	if target > len(t.v.b)-4 {
		return 0, false, corrupt("metadata offset %d outside %d bytes", target, len(t.v.b))
	}
	return target, true, nil
}

func (t fbTable) table(id int) (fbTable, bool, error) {
	p, ok, err := t.indirect(id)
	if !ok || err != nil {
		return fbTable{}, false, err
	}
	tb, err := t.v.tableAtPos(p)
	return tb, err == nil, err
}

// vector returns the start and length of the vector in field id, whose
// elements are elem bytes each.
func (t fbTable) vector(id, elem int) (start, n int, ok bool, err error) {
	p, ok, err := t.indirect(id)
	if !ok || err != nil {
		return 0, 0, false, err
	}
	n = int(binary.LittleEndian.Uint32(t.v.b[p:]))
	start = p + 4
	if n > (len(t.v.b)-start)/elem {
		return 0, 0, false, corrupt("metadata vector of %d elements outside %d bytes", n, len(t.v.b))
	}
	return start, n, true, nil
}

func (t fbTable) str(id int) (string, bool, error) {
	start, n, ok, err := t.vector(id, 1)
	if !ok || err != nil {
		return "", false, err
	}
	return string(t.v.b[start : start+n]), true, nil
}
