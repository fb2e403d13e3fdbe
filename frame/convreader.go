package frame

import (
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// convReader is what ArrowReader and ParquetReader share: records from an
// Arrow record reader, converted column by column (convertRecord) to the
// types the transform stage takes, with reference counting.
type convReader struct {
	name   string
	mem    memory.Allocator
	src    array.RecordReader
	schema *Schema
	convs  []columnConv
	cur    arrow.Record
	rows   int64
	err    error
	done   bool
	refs   atomic.Int64
}

func newConvReader(name string, mem memory.Allocator, src array.RecordReader, schema *Schema, convs []columnConv) convReader {
	return convReader{name: name, mem: mem, src: src, schema: schema, convs: convs}
}

// FrameSchema returns the frame schema of the records: kinds from the Arrow
// types (or the influxframe kind metadata of a file influxframe wrote, where
// it fits the type), roles none.
func (r *convReader) FrameSchema() *Schema { return r.schema }

// Schema returns the Arrow schema of the records Next yields.
func (r *convReader) Schema() *arrow.Schema { return r.schema.Arrow() }

// Name returns the input's name as given to the reader's constructor.
func (r *convReader) Name() string { return r.name }

// next moves to the next non-empty record of src, converted. It returns
// ok=false at the end of src or on a conversion error (err is set);
// ended is true on the one call that reaches the end, when the caller
// checks src's error.
func (r *convReader) next() (ok, ended bool) {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done || r.err != nil {
		return false, false
	}
	for r.src.Next() {
		rec := r.src.Record()
		if rec.NumRows() == 0 {
			continue
		}
		out, err := convertRecord(r.mem, r.name, r.schema, r.convs, rec)
		if err != nil {
			r.err = err
			return false, false
		}
		r.rows += out.NumRows()
		r.cur = out
		return true, false
	}
	r.done = true
	return false, true
}

// Record returns the current record. It is valid until the next call to
// Next or Release; Retain it to keep it longer.
func (r *convReader) Record() arrow.Record { return r.cur }

// Lines returns nil: Arrow and Parquet data have no lines.
func (r *convReader) Lines() []int64 { return nil }

// Err returns the error that stopped Next, if any: a *ParseError.
func (r *convReader) Err() error { return r.err }

// Retain adds a reference to the reader.
func (r *convReader) Retain() { r.refs.Add(1) }

// Release drops a reference; the last one frees the current record and
// what the reader holds. It does not close the input.
func (r *convReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.src != nil {
		r.src.Release()
		r.src = nil
	}
}
