package query

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/frame"
)

// MeasurementKeys is what the server knows of one measurement's keys, which
// types the columns of an InfluxQL result (see InfluxQL for the rules).
type MeasurementKeys struct {
	// Fields maps each field key to its type as SHOW FIELD KEYS names it:
	// "float", "integer", "unsigned", "string" or "boolean". An empty or
	// other type (a field stored with different types in different
	// shards) makes the key a field whose column is typed from its values.
	Fields map[string]string
	// Tags are the tag keys (SHOW TAG KEYS).
	Tags []string
}

// MetaStatementID is the key of the Arrow schema metadata that holds, in
// each frame of an InfluxQL result, the statement_id of the statement that
// produced it (a decimal number counting from 0). It travels with the
// records into Arrow and Parquet files; frame.Schema.Arrow().Metadata()
// reads it.
const MetaStatementID = "influxql.statement_id"

// DecodeInfluxQL reads an InfluxQL JSON response, as the /query endpoint of
// InfluxDB 1.x, or of 2.x for v1 compatibility, writes it (with epoch=ns,
// chunked or not), into frames: one per series, typed as InfluxQL
// documents. keys is asked once per measurement of a series with a time
// column, before its first row is decoded, for the field and tag keys that
// type its columns; nil types every column from its values. An error
// from keys stops the decoding and is returned as it is.
//
// The response is read as it arrives, one chunk object at a time, and each
// value goes straight to Arrow builders: the memory is that of the frames
// plus one chunk object of text. A response that is not InfluxQL's JSON is
// a *ParseError (Column counts bytes); an error the server reports in the
// response is an *InfluxQLError. Options: WithAllocator and WithChunkSize
// (rows per Arrow record). The caller releases the frames.
func DecodeInfluxQL(r io.Reader, keys func(measurement string) (MeasurementKeys, error), opts ...Option) ([]*frame.Frame, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	d := &iqDecoder{opts: o, keys: keys, index: map[string]*iqSeries{}, known: map[string]*iqKeys{}}
	d.p.tok.p = &d.p
	defer d.release()
	if err := d.decode(r); err != nil {
		return nil, err
	}
	return d.frames()
}

// iqDecoder decodes an InfluxQL response into series.
type iqDecoder struct {
	opts   options
	keys   func(string) (MeasurementKeys, error)
	known  map[string]*iqKeys
	series []*iqSeries // in order of first appearance
	index  map[string]*iqSeries
	p      jsonParser
	key    []byte // scratch: a series' index key
}

// iqKeys is a measurement's keys, as sets.
type iqKeys struct {
	fields map[string]string
	tags   map[string]bool
}

// iqSeries is one series of one statement: its columns and their data.
type iqSeries struct {
	stmt      int
	name      string
	hasTime   bool
	tags      []iqTag     // the series' tags, as constant columns
	cols      []*iqColumn // the response's columns, time first if any
	rows      int         // rows in the builders
	chunkRows []int       // rows of each finished chunk
}

type iqTag struct {
	name, value string // an empty value is null
}

// decode reads the response one top-level value (chunk object) at a time.
func (d *iqDecoder) decode(r io.Reader) error {
	fr := &jsonFramer{r: r, line: 1}
	for {
		chunk, err := fr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := d.chunk(chunk); err != nil {
			var pe *parseErr
			if errors.As(err, &pe) {
				line, col := fr.position(pe.off)
				return &ParseError{Line: line, Column: int(col), ColumnName: pe.column, Value: pe.value, Err: pe.cause}
			}
			return err
		}
	}
}

// parseErr is an error at a byte offset of the current chunk.
type parseErr struct {
	off    int
	column string
	value  string
	cause  error
}

func (e *parseErr) Error() string { return e.cause.Error() }

// chunk decodes one chunk object: {"results": [...], "error": "..."}.
func (d *iqDecoder) chunk(b []byte) error {
	p := &d.p
	p.b, p.i = b, 0
	topErr, hasErr := "", false
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "results":
			return p.array(func() error { return d.result() })
		case "error":
			if p.peek() == 'n' { // null: no error
				break
			}
			s, err := p.str()
			if err != nil {
				return err
			}
			topErr, hasErr = string(s), true
			return nil
		}
		return p.skip(1)
	})
	if err != nil {
		return err
	}
	if p.ws(); p.i != len(b) {
		return p.errorf(ErrJSON, "invalid character %q after top-level value", b[p.i])
	}
	if hasErr {
		return &InfluxQLError{Statement: -1, Message: topErr}
	}
	return nil
}

// result decodes one statement's result: statement_id, series, error.
// Series that come before the statement_id are decoded after it.
func (d *iqDecoder) result() error {
	p := &d.p
	stmt, stmtSeen := 0, false
	var msg []byte
	hasErr := false
	seriesAt := -1
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "statement_id":
			off := p.i
			k, v, err := p.scalar()
			if err != nil {
				return err
			}
			n, ok := p.tok.int()
			if k != tokInt || !ok || n < 0 || n > 1<<31 {
				return &parseErr{off: off, value: string(v), cause: fmt.Errorf("%w: statement_id %s", ErrInfluxQLShape, v)}
			}
			stmt, stmtSeen = int(n), true
			return nil
		case "error":
			if p.peek() == 'n' { // null: no error
				break
			}
			s, err := p.str()
			if err != nil {
				return err
			}
			msg, hasErr = append(msg[:0], s...), true
			return nil
		case "series":
			if !stmtSeen {
				seriesAt = p.i
				return p.skip(1)
			}
			return p.array(func() error { return d.seriesObject(stmt) })
		}
		return p.skip(1)
	})
	if err != nil {
		return err
	}
	if hasErr {
		return &InfluxQLError{Statement: stmt, Message: string(msg)}
	}
	if seriesAt >= 0 {
		end := p.i
		p.i = seriesAt
		if err := p.array(func() error { return d.seriesObject(stmt) }); err != nil {
			return err
		}
		p.i = end
	}
	return nil
}

