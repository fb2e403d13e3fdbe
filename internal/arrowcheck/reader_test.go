package arrowcheck_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/influxframe/influxframe/internal/arrowcheck"
)

// checkedMem returns an allocator that fails the test if anything it
// allocated is still held when the test ends.
func checkedMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

var catType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// build allocates the inputs, which are written with arrow's writers: its
// file writer keeps a reference to dictionaries (v15), so a checked
// allocator would see a leak that is not the reader's.
var build = memory.NewGoAllocator()

// batches returns two record batches with a column of each layout the
// checks know: fixed width, bits, offsets and data, a dictionary, a list, a
// struct and the null type.
func batches(t testing.TB, mem memory.Allocator) []arrow.Record {
	t.Helper()
	fields := []arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int16, Nullable: true}), Nullable: true},
		{Name: "n", Type: arrow.Null, Nullable: true},
	}
	// The dictionary column is built apart: arrow's dictionary builder
	// keeps a reference to its dictionary (v15).
	schema := arrow.NewSchema(append(fields, arrow.Field{Name: "cat", Type: catType, Nullable: true}), nil)
	var recs []arrow.Record
	for c := 0; c < 2; c++ {
		b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
		ib := array.NewInt32Builder(mem)
		for r := 0; r < 3; r++ {
			v := c*3 + r
			b.Field(0).(*array.Int64Builder).Append(int64(v))
			b.Field(1).(*array.Float64Builder).Append(float64(v) / 4)
			if v%2 == 1 {
				b.Field(2).AppendNull()
			} else {
				b.Field(2).(*array.StringBuilder).Append(strings.Repeat("s", v))
			}
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(1700000000000000000 + int64(v)))
			b.Field(4).(*array.BooleanBuilder).Append(v%3 == 0)
			lb := b.Field(5).(*array.ListBuilder)
			lb.Append(true)
			for k := 0; k < r; k++ {
				lb.ValueBuilder().(*array.Int32Builder).Append(int32(k))
			}
			sb := b.Field(6).(*array.StructBuilder)
			sb.Append(true)
			sb.FieldBuilder(0).(*array.Int16Builder).Append(int16(v))
			b.Field(7).AppendNull()
			if v == 4 {
				ib.AppendNull()
			} else {
				ib.Append(int32(r % 2))
			}
		}
		part := b.NewRecord()
		b.Release()
		// The same dictionary in both batches: a file cannot replace it.
		db := array.NewStringBuilder(mem)
		db.AppendValues([]string{"x", "y"}, nil)
		idx, dict := ib.NewArray(), db.NewArray()
		ib.Release()
		db.Release()
		cat := array.NewDictionaryArray(catType, idx, dict)
		idx.Release()
		dict.Release()
		recs = append(recs, array.NewRecord(schema, append(part.Columns(), cat), -1))
		part.Release()
		cat.Release()
	}
	return recs
}

// encode writes records as an IPC stream, or an IPC file when file is set.
func encode(t testing.TB, file bool, recs []arrow.Record, opts ...ipc.Option) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts = append(opts, ipc.WithSchema(recs[0].Schema()))
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	if file {
		fw, err := ipc.NewFileWriter(&tell{w: &buf}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	} else {
		w = ipc.NewWriter(&buf, opts...)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tell is a writer that knows its offset, all the seeking the IPC file
// writer needs.
type tell struct {
	w   io.Writer
	off int64
}

func (o *tell) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	o.off += int64(n)
	return n, err
}

func (o *tell) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekCurrent {
		return o.off, errors.New("cannot seek")
	}
	return o.off, nil
}

