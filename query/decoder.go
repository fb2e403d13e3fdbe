package query

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/csvscan"
)

// Decoder reads a Flux annotated-CSV response and yields its rows as typed
// Arrow records, one column set at a time. It reads the response as a
// stream, row by row, and holds at most ChunkSize rows per column set that it
// has not yet yielded, so its memory is that of the records it builds.
//
// Call Next until it returns false, then Err; Record and Schema describe the
// current record, which is valid until the next call to Next or Release
// (Retain it to keep it longer). Call Release when done.
//
// A column set is a distinct list of column names and Arrow types. Records
// of one column set share one *frame.Schema (compare the pointers, or use
// Set) and come in the order of their rows in the response; records of
// different column sets may interleave. For that reason a Decoder is not an
// array.RecordReader, whose records all share one schema.
type Decoder struct {
	cr    *csvscan.Reader
	row   []string // the data row being converted, reused
	opts  options
	sets  []*columnSet
	index map[string]*columnSet

	// The table being read.
	datatypes []string
	groups    []string
	defaults  []string
	annotated bool // the last row was an annotation
	inError   bool // the header was "error,reference"
	cur       *columnSet
	convs     []cellConverter
	names     []string

	ready []*columnSet // full sets to flush, in order
	final int          // at EOF: next set to flush
	eof   bool

	rec    arrow.Record
	recSet *columnSet
	err    error
}

// columnSet is one distinct list of column names and types, and the
// builder of its pending rows.
type columnSet struct {
	id      int
	schema  *frame.Schema
	bld     *array.RecordBuilder
	pending int
	full    bool
}

// NewDecoder returns a decoder of the annotated CSV in r. Options:
// WithAllocator and WithChunkSize. The decoder does not close r.
func NewDecoder(r io.Reader, opts ...Option) (*Decoder, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	// InfluxDB writes annotated CSV with Go's csv.Writer and UseCRLF,
	// which turns a newline inside a string value into CR LF and drops a
	// lone CR. csvscan keeps cells as they are, so the string converter
	// turns CR LF back into the newline that was stored (newConverter).
	cr := csvscan.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &Decoder{cr: cr, opts: o, index: map[string]*columnSet{}}, nil
}

// Next decodes up to the next record. It returns false at the end of the
// response or on error; Err tells which.
func (d *Decoder) Next() bool {
	if d.rec != nil {
		d.rec.Release()
		d.rec, d.recSet = nil, nil
	}
	if d.err != nil {
		return false
	}
	for {
		if len(d.ready) > 0 {
			s := d.ready[0]
			d.ready = d.ready[1:]
			s.full = false
			d.flush(s)
			return true
		}
		if d.eof {
			for d.final < len(d.sets) {
				s := d.sets[d.final]
				d.final++
				if s.pending > 0 {
					d.flush(s)
					return true
				}
			}
			return false
		}
		if err := d.readRow(); err != nil {
			if err == io.EOF {
				d.eof = true
				if d.inError {
					d.err = &ServerError{Message: "unknown query error"}
					return false
				}
				continue
			}
			d.err = err
			return false
		}
	}
}

// flush makes the pending rows of s the current record.
func (d *Decoder) flush(s *columnSet) {
	d.rec = s.bld.NewRecord()
	d.recSet = s
	s.pending = 0
}

// Record returns the current record.
func (d *Decoder) Record() arrow.Record { return d.rec }

// Schema returns the frame schema of the current record: column kinds from
// the Arrow types, roles from the column names and the #group annotation
// (see the package documentation).
func (d *Decoder) Schema() *frame.Schema {
	if d.recSet == nil {
		return nil
	}
	return d.recSet.schema
}

// Set returns the index of the current record's column set, counting from 0
// in order of first appearance in the response.
func (d *Decoder) Set() int {
	if d.recSet == nil {
		return -1
	}
	return d.recSet.id
}

// Err returns the error that stopped Next, if any: a *ParseError, a
// *ServerError, or an error reading the response.
func (d *Decoder) Err() error { return d.err }