// seriesObject decodes one series object: name, tags, columns, values.
// Values that come after the columns (as InfluxDB writes them: name, tags,
// columns, values, partial) are decoded in place; values before the
// columns are decoded once the object is read. A name, tags or columns
// after values decoded in place are an error: the rows would belong to
// another series.
func (d *iqDecoder) seriesObject(stmt int) error {
	p := &d.p
	var (
		name     string
		tags     []iqTag
		cols     []string
		colsSeen bool
		valuesAt = -1
		s        *iqSeries // the series, once known
	)
	series := func() (*iqSeries, error) {
		// Tags in key order; the last of a repeated key wins.
		slices.SortStableFunc(tags, func(a, b iqTag) int { return strings.Compare(a.name, b.name) })
		for i := len(tags) - 1; i > 0; i-- {
			if tags[i-1].name == tags[i].name {
				tags = slices.Delete(tags, i-1, i)
			}
		}
		return d.seriesFor(stmt, name, tags, cols)
	}
	err := p.object(func(key []byte) error {
		switch k := string(key); k {
		case "name", "tags", "columns":
			if s != nil {
				return p.errorf(ErrInfluxQLShape, "the %s of a series after its values", k)
			}
			switch k {
			case "name":
				v, err := p.str()
				name = string(v)
				return err
			case "tags":
				tags = tags[:0]
				return p.object(func(k []byte) error {
					tk := string(k)
					if p.peek() == 'n' {
						if _, _, err := p.scalar(); err != nil {
							return err
						}
						tags = append(tags, iqTag{name: tk})
						return nil
					}
					v, err := p.str()
					tags = append(tags, iqTag{name: tk, value: string(v)})
					return err
				})
			}
			cols, colsSeen = cols[:0], true
			return p.array(func() error {
				v, err := p.str()
				cols = append(cols, string(v))
				return err
			})
		case "values":
			if !colsSeen {
				valuesAt = p.i
				return p.skip(1)
			}
			if s == nil {
				var err error
				if s, err = series(); err != nil {
					return err
				}
			}
			return d.values(s)
		}
		return p.skip(1)
	})
	if err != nil {
		return err
	}
	end := p.i
	if !colsSeen {
		if valuesAt >= 0 {
			p.i = valuesAt
			if err := p.array(func() error {
				return &parseErr{off: p.i, cause: fmt.Errorf("%w: a series with values but no columns", frame.ErrFieldCount)}
			}); err != nil {
				return err
			}
			p.i = end
		}
		return nil // a series without columns holds nothing
	}
	if s == nil {
		if s, err = series(); err != nil {
			return err
		}
	}
	if valuesAt >= 0 {
		p.i = valuesAt
		if err := d.values(s); err != nil {
			return err
		}
		p.i = end
	}
	return nil
}

// seriesFor returns the series of that statement, name, tags and columns,
// making it on first appearance.
func (d *iqDecoder) seriesFor(stmt int, name string, tags []iqTag, cols []string) (*iqSeries, error) {
	k := d.key[:0]
	k = strconv.AppendInt(k, int64(stmt), 10)
	add := func(s string) {
		k = append(k, ' ')
		k = strconv.AppendInt(k, int64(len(s)), 10)
		k = append(k, ':')
		k = append(k, s...)
	}
	add(name)
	k = strconv.AppendInt(append(k, ' '), int64(len(tags)), 10)
	for _, t := range tags {
		add(t.name)
		add(t.value)
	}
	for _, c := range cols {
		add(c)
	}
	d.key = k
	if s, ok := d.index[string(k)]; ok {
		return s, nil
	}
	s, err := d.newSeries(stmt, name, tags, cols)
	if err != nil {
		return nil, err
	}
	d.index[string(k)] = s
	d.series = append(d.series, s)
	return s, nil
}

// floatFunctions are the InfluxQL functions whose result is a float
// whatever their argument's type.
var floatFunctions = map[string]bool{
	"mean": true, "median": true, "stddev": true, "integral": true,
	"derivative": true, "non_negative_derivative": true,
	"moving_average": true, "exponential_moving_average": true,
	"double_exponential_moving_average": true, "triple_exponential_moving_average": true,
	"triple_exponential_derivative": true, "relative_strength_index": true,
	"chande_momentum_oscillator": true, "kaufmans_efficiency_ratio": true,
	"kaufmans_adaptive_moving_average": true, "holt_winters": true, "holt_winters_with_fit": true,
	"sqrt": true, "pow": true, "exp": true, "ln": true, "log": true, "log2": true, "log10": true,
	"sin": true, "cos": true, "tan": true, "asin": true, "acos": true, "atan": true, "atan2": true,
}

// isFloatFunction reports whether a column named name holds a float
// function's result: named like the function, or "<function>_<field key>"
// as mean(*) names its columns.
func isFloatFunction(name string, keys *iqKeys) bool {
	if floatFunctions[name] {
		return true
	}
	if keys == nil {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '_' && floatFunctions[name[:i]] {
			if _, ok := keys.fields[name[i+1:]]; ok {
				return true
			}
		}
	}
	return false
}

