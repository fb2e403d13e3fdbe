package frame

import (
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
)

// Frame is a typed columnar table: a Schema and the Arrow records (chunks)
// that hold its rows. All chunks share the schema's Arrow form.
//
// A Frame owns one reference to each of its chunks; Release drops them when
// the last reference to the frame is released.
type Frame struct {
	schema *Schema
	chunks []arrow.Record
	refs   atomic.Int64
}

// New builds a Frame from a schema and chunks. It takes a new reference to
// each chunk (the caller keeps its own). Every chunk must have the schema's
// Arrow form.
func New(s *Schema, chunks ...arrow.Record) (*Frame, error) {
	for i, c := range chunks {
		if !c.Schema().Equal(s.Arrow()) && !sameFields(c.Schema(), s.Arrow()) {
			return nil, fmt.Errorf("frame: chunk %d schema %s does not match %s", i, c.Schema(), s.Arrow())
		}
	}
	f := &Frame{schema: s, chunks: make([]arrow.Record, len(chunks))}
	for i, c := range chunks {
		c.Retain()
		f.chunks[i] = c
	}
	f.refs.Store(1)
	return f, nil
}

// sameFields reports whether two schemas have the same field names and
// types, ignoring metadata.
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := 0; i < a.NumFields(); i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

// Schema returns the frame's schema.
func (f *Frame) Schema() *Schema { return f.schema }

// NumChunks returns the number of Arrow records in the frame.
func (f *Frame) NumChunks() int { return len(f.chunks) }

// Chunk returns the i-th record. It stays valid while the frame is retained.
func (f *Frame) Chunk(i int) arrow.Record { return f.chunks[i] }

// Chunks returns the frame's records. The slice must not be modified.
func (f *Frame) Chunks() []arrow.Record { return f.chunks }

// NumRows returns the total number of rows.
func (f *Frame) NumRows() int64 {
	var n int64
	for _, c := range f.chunks {
		n += c.NumRows()
	}
	return n
}

// NumCols returns the number of columns.
func (f *Frame) NumCols() int { return len(f.schema.Columns) }

// Retain adds a reference to the frame.
func (f *Frame) Retain() { f.refs.Add(1) }

// Release drops a reference; the last one releases the chunks.
func (f *Frame) Release() {
	if f.refs.Add(-1) == 0 {
		for _, c := range f.chunks {
			c.Release()
		}
		f.chunks = nil
	}
}

// Reader returns a ChunkReader over the frame's records, so that a frame
// built in memory (from gota, say) goes through the same stages as a file.
// Its name is "" and it has no lines. The reader holds a reference to the
// frame until it is released.
func (f *Frame) Reader() ChunkReader {
	f.Retain()
	return &frameReader{f: f, i: -1}
}

type frameReader struct {
	f *Frame
	i int
}

func (r *frameReader) Name() string         { return "" }
func (r *frameReader) FrameSchema() *Schema { return r.f.schema }
func (r *frameReader) Lines() []int64       { return nil }
func (r *frameReader) Err() error           { return nil }

func (r *frameReader) Next() bool {
	if r.f == nil || r.i+1 >= len(r.f.chunks) {
		return false
	}
	r.i++
	return true
}

func (r *frameReader) Record() arrow.Record {
	if r.f == nil || r.i < 0 || r.i >= len(r.f.chunks) {
		return nil
	}
	return r.f.chunks[r.i]
}

func (r *frameReader) Release() {
	if r.f != nil {
		r.f.Release()
		r.f = nil
	}
}