// Release frees the current record and the builders.
func (d *Decoder) Release() {
	if d.rec != nil {
		d.rec.Release()
		d.rec, d.recSet = nil, nil
	}
	for _, s := range d.sets {
		if s.bld != nil {
			s.bld.Release()
			s.bld = nil
		}
	}
	d.convs = nil
	d.cur = nil
	if d.err == nil {
		d.err = errReleased
	}
}

var errReleased = errors.New("query: decoder released")

// readRow reads and handles one CSV row. It returns io.EOF at the end.
func (d *Decoder) readRow() error {
	rec, err := d.cr.ReadBytes()
	if err != nil {
		if err == io.EOF {
			return err
		}
		var pe *csvscan.ParseError
		if errors.As(err, &pe) {
			return &ParseError{Line: int64(pe.Line), Column: pe.Column, Err: pe.Err}
		}
		return fmt.Errorf("query: reading response: %w", err)
	}
	line, _ := d.cr.FieldPos(0)
	if len(rec) > 1 && len(rec[0]) == 0 && !d.inError && !d.annotated && d.cur != nil {
		// A data row, nearly every row: its cells stay in the reader's
		// buffer, which the converters copy from.
		d.row = d.row[:0]
		for _, b := range rec {
			d.row = append(d.row, unsafe.String(unsafe.SliceData(b), len(b)))
		}
		return d.data(d.row, int64(line))
	}
	row := make([]string, len(rec))
	for i, b := range rec {
		row[i] = string(b)
	}
	if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
		return nil // blank line between results
	}
	first := row[0]
	switch {
	case d.inError:
		e := &ServerError{}
		if len(row) > 1 {
			e.Message = row[1]
		}
		if len(row) > 2 {
			e.Reference = row[2]
		}
		if e.Message == "" {
			e.Message = "unknown query error"
		}
		return e
	case strings.HasPrefix(first, "#"):
		return d.annotation(row, int64(line))
	case first != "":
		return &ParseError{Line: int64(line), Column: 1, Value: first, Err: ErrAnnotationColumn}
	case d.annotated || d.cur == nil:
		return d.header(row, int64(line))
	default:
		return d.data(row, int64(line))
	}
}

// annotation records one annotation row; the first after data rows starts
// a new table.
func (d *Decoder) annotation(row []string, line int64) error {
	if !d.annotated {
		d.annotated = true
		d.datatypes, d.groups, d.defaults = nil, nil, nil
	}
	cells := append([]string(nil), row[1:]...)
	for _, prev := range [][]string{d.datatypes, d.groups, d.defaults} {
		if prev != nil && len(prev) != len(cells) {
			return &ParseError{Line: line, Err: ErrAnnotationCount}
		}
	}
	switch row[0] {
	case "#datatype":
		d.datatypes = cells
	case "#group":
		d.groups = cells
	case "#default":
		d.defaults = cells
	}
	// Other annotations are ignored.
	return nil
}

// header reads a table's header row and makes its column set current.
func (d *Decoder) header(row []string, line int64) error {
	d.annotated = false
	if len(row) == 3 && row[1] == "error" && row[2] == "reference" {
		d.inError = true
		return nil
	}
	names := row[1:]
	if d.datatypes == nil {
		return &ParseError{Line: line, Err: ErrNoDatatype}
	}
	if len(d.datatypes) != len(names) {
		return &ParseError{Line: line, Err: fmt.Errorf("%w: %d names for %d datatypes", frame.ErrFieldCount, len(names), len(d.datatypes))}
	}
	seen := make(map[string]int, len(names))
	var key strings.Builder
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		if j, dup := seen[n]; dup {
			return &ParseError{Line: line, Column: i + 2, ColumnName: n,
				Err: fmt.Errorf("%w (also column %d)", frame.ErrDupColumn, j+2)}
		}
		seen[n] = i
		t := arrowType(d.datatypes[i])
		fields[i] = arrow.Field{Name: n, Type: t, Nullable: true}
		fmt.Fprintf(&key, "%d:%s=%s;", len(n), n, t)
	}
	s, ok := d.index[key.String()]
	if !ok {
		cols := make([]frame.Column, len(names))
		for i, n := range names {
			group := d.groups != nil && d.groups[i] == "true"
			cols[i] = frame.Column{Name: n, Kind: frame.KindOfType(fields[i].Type), Role: roleOf(n, fields[i].Type, group)}
		}
		fs, err := frame.NewSchema(cols, "", arrow.NewSchema(fields, nil))
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		s = &columnSet{id: len(d.sets), schema: fs, bld: array.NewRecordBuilder(d.opts.mem, fs.Arrow())}
		d.sets = append(d.sets, s)
		d.index[key.String()] = s
	}
	d.cur = s
	d.names = append(d.names[:0], names...)
	d.convs = d.convs[:0]
	for i := range names {
		def := ""
		if d.defaults != nil {
			def = d.defaults[i]
		}
		d.convs = append(d.convs, newConverter(d.datatypes[i], def, s.bld.Field(i)))
	}
	return nil
}