// newSeries makes a series and its columns' builders, typed by the rules
// of InfluxQL's documentation.
func (d *iqDecoder) newSeries(stmt int, name string, tags []iqTag, cols []string) (*iqSeries, error) {
	s := &iqSeries{stmt: stmt, name: name, hasTime: len(cols) > 0 && cols[0] == "time"}
	seen := make(map[string]int, len(cols)+len(tags))
	for i, c := range cols {
		if j, dup := seen[c]; dup {
			return nil, &parseErr{off: d.p.i, column: c, cause: fmt.Errorf("%w (columns %d and %d)", frame.ErrDupColumn, j+1, i+1)}
		}
		seen[c] = i
	}
	var keys *iqKeys
	if s.hasTime && d.keys != nil && name != "" {
		var err error
		if keys, err = d.keysOf(name); err != nil {
			return nil, err
		}
	}
	// A series tag named like a column: the column holds the tag, unless
	// it is a field key (or the keys are unknown) or the time; then the
	// tag column is renamed <tag>_1 (or _2, ...), as InfluxQL renames
	// clashing columns.
	tagCol := map[string]bool{}
	for _, t := range tags {
		if _, clash := seen[t.name]; !clash {
			seen[t.name] = -1
		}
	}
	for _, t := range tags {
		j := seen[t.name]
		if j < 0 {
			s.tags = append(s.tags, t)
			continue
		}
		_, isField := keys.field(t.name)
		if keys == nil || isField || (s.hasTime && j == 0) {
			n := 1
			for {
				alt := t.name + "_" + strconv.Itoa(n)
				if _, taken := seen[alt]; !taken {
					seen[alt] = -1
					s.tags = append(s.tags, iqTag{name: alt, value: t.value})
					break
				}
				n++
			}
			continue
		}
		tagCol[t.name] = true
	}
	for i, c := range cols {
		col := &iqColumn{name: c, mem: d.opts.mem, role: frame.RoleField}
		typ, isField := keys.field(c)
		switch {
		case i == 0 && s.hasTime:
			col.role = frame.RoleTime
			col.setKind(iqTime)
		case isField:
			col.setKind(kindOfField(typ))
		case tagCol[c] || keys.tag(c):
			col.role = frame.RoleTag
			col.setKind(iqString)
		case isFloatFunction(c, keys):
			col.setKind(iqFloat)
		default:
			col.setKind(iqNull)
		}
		s.cols = append(s.cols, col)
	}
	return s, nil
}

func (k *iqKeys) field(name string) (string, bool) {
	if k == nil {
		return "", false
	}
	t, ok := k.fields[name]
	return t, ok
}

func (k *iqKeys) tag(name string) bool { return k != nil && k.tags[name] }

// kindOfField is the column kind of a field type of SHOW FIELD KEYS.
func kindOfField(typ string) iqKind {
	switch typ {
	case "float":
		return iqFloat
	case "integer":
		return iqInt
	case "unsigned":
		return iqUint
	case "string":
		return iqString
	case "boolean":
		return iqBool
	}
	return iqNull
}

// keysOf asks for a measurement's keys once.
func (d *iqDecoder) keysOf(name string) (*iqKeys, error) {
	if k, ok := d.known[name]; ok {
		return k, nil
	}
	mk, err := d.keys(name)
	if err != nil {
		return nil, err
	}
	k := &iqKeys{fields: make(map[string]string, len(mk.Fields)), tags: make(map[string]bool, len(mk.Tags))}
	for f, t := range mk.Fields {
		k.fields[f] = t
	}
	for _, t := range mk.Tags {
		k.tags[t] = true
	}
	d.known[name] = k
	return k, nil
}

// values decodes a series' rows, [[v, ...], ...], into its builders.
func (d *iqDecoder) values(s *iqSeries) error {
	p := &d.p
	b := p.b
	ncols := len(s.cols)
	if err := p.expect('['); err != nil {
		return err
	}
	if p.ws(); p.i < len(b) && b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		p.ws()
		rowAt := p.i
		if err := p.expect('['); err != nil {
			return err
		}
		n := 0
		if p.ws(); p.i < len(b) && b[p.i] == ']' {
			p.i++
		} else {
			for {
				p.ws()
				off := p.i
				if _, _, err := p.scalar(); err != nil {
					return err
				}
				if n >= ncols {
					return &parseErr{off: off, cause: fmt.Errorf("%w: a row of more than %d values", frame.ErrFieldCount, ncols)}
				}
				c := s.cols[n]
				if err := c.conv(c, &p.tok); err != nil {
					return &parseErr{off: off, column: c.name, value: clip(p.tok.raw()), cause: err}
				}
				n++
				if p.ws(); p.i < len(b) && b[p.i] == ',' {
					p.i++
					continue
				}
				if err := p.expect(']'); err != nil {
					return err
				}
				break
			}
		}
		if n != ncols {
			return &parseErr{off: rowAt, cause: fmt.Errorf("%w: a row of %d values for %d columns", frame.ErrFieldCount, n, ncols)}
		}
		s.rows++
		if s.rows >= d.opts.chunk {
			s.flush(d.opts.chunk)
		}
		if p.ws(); p.i < len(b) && b[p.i] == ',' {
			p.i++
			continue
		}
		return p.expect(']')
	}
}

// clip shortens a value for an error message.
func clip(v []byte) string {
	if len(v) > 64 {
		return string(v[:61]) + "..."
	}
	return string(v)
}

// flush finishes the rows in the builders as one chunk.
func (s *iqSeries) flush(chunk int) {
	full := s.rows >= chunk
	for _, c := range s.cols {
		a := c.bld.NewArray()
		c.chunks = append(c.chunks, a)
		if full {
			// A long series: room for the next chunk at once.
			c.bld.Reserve(chunk)
			if str, ok := a.(*array.String); ok {
				c.sb.ReserveData(len(str.ValueBytes()))
			}
		}
	}
	s.chunkRows = append(s.chunkRows, s.rows)
	s.rows = 0
}