// read reads the records of data through a MessageReader, skipping the
// leading magic of an IPC file, and renders every value; it returns the
// first error.
func read(data []byte, file bool, mem memory.Allocator) ([]string, error) {
	if file {
		if len(data) < 8 {
			return nil, errors.New("short file")
		}
		data = data[8:]
	}
	msgs := arrowcheck.NewMessageReader(bytes.NewReader(data), file)
	rd, err := ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(mem))
	if err != nil {
		msgs.Release()
		return nil, err
	}
	defer rd.Release()
	var rows []string
	for rd.Next() {
		rec := rd.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			var row []string
			for _, c := range rec.Columns() {
				row = append(row, c.ValueStr(i))
			}
			rows = append(rows, strings.Join(row, "|"))
		}
	}
	return rows, rd.Err()
}

// TestMessageReader reads valid streams and files, compressed or not, with
// dictionary deltas: what comes out is what went in.
func TestMessageReader(t *testing.T) {
	mem := checkedMem(t)
	recs := batches(t, build)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var want []string
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			var row []string
			for _, c := range rec.Columns() {
				row = append(row, c.ValueStr(i))
			}
			want = append(want, strings.Join(row, "|"))
		}
	}
	for _, tc := range []struct {
		name string
		file bool
		opts []ipc.Option
	}{
		{"stream", false, nil},
		{"stream-lz4", false, []ipc.Option{ipc.WithLZ4()}},
		{"stream-zstd", false, []ipc.Option{ipc.WithZstd()}},
		{"stream-deltas", false, []ipc.Option{ipc.WithDictionaryDeltas(true)}},
		{"file", true, nil},
		{"file-zstd", true, []ipc.Option{ipc.WithZstd()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := read(encode(t, tc.file, recs, tc.opts...), tc.file, mem)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestMessageReaderErrors has one case per kind of error: the sentinel it
// wraps and, for errors about a column, the column.
func TestMessageReaderErrors(t *testing.T) {
	mem := checkedMem(t)
	recs := batches(t, build)
	stream := encode(t, false, recs)
	file := encode(t, true, recs)
	for _, r := range recs {
		r.Release()
	}
	badFooter := append([]byte(nil), file...)
	binary.LittleEndian.PutUint32(badFooter[len(badFooter)-10:], 1<<30)
	// The magic, an end-of-stream marker and the original footer.
	footer := file[len(file)-10-int(binary.LittleEndian.Uint32(file[len(file)-10:])):]
	fileNoSchema := append([]byte("ARROW1\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00"), footer...)

	// Dictionary indices 2, 1, 2 into a dictionary of 3 values, the first
	// index then overwritten with 9.
	badIndex := func() []byte {
		ib := array.NewInt32Builder(build)
		ib.AppendValues([]int32{2, 1, 2}, nil)
		sb := array.NewStringBuilder(build)
		sb.AppendValues([]string{"a", "b", "c"}, nil)
		idx, dict := ib.NewArray(), sb.NewArray()
		ib.Release()
		sb.Release()
		arr := array.NewDictionaryArray(catType, idx, dict)
		idx.Release()
		dict.Release()
		rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "cat", Type: catType}}, nil), []arrow.Array{arr}, -1)
		arr.Release()
		defer rec.Release()
		data := encode(t, false, []arrow.Record{rec})
		at := bytes.Index(data, []byte{2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0})
		if at < 0 {
			t.Fatal("dictionary indices not found in the stream")
		}
		data[at] = 9
		return data
	}
	// A run-end encoded column after an int64 one.
	ree := func() []byte {
		re := array.NewInt32Builder(build)
		re.Append(2)
		vals := array.NewInt64Builder(build)
		vals.Append(5)
		rea, va := re.NewArray(), vals.NewArray()
		re.Release()
		vals.Release()
		runs := array.NewRunEndEncodedArray(rea, va, 2, 0)
		rea.Release()
		va.Release()
		ib := array.NewInt64Builder(build)
		ib.AppendValues([]int64{1, 2}, nil)
		ok := ib.NewArray()
		ib.Release()
		rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "ok", Type: ok.DataType()}, {Name: "runs", Type: runs.DataType()}}, nil),
			[]arrow.Array{ok, runs}, 2)
		ok.Release()
		runs.Release()
		defer rec.Release()
		return encode(t, false, []arrow.Record{rec})
	}
	// A schema message whose field vector claims 2^31-1 fields.
	hugeVector := func() []byte {
		b := flatbuffers.NewBuilder(64)
		b.StartVector(4, 0, 4)
		fields := b.EndVector(0)
		b.StartObject(4)
		b.PrependUOffsetTSlot(1, fields, 0)
		schema := b.EndObject()
		b.StartObject(5)
		b.PrependInt16Slot(0, 4, 0)
		b.PrependByteSlot(1, 1, 0)
		b.PrependUOffsetTSlot(2, schema, 0)
		b.Finish(b.EndObject())
		meta := b.FinishedBytes()
		at := len(meta) - int(fields) // offsets count from the buffer's end
		binary.LittleEndian.PutUint32(meta[at:], 1<<31-1)
		msg := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 0xFFFFFFFF), uint32(len(meta)))
		return append(msg, meta...)
	}

	for _, tc := range []struct {
		name   string
		data   []byte
		file   bool
		cause  error
		column string // "" when the error is not a *ColumnError
		msg    string
	}{
		{"not arrow", []byte("time,value\n1,2\n"), false, arrowcheck.ErrCorrupt, "", "input ends inside a message"},
		{"truncated stream", stream[:len(stream)/2], false, arrowcheck.ErrCorrupt, "", "input ends inside a message"},
		{"file without footer", file[:len(file)-10], true, arrowcheck.ErrCorrupt, "", "does not end with its footer"},
		{"footer length", badFooter, true, arrowcheck.ErrCorrupt, "", "footer length 1073741824"},
		{"file without a schema", fileNoSchema, true, arrowcheck.ErrCorrupt, "", "without a schema"},
		{"metadata vector", hugeVector(), false, arrowcheck.ErrCorrupt, "", "vector of 2147483647"},
		{"dictionary index", badIndex(), false, arrowcheck.ErrCorrupt, "cat", "dictionary index 9 out of range"},
		{"run-end encoded", ree(), false, arrowcheck.ErrUnsupported, "runs", "run-end encoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(tc.data, tc.file, mem)
			if !errors.Is(err, tc.cause) || !strings.Contains(fmtErr(err), tc.msg) {
				t.Fatalf("error %v, want one wrapping %q about %q", err, tc.cause, tc.msg)
			}
			var ce *arrowcheck.ColumnError
			switch {
			case !errors.As(err, &ce) && tc.column != "":
				t.Errorf("error %v is not a *ColumnError", err)
			case ce != nil && ce.Name != tc.column:
				t.Errorf("error %v names column %d %q, want %q", err, ce.Column, ce.Name, tc.column)
			}
		})
	}

	t.Run("empty stream", func(t *testing.T) {
		m := arrowcheck.NewMessageReader(bytes.NewReader(nil), false)
		defer m.Release()
		if msg, err := m.Message(); msg != nil || err != io.EOF {
			t.Errorf("Message() = %v, %v; want nil, io.EOF", msg, err)
		}
	})
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestMessageReaderDamage flips every byte of a stream and a file: every
// outcome is records whose every value can be read, or an error, and never
// a panic that the arrow library recovered itself.
func TestMessageReaderDamage(t *testing.T) {
	mem := checkedMem(t)
	recs := batches(t, build)
	inputs := []struct {
		name string
		file bool
		data []byte
	}{
		{"stream", false, encode(t, false, recs, ipc.WithDictionaryDeltas(true))},
		{"stream-lz4", false, encode(t, false, recs, ipc.WithLZ4())},
		{"file", true, encode(t, true, recs)},
	}
	for _, r := range recs {
		r.Release()
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			damaged := make([]byte, len(in.data))
			for i := range in.data {
				copy(damaged, in.data)
				damaged[i] ^= 0xff
				_, err := read(damaged, in.file, mem)
				if err != nil && strings.Contains(err.Error(), "unknown error while reading") {
					t.Fatalf("byte %d flipped: the arrow library panicked: %v", i, err)
				}
			}
		})
	}
}