// data converts one data row into the current column set's builders.
func (d *Decoder) data(row []string, line int64) error {
	if len(row)-1 != len(d.convs) {
		return &ParseError{Line: line, Err: fmt.Errorf("%w: %d cells for %d columns", frame.ErrFieldCount, len(row)-1, len(d.convs))}
	}
	s := d.cur
	for i, conv := range d.convs {
		if err := conv(row[i+1]); err != nil {
			// Keep the builders rectangular for the rows already read.
			s.bld.Release()
			s.bld = nil
			s.pending = 0
			return &ParseError{Line: line, Column: i + 2, ColumnName: d.names[i], Value: strings.Clone(row[i+1]), Err: err}
		}
	}
	s.pending++
	if s.pending >= d.opts.chunk && !s.full {
		s.full = true
		d.ready = append(d.ready, s)
	}
	return nil
}

// roleOf returns the role of a decoded column: _time is the time; result,
// table, _start, _stop, _measurement and _field describe the series and have
// no role; other group-key columns are tags when they are strings and have
// no role otherwise; the rest (_value and every other non-group-key column)
// are fields.
func roleOf(name string, t arrow.DataType, group bool) frame.Role {
	switch name {
	case "_time":
		return frame.RoleTime
	case "_value":
		return frame.RoleField
	case "result", "table", "_start", "_stop", "_measurement", "_field":
		return frame.RoleNone
	}
	if !group {
		return frame.RoleField
	}
	if t.ID() == arrow.STRING {
		return frame.RoleTag
	}
	return frame.RoleNone
}

// Decode reads a whole annotated-CSV response into frames: one frame per
// column set (names and types), in order of first appearance, each holding
// the rows of every table with that column set in order. Options:
// WithAllocator and WithChunkSize. The caller releases the frames.
func Decode(r io.Reader, opts ...Option) ([]*frame.Frame, error) {
	d, err := NewDecoder(r, opts...)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	var (
		schemas []*frame.Schema
		chunks  [][]arrow.Record
	)
	release := func() {
		for _, cs := range chunks {
			for _, c := range cs {
				c.Release()
			}
		}
	}
	defer release()
	for d.Next() {
		i := d.Set()
		for len(schemas) <= i {
			schemas = append(schemas, nil)
			chunks = append(chunks, nil)
		}
		schemas[i] = d.Schema()
		rec := d.Record()
		rec.Retain()
		chunks[i] = append(chunks[i], rec)
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	// A column set whose tables had no rows still gives an empty frame.
	for _, s := range d.sets {
		for len(schemas) <= s.id {
			schemas = append(schemas, nil)
			chunks = append(chunks, nil)
		}
		schemas[s.id] = s.schema
	}
	frames := make([]*frame.Frame, 0, len(schemas))
	for i, s := range schemas {
		f, err := frame.New(s, chunks[i]...)
		if err != nil {
			for _, f := range frames {
				f.Release()
			}
			return nil, fmt.Errorf("query: %w", err)
		}
		frames = append(frames, f)
	}
	return frames, nil
}