// frames turns the series into frames, converting the chunks of columns
// whose type changed after they were finished.
func (d *iqDecoder) frames() ([]*frame.Frame, error) {
	out := make([]*frame.Frame, 0, len(d.series))
	for _, s := range d.series {
		f, err := d.frameOf(s)
		if err != nil {
			release(out)
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func release(frames []*frame.Frame) {
	for _, f := range frames {
		f.Release()
	}
}

func (d *iqDecoder) frameOf(s *iqSeries) (*frame.Frame, error) {
	if s.rows > 0 {
		s.flush(d.opts.chunk)
	}
	n := len(s.cols) + len(s.tags)
	cols := make([]frame.Column, 0, n)
	fields := make([]arrow.Field, 0, n)
	add := func(name string, t arrow.DataType, role frame.Role) {
		cols = append(cols, frame.Column{Name: name, Kind: frame.KindOfType(t), Role: role})
		fields = append(fields, arrow.Field{Name: name, Type: t, Nullable: true})
	}
	values := s.cols
	if s.hasTime {
		add(s.cols[0].name, timestampType, frame.RoleTime)
		values = s.cols[1:]
	}
	for _, t := range s.tags {
		add(t.name, arrow.BinaryTypes.String, frame.RoleTag)
	}
	for _, c := range values {
		if c.kind == iqNull {
			c.kind = iqFloat // no value at all: float64 of nulls
		}
		add(c.name, c.kind.arrowType(), c.role)
	}
	md := arrow.NewMetadata([]string{MetaStatementID}, []string{strconv.Itoa(s.stmt)})
	schema, err := frame.NewSchema(cols, s.name, arrow.NewSchema(fields, &md))
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	as := schema.Arrow()
	recs := make([]arrow.Record, 0, len(s.chunkRows))
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	arrs := make([]arrow.Array, 0, n)
	for i, rows := range s.chunkRows {
		arrs = arrs[:0]
		take := func(c *iqColumn) error {
			a := c.chunks[i]
			c.chunks[i] = nil
			if want := c.kind.arrowType(); !arrow.TypeEqual(a.DataType(), want) {
				conv, err := convertIQArray(a, c.kind, d.opts.mem)
				a.Release()
				if err != nil {
					return err
				}
				a = conv
			}
			arrs = append(arrs, a)
			return nil
		}
		if s.hasTime {
			if err := take(s.cols[0]); err != nil {
				return nil, err
			}
		}
		for _, t := range s.tags {
			arrs = append(arrs, constantString(d.opts.mem, t.value, rows))
		}
		for _, c := range values {
			if err := take(c); err != nil {
				for _, a := range arrs {
					a.Release()
				}
				return nil, err
			}
		}
		rec := array.NewRecord(as, arrs, int64(rows))
		for _, a := range arrs {
			a.Release()
		}
		recs = append(recs, rec)
	}
	f, err := frame.New(schema, recs...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return f, nil
}

// constantString is n copies of v, or n nulls when v is empty.
func constantString(mem memory.Allocator, v string, n int) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	if v == "" {
		b.AppendNulls(n)
		return b.NewArray()
	}
	b.Reserve(n)
	b.ReserveData(n * len(v))
	for i := 0; i < n; i++ {
		b.Append(v)
	}
	return b.NewArray()
}

// release frees every builder and chunk not yet handed to a frame.
func (d *iqDecoder) release() {
	for _, s := range d.series {
		for _, c := range s.cols {
			if c.bld != nil {
				c.bld.Release()
				c.bld = nil
			}
			for i, a := range c.chunks {
				if a != nil {
					a.Release()
					c.chunks[i] = nil
				}
			}
		}
	}
	d.series = nil
}

// iqKind is the type of a column: the Arrow type its builder holds.
type iqKind uint8

const (
	iqNull   iqKind = iota // no value yet: nulls only
	iqBool                 // bool
	iqInt                  // int64
	iqUint                 // uint64
	iqFloat                // float64
	iqString               // utf8
	iqTime                 // timestamp[ns, UTC]
)

func (k iqKind) arrowType() arrow.DataType {
	switch k {
	case iqBool:
		return arrow.FixedWidthTypes.Boolean
	case iqInt:
		return arrow.PrimitiveTypes.Int64
	case iqUint:
		return arrow.PrimitiveTypes.Uint64
	case iqFloat:
		return arrow.PrimitiveTypes.Float64
	case iqString:
		return arrow.BinaryTypes.String
	case iqTime:
		return timestampType
	}
	return arrow.Null
}

// iqColumn is one column of a series: its builder, typed by its kind, and
// the chunks finished so far (of the kinds the column had then).
type iqColumn struct {
	name   string
	role   frame.Role
	kind   iqKind
	mem    memory.Allocator
	bld    array.Builder
	chunks []arrow.Array
	// conv appends one value; chosen with the kind, so that the row loop
	// holds no type switch. It promotes the column when the value needs.
	conv func(c *iqColumn, t *token) error

	nb *array.NullBuilder
	bb *array.BooleanBuilder
	ib *array.Int64Builder
	ub *array.Uint64Builder
	fb *array.Float64Builder
	sb *array.StringBuilder
	tb *array.TimestampBuilder
}

// setKind makes a new builder of kind k.
func (c *iqColumn) setKind(k iqKind) {
	c.kind = k
	c.bld = array.NewBuilder(c.mem, k.arrowType())
	switch k {
	case iqNull:
		c.nb, c.conv = c.bld.(*array.NullBuilder), convNull
	case iqBool:
		c.bb, c.conv = c.bld.(*array.BooleanBuilder), convBool
	case iqInt:
		c.ib, c.conv = c.bld.(*array.Int64Builder), convInt
	case iqUint:
		c.ub, c.conv = c.bld.(*array.Uint64Builder), convUint
	case iqFloat:
		c.fb, c.conv = c.bld.(*array.Float64Builder), convFloat
	case iqString:
		c.sb, c.conv = c.bld.(*array.StringBuilder), convString
	case iqTime:
		c.tb, c.conv = c.bld.(*array.TimestampBuilder), convTime
	}
}

// promote changes the column's kind, converting the rows in its builder
// (the finished chunks are converted at the end).
func (c *iqColumn) promote(to iqKind) error {
	old := c.bld.NewArray()
	c.bld.Release()
	c.setKind(to)
	err := appendConverted(c, old)
	old.Release()
	return err
}

// convertIQArray returns a converted to kind k.
func convertIQArray(a arrow.Array, k iqKind, mem memory.Allocator) (arrow.Array, error) {
	c := &iqColumn{mem: mem}
	c.setKind(k)
	defer c.bld.Release()
	if err := appendConverted(c, a); err != nil {
		return nil, err
	}
	return c.bld.NewArray(), nil
}

// appendConverted appends the values of a to c's builder: nulls to any
// kind, integers to float, anything to string (as frame.FormatValue writes
// it).
func appendConverted(c *iqColumn, a arrow.Array) error {
	n := a.Len()
	if a.DataType().ID() == arrow.NULL {
		c.bld.AppendNulls(n)
		return nil
	}
	c.bld.Reserve(n)
	switch {
	case c.kind == iqString:
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				c.sb.AppendNull()
			} else {
				c.sb.Append(frame.FormatValue(a, i))
			}
		}
		return nil
	case c.kind == iqFloat:
		switch a := a.(type) {
		case *array.Int64:
			for i := 0; i < n; i++ {
				if a.IsNull(i) {
					c.fb.AppendNull()
				} else {
					c.fb.Append(float64(a.Value(i)))
				}
			}
			return nil
		case *array.Uint64:
			for i := 0; i < n; i++ {
				if a.IsNull(i) {
					c.fb.AppendNull()
				} else {
					c.fb.Append(float64(a.Value(i)))
				}
			}
			return nil
		}
	}
	return fmt.Errorf("query: cannot convert %s to %s", a.DataType(), c.kind.arrowType())
}

// The converters, one per kind: each appends a value it can hold and
// promotes the column for one it cannot (see InfluxQL's documentation).

func convNull(c *iqColumn, t *token) error {
	var to iqKind
	switch t.kind {
	case tokNull:
		c.nb.AppendNull()
		return nil
	case tokTrue, tokFalse:
		to = iqBool
	case tokInt:
		to = iqFloat
		if _, ok := t.int(); ok {
			to = iqInt
		}
	case tokFloat:
		to = iqFloat
	default:
		to = iqString
	}
	return c.promoteAndAppend(to, t)
}

func convBool(c *iqColumn, t *token) error {
	switch t.kind {
	case tokNull:
		c.bb.AppendNull()
	case tokTrue:
		c.bb.Append(true)
	case tokFalse:
		c.bb.Append(false)
	default:
		return c.promoteAndAppend(iqString, t)
	}
	return nil
}

func convInt(c *iqColumn, t *token) error {
	switch t.kind {
	case tokNull:
		c.ib.AppendNull()
	case tokInt:
		n, ok := t.int()
		if !ok {
			return c.promoteAndAppend(iqFloat, t)
		}
		c.ib.Append(n)
	case tokFloat:
		return c.promoteAndAppend(iqFloat, t)
	default:
		return c.promoteAndAppend(iqString, t)
	}
	return nil
}

func convUint(c *iqColumn, t *token) error {
	switch t.kind {
	case tokNull:
		c.ub.AppendNull()
	case tokInt:
		n, ok := t.uint()
		if !ok {
			return c.promoteAndAppend(iqFloat, t)
		}
		c.ub.Append(n)
	case tokFloat:
		return c.promoteAndAppend(iqFloat, t)
	default:
		return c.promoteAndAppend(iqString, t)
	}
	return nil
}

var errFloatRange = fmt.Errorf("%w: number out of the range of float64", frame.ErrBadValue)

func convFloat(c *iqColumn, t *token) error {
	switch t.kind {
	case tokNull:
		c.fb.AppendNull()
	case tokInt, tokFloat:
		f, ok := t.float()
		if !ok {
			return errFloatRange
		}
		c.fb.Append(f)
	default:
		return c.promoteAndAppend(iqString, t)
	}
	return nil
}

func convString(c *iqColumn, t *token) error {
	if t.kind == tokNull {
		c.sb.AppendNull()
		return nil
	}
	c.sb.BinaryBuilder.Append(t.raw()) // a string, or a number's or bool's JSON text
	return nil
}

var errNotTime = fmt.Errorf("%w: not a time (epoch nanoseconds or RFC 3339)", frame.ErrBadValue)

func convTime(c *iqColumn, t *token) error {
	switch t.kind {
	case tokNull:
		c.tb.AppendNull()
	case tokInt:
		n, ok := t.int()
		if !ok {
			return errNotTime
		}
		c.tb.Append(arrow.Timestamp(n))
	case tokString:
		ts, err := time.Parse(time.RFC3339Nano, string(t.raw()))
		if err != nil {
			return errNotTime
		}
		c.tb.Append(arrow.Timestamp(ts.UnixNano()))
	default:
		return errNotTime
	}
	return nil
}

func (c *iqColumn) promoteAndAppend(to iqKind, t *token) error {
	if err := c.promote(to); err != nil {
		return err
	}
	return c.conv(c, t)
}

// token is the scalar the parser read last: its kind, where its bytes
// are (decoded, for a string) and, for a number, its decimal digits as
// scanned. It holds offsets rather than a slice, so that the parser stores
// no pointer per value.
type token struct {
	p          *jsonParser
	kind       tokKind
	start, end int  // raw bytes: p.b[start:end]
	esc        bool // a string decoded into p.scratch
	// A number is ±mant * 10^exp (neg tells the sign) when digits <= 19:
	// mant holds its first 19 significant digits, digits counts them all.
	mant   uint64
	exp    int
	digits int
	neg    bool
}

// raw returns the token's bytes: a string's decoded bytes, or the JSON
// text of another scalar.
func (t *token) raw() []byte {
	if t.esc {
		return t.p.scratch
	}
	return t.p.b[t.start:t.end]
}

// int returns an integer number's value, if int64 holds it.
func (t *token) int() (int64, bool) {
	if t.kind != tokInt || t.digits > 19 {
		return 0, false
	}
	switch n := t.mant; {
	case n <= math.MaxInt64 && t.neg:
		return -int64(n), true
	case n <= math.MaxInt64:
		return int64(n), true
	case t.neg && n == math.MaxInt64+1:
		return math.MinInt64, true
	}
	return 0, false
}

// uint returns an integer number's value, if uint64 holds it.
func (t *token) uint() (uint64, bool) {
	switch {
	case t.kind != tokInt || t.digits > 20 || t.neg && t.mant != 0:
		return 0, false
	case t.digits <= 19:
		return t.mant, true
	}
	n, err := strconv.ParseUint(string(t.raw()), 10, 64)
	return n, err == nil
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// float returns a number's value as strconv.ParseFloat does, correctly
// rounded. Numbers of at most 15 significant digits and a decimal exponent
// within ±22, most of what InfluxDB writes, take the exact fast path: the
// digits and the power of ten are exact in float64, so that one
// multiplication or division rounds correctly.
func (t *token) float() (float64, bool) {
	if t.digits <= 15 && t.exp >= -22 && t.exp <= 22 {
		f := float64(t.mant)
		if t.exp >= 0 {
			f *= pow10[t.exp]
		} else {
			f /= pow10[-t.exp]
		}
		if t.neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(string(t.raw()), 64)
	return f, err == nil
}

// jsonFramer splits a stream of JSON values (InfluxQL's chunks) into the
// bytes of each top-level object, reading as they arrive. It only finds
// where an object ends (counting brackets outside strings); jsonParser
// checks its syntax.
type jsonFramer struct {
	r          io.Reader
	buf        []byte
	start, end int // unread bytes: buf[start:end]
	eof        bool
	rerr       error
	line, col  int64 // position of buf[start]: 1-based line, 0-based byte column
	// Position of the current chunk's first byte.
	chunk             []byte
	chunkLine, chunkC int64
}

// next returns the bytes of the next top-level value, valid until the
// next call, or io.EOF after the last.
func (f *jsonFramer) next() ([]byte, error) {
	for {
		for f.start < f.end {
			c := f.buf[f.start]
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				break
			}
			f.advance(1)
		}
		if f.start < f.end {
			break
		}
		if !f.fill() {
			if f.rerr != nil {
				return nil, fmt.Errorf("query: reading response: %w", f.rerr)
			}
			return nil, io.EOF
		}
	}
	f.chunkLine, f.chunkC = f.line, f.col
	f.chunk = f.buf[f.start:f.start]
	if c := f.buf[f.start]; c != '{' {
		cause := fmt.Errorf("%w: invalid character %q looking for beginning of value", ErrJSON, c)
		if c == '[' || c == '"' || c == '-' || c == 't' || c == 'f' || c == 'n' || c >= '0' && c <= '9' {
			cause = fmt.Errorf("%w: a response chunk that is not an object", ErrInfluxQLShape)
		}
		return nil, &ParseError{Line: f.line, Column: int(f.col) + 1, Err: cause}
	}
	depth, inStr, esc := 0, false, false
	pos := 0 // scanned bytes from f.start
	for {
		b := f.buf[f.start+pos : f.end]
		i := 0
		for i < len(b) {
			if esc { // the byte after a backslash
				esc = false
				i++
				continue
			}
			if inStr {
				i = skipInString(b, i)
				for i < len(b) && !inString[b[i]] {
					i++
				}
				if i < len(b) {
					if b[i] == '\\' {
						esc = true
					} else {
						inStr = false
					}
					i++
				}
				continue
			}
			i = skipPlain(b, i)
			for i < len(b) && !structural[b[i]] {
				i++
			}
			if i == len(b) {
				break
			}
			switch b[i] {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					n := pos + i + 1
					f.chunk = f.buf[f.start : f.start+n]
					f.advance(n)
					return f.chunk, nil
				}
			}
			i++
		}
		pos += len(b)
		if !f.fill() {
			if f.rerr != nil {
				return nil, fmt.Errorf("query: reading response: %w", f.rerr)
			}
			f.chunk = f.buf[f.start : f.start+pos]
			line, col := f.position(pos)
			return nil, &ParseError{Line: line, Column: int(col), Err: fmt.Errorf("%w: unexpected end of JSON input", ErrJSON)}
		}
	}
}

// skipPlain skips the 8-byte words of b from i that hold no quote nor
// bracket, and skipInString those that hold no quote nor backslash: a word
// at a time (SWAR).
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) && !structuralWord(binary.LittleEndian.Uint64(b[i:])) {
		i += 8
	}
	return i
}

func skipInString(b []byte, i int) int {
	for i+8 <= len(b) && !inStringWord(binary.LittleEndian.Uint64(b[i:])) {
		i += 8
	}
	return i
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte reports whether a byte of x is c.
func hasByte(x uint64, c byte) bool {
	y := x ^ (ones * uint64(c))
	return (y-ones)&^y&highs != 0
}

// structuralWord reports whether x holds a quote or a bracket ('[' and
// '{' are 0x7B once 0x20 is set, ']' and '}' 0x7D; a control character
// may match too, which only makes the framer look closer).
func structuralWord(x uint64) bool {
	x |= 0x2020202020202020
	return hasByte(x, '"') || hasByte(x, '{') || hasByte(x, '}')
}

// inStringWord reports whether x holds a quote or a backslash.
func inStringWord(x uint64) bool { return hasByte(x, '"') || hasByte(x, '\\') }

// structural marks the bytes the framer looks at outside strings.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// inString marks the bytes the framer looks at inside strings.
var inString = [256]bool{'"': true, '\\': true}

// advance consumes n bytes, keeping the line and column.
func (f *jsonFramer) advance(n int) {
	seg := f.buf[f.start : f.start+n]
	if k := bytes.Count(seg, []byte{'\n'}); k > 0 {
		f.line += int64(k)
		f.col = int64(n - 1 - bytes.LastIndexByte(seg, '\n'))
	} else {
		f.col += int64(n)
	}
	f.start += n
}

// fill reads more of the response, moving the unread bytes to the start
// of the buffer or growing it. It returns false at the end or on error.
func (f *jsonFramer) fill() bool {
	for !f.eof {
		if f.start > 0 {
			copy(f.buf, f.buf[f.start:f.end])
			f.end -= f.start
			f.start = 0
		}
		if f.end == len(f.buf) {
			f.buf = append(f.buf, make([]byte, max(64<<10, len(f.buf)))...)
			f.buf = f.buf[:cap(f.buf)]
		}
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
		if err != nil {
			f.eof = true
			if err != io.EOF {
				f.rerr = err
				return false
			}
		}
		if n > 0 {
			return true
		}
	}
	return false
}

// position returns the 1-based line and column of byte off of the
// current chunk.
func (f *jsonFramer) position(off int) (line, col int64) {
	seg := f.chunk[:min(off, len(f.chunk))]
	if k := bytes.Count(seg, []byte{'\n'}); k > 0 {
		return f.chunkLine + int64(k), int64(len(seg)-bytes.LastIndexByte(seg, '\n')-1) + 1
	}
	return f.chunkLine, f.chunkC + int64(len(seg)) + 1
}

// tokKind is the kind of a JSON scalar.
type tokKind uint8

const (
	tokNull   tokKind = iota
	tokFalse          // false
	tokTrue           // true
	tokInt            // a number without fraction nor exponent
	tokFloat          // a number with a fraction or an exponent
	tokString         // a string (its decoded bytes)
)

// jsonParser checks and reads JSON text held in memory, as encoding/json
// reads it (strings with escapes or non-ASCII bytes are decoded by
// encoding/json itself), without building values of its own.
type jsonParser struct {
	b       []byte
	i       int
	scratch []byte // a decoded string
	tok     token  // the last scalar
}

// maxDepth is the nesting that skip accepts (encoding/json accepts 10000;
// InfluxQL's answers nest 5 deep).
const maxDepth = 1000

func (p *jsonParser) errorf(cause error, format string, args ...any) error {
	return &parseErr{off: p.i, cause: fmt.Errorf("%w: "+format, append([]any{cause}, args...)...)}
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) && p.b[p.i] <= ' ' {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (p *jsonParser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *jsonParser) unexpected() error {
	if p.i >= len(p.b) {
		return p.errorf(ErrJSON, "unexpected end of JSON input")
	}
	return p.errorf(ErrJSON, "invalid character %q", p.b[p.i])
}

// expect consumes c after white space.
func (p *jsonParser) expect(c byte) error {
	if p.peek() != c {
		return p.unexpected()
	}
	p.i++
	return nil
}

// object reads an object, calling fn for each key with the parser at its
// value, which fn must consume. A value of another type is an error.
func (p *jsonParser) object(fn func(key []byte) error) error {
	if c := p.peek(); c != '{' {
		if c == 0 || !isValueStart(c) {
			return p.unexpected()
		}
		return p.errorf(ErrInfluxQLShape, "expected an object")
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.unexpected()
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		p.ws()
		// The key may be in scratch, which the value may reuse.
		if err := fn(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.unexpected()
		}
	}
}

// array reads an array, calling fn with the parser at each element, which
// fn must consume.
func (p *jsonParser) array(fn func() error) error {
	if c := p.peek(); c != '[' {
		if c == 0 || !isValueStart(c) {
			return p.unexpected()
		}
		return p.errorf(ErrInfluxQLShape, "expected an array")
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if err := fn(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.unexpected()
		}
	}
}

func isValueStart(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n':
		return true
	}
	return c >= '0' && c <= '9'
}

// str reads a string and returns its decoded bytes, valid until the next
// call.
func (p *jsonParser) str() ([]byte, error) {
	if c := p.peek(); c != '"' {
		if c == 0 || !isValueStart(c) {
			return nil, p.unexpected()
		}
		return nil, p.errorf(ErrInfluxQLShape, "expected a string")
	}
	v, _, err := p.stringToken()
	return v, err
}

// stringToken reads the string at p.i (a quote), checking it, and
// returns its decoded bytes.
func (p *jsonParser) stringToken() ([]byte, tokKind, error) {
	b := p.b
	start := p.i
	i := start + 1
	simple := true
	for {
		if i >= len(b) {
			p.i = i
			return nil, 0, p.errorf(ErrJSON, "unexpected end of JSON input")
		}
		c := b[i]
		switch {
		case c == '"':
			p.i = i + 1
			t := &p.tok
			t.kind = tokString
			if simple {
				t.start, t.end, t.esc = start+1, i, false
				return b[start+1 : i], tokString, nil
			}
			var s string
			if err := json.Unmarshal(b[start:i+1], &s); err != nil {
				p.i = start
				return nil, 0, p.errorf(ErrJSON, "%v", err)
			}
			p.scratch = append(p.scratch[:0], s...)
			t.esc = true
			return p.scratch, tokString, nil
		case c == '\\':
			simple = false
			i++
			if i >= len(b) {
				continue
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for j := 1; j <= 4; j++ {
					if i+j >= len(b) || !isHex(b[i+j]) {
						p.i = min(i+j, len(b))
						return nil, 0, p.unexpectedEscape()
					}
				}
				i += 5
			default:
				p.i = i
				return nil, 0, p.unexpectedEscape()
			}
		case c < 0x20:
			p.i = i
			return nil, 0, p.errorf(ErrJSON, "invalid character %q in string literal", c)
		case c >= 0x80:
			simple = false // encoding/json replaces invalid UTF-8
			i++
		default:
			i++
		}
	}
}

func (p *jsonParser) unexpectedEscape() error {
	if p.i >= len(p.b) {
		return p.errorf(ErrJSON, "unexpected end of JSON input")
	}
	return p.errorf(ErrJSON, "invalid character %q in string escape code", p.b[p.i])
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scalar reads a string, number, true, false or null.
func (p *jsonParser) scalar() (tokKind, []byte, error) {
	b := p.b
	if p.i >= len(b) {
		return 0, nil, p.unexpected()
	}
	switch c := b[p.i]; c {
	case '"':
		v, k, err := p.stringToken()
		return k, v, err
	case 't':
		return p.literal("true", tokTrue)
	case 'f':
		return p.literal("false", tokFalse)
	case 'n':
		return p.literal("null", tokNull)
	case '{', '[':
		return 0, nil, p.errorf(ErrInfluxQLShape, "a value that is an object or array")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return p.number()
		}
		return 0, nil, p.unexpected()
	}
}

func (p *jsonParser) literal(word string, k tokKind) (tokKind, []byte, error) {
	b := p.b[p.i:]
	for j := 0; j < len(word); j++ {
		if j >= len(b) || b[j] != word[j] {
			p.i += j
			if j >= len(b) {
				return 0, nil, p.errorf(ErrJSON, "unexpected end of JSON input")
			}
			return 0, nil, p.errorf(ErrJSON, "invalid character %q in literal %s", b[j], word)
		}
	}
	t := &p.tok
	t.kind, t.start, t.end, t.esc = k, p.i, p.i+len(word), false
	p.i += len(word)
	return k, b[:len(word)], nil
}

// number reads a number of JSON's grammar into p.tok, with its digits.
func (p *jsonParser) number() (tokKind, []byte, error) {
	b, start := p.b, p.i
	i := start
	var (
		mant   uint64
		exp    int
		digits int
		neg    bool
	)
	if b[i] == '-' {
		neg = true
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		j := i
		for j+8 <= len(b) && j-i <= 19-8 {
			x := binary.LittleEndian.Uint64(b[j:])
			if !eightDigits(x) {
				break
			}
			mant = mant*1e8 + parse8(x)
			j += 8
		}
		for ; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
			if j-i < 19 {
				mant = mant*10 + uint64(b[j]-'0')
			}
		}
		if digits = j - i; digits > 19 {
			exp = digits - 19 // the digits beyond the 19 kept
		}
		i = j
	default:
		return p.badNumber(i)
	}
	k := tokInt
	if i < len(b) && b[i] == '.' {
		i++
		k = tokFloat
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return p.badNumber(i)
		}
		if digits == 0 {
			for ; i < len(b) && b[i] == '0'; i++ {
				exp-- // a leading zero: 0.001
			}
		}
		for i+8 <= len(b) && digits <= 19-8 {
			x := binary.LittleEndian.Uint64(b[i:])
			if !eightDigits(x) {
				break
			}
			mant = mant*1e8 + parse8(x)
			digits += 8
			exp -= 8
			i += 8
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if digits < 19 {
				mant = mant*10 + uint64(b[i]-'0')
				exp--
			}
			digits++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		k = tokFloat
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return p.badNumber(i)
		}
		e := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if e < 1e6 {
				e = e*10 + int(b[i]-'0')
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	p.i = i
	t := &p.tok
	t.kind, t.start, t.end, t.esc = k, start, i, false
	t.mant, t.exp, t.digits, t.neg = mant, exp, digits, neg
	return k, b[start:i], nil
}

// eightDigits reports whether the 8 bytes of x (little endian) are all
// ASCII digits.
func eightDigits(x uint64) bool {
	return (x&0xF0F0F0F0F0F0F0F0)|(((x+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) == 0x3333333333333333
}

// parse8 returns the value of the 8 ASCII digits in x (little endian:
// the first digit in the low byte), all at once (SWAR).
func parse8(x uint64) uint64 {
	const (
		mask = 0x000000FF000000FF
		mul1 = 100 + 1000000<<32
		mul2 = 1 + 10000<<32
	)
	x -= 0x3030303030303030
	x = x*10 + x>>8
	return (((x & mask) * mul1) + (((x >> 16) & mask) * mul2)) >> 32
}

func (p *jsonParser) badNumber(i int) (tokKind, []byte, error) {
	p.i = i
	if i >= len(p.b) {
		return 0, nil, p.errorf(ErrJSON, "unexpected end of JSON input")
	}
	return 0, nil, p.errorf(ErrJSON, "invalid character %q in numeric literal", p.b[i])
}

// skip reads and checks any value.
func (p *jsonParser) skip(depth int) error {
	if depth > maxDepth {
		return p.errorf(ErrJSON, "exceeded max depth")
	}
	switch p.peek() {
	case '{':
		return p.object(func([]byte) error { return p.skip(depth + 1) })
	case '[':
		return p.array(func() error { return p.skip(depth + 1) })
	}
	_, _, err := p.scalar()
	return err
}
