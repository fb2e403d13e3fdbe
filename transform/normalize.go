package transform

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/frame"
)

// Sentinel causes of schema errors.
var (
	ErrMixedColumn  = errors.New("column mixes numbers and text")
	ErrTextColumn   = errors.New("undeclared text column")
	ErrNoTimeColumn = errors.New("no time column")
	ErrNoColumn     = errors.New("no such column")
	ErrNoFields     = errors.New("no field columns left")
	ErrNoRows       = errors.New("no data rows")
)

// SchemaError reports the columns whose policy refused them. It carries the
// report as far as it got, so that a validation can still show it.
type SchemaError struct {
	Report Report
	Errs   []error // one per refused column, often *frame.ParseError
}

func (e *SchemaError) Error() string { return errors.Join(e.Errs...).Error() }

// Unwrap returns the per-column errors, for errors.Is and errors.As.
func (e *SchemaError) Unwrap() []error { return e.Errs }

// Reasons for row rejects, used as keys of Report.Rejects.
const (
	ReasonNoFields  = "no field values"
	ReasonBadTime   = "bad timestamp"
	ReasonNoTime    = "empty timestamp"
	ReasonDuplicate = "duplicate point"
	ReasonPrecision = "timestamp finer than the write precision"
)

// normalizer converts the chunks of one input into normalised records.
// It is not safe for concurrent use: one Reader owns it.
type normalizer struct {
	opts    Options
	file    string
	in      *frame.Schema
	out     *frame.Schema
	timeIdx int
	timeOf  func(arr arrow.Array, i int) (int64, error)
	tags    []tagCol
	fields  []fieldCol
	report  Report
	colRep  []int      // input column -> index in report.Columns
	unit    int64      // nanoseconds in one unit of the precision
	rows    int64      // data rows seen, for the position of rejects without lines
	seen    *pointKeys // duplicate detection: every point's key and first row
	mem     memory.Allocator
	keyBuf  []byte
	keep    []int             // apply's rows that become points, reused
	series  []uint64          // ... the series of up to touchRows rows
	times   []arrow.Timestamp // ... and their times

	timeRefused int       // the time column refused as ambiguous, or -1
	contract    *Contract // the schema contract in force, or nil
	timeFormat  string    // the time column's format, for Contract ("" for layouts or Arrow timestamps)
	timeMask    uint32    // the layouts of a text time column read without a format
	track       []int     // dropped text columns fingerprinted by duplicate detection
	trackDup    []int64   // per tracked column, the duplicates in which it differs from the first row
}

// firstRow is what duplicate detection keeps of the first row of a key.
type firstRow struct {
	line int64  // its line, or minus its row number when the input has no lines
	fp   uint64 // the fingerprint of the tracked dropped text columns
}

type tagCol struct {
	in    int // input column, or -1 for a default tag
	name  string
	value string // a default tag's value
}

type fieldCol struct {
	in   int
	name string
	text bool // a string field; otherwise a float field
}

// newNormalizer decides what each column of s becomes. file names the
// input in errors and rejects; rows is its number of data rows, or -1 when
// unknown. A header without rows, a mixed-type column under MixedReject, a
// text column under StringsReject, a missing or ambiguous time column, a
// column that breaks opts.Contract is a *SchemaError carrying the report
// (several are joined); an unknown column in the options is an error.
// opts are validated.
func newNormalizer(s *frame.Schema, file string, rows int64, opts Options) (*normalizer, error) {
	n := &normalizer{opts: opts, file: file, in: s, mem: memory.DefaultAllocator, timeIdx: -1, timeRefused: -1, contract: opts.Contract}
	n.report = Report{File: file, Measurement: opts.Measurement, Rejects: map[string]int64{}}
	if c := n.contract; c != nil {
		n.opts.TimeColumn, n.opts.TimeFormat = c.TimeColumn, c.TimeFormat
		n.opts.Tags, n.opts.StringFields = c.textColumns(s)
		if n.report.Measurement == "" {
			n.report.Measurement = c.Measurement
		}
		if n.opts.Precision == 0 {
			n.opts.Precision = c.Precision
		}
	}
	if n.report.Measurement == "" {
		n.report.Measurement = s.Measurement
	}
	if n.report.Measurement == "" && file != "" {
		n.report.Measurement = frame.BaseName(file)
	}
	if n.report.Measurement == "" {
		return nil, fmt.Errorf("%w: no measurement: the input has no name to take it from; set Options.Measurement", ErrOptions)
	}
	for _, list := range [][]string{opts.Tags, opts.StringFields, opts.Fields, opts.Exclude} {
		for _, c := range list {
			if s.Index(c) < 0 {
				return nil, fmt.Errorf("transform: %s: %w %q (columns: %s)", file, ErrNoColumn, c, strings.Join(s.Names(), ", "))
			}
		}
	}
	if rows == 0 {
		for _, c := range s.Columns {
			n.report.Columns = append(n.report.Columns, ColumnReport{Name: c.Name, Kind: c.Kind, Role: RoleDropped, Action: "no data"})
		}
		return nil, &SchemaError{Report: n.Report(), Errs: []error{
			fmt.Errorf("transform: %s: %w: the input has a header (%d columns) and nothing else; there is nothing to import", file, ErrNoRows, len(s.Columns))}}
	}
	var errs []error
	if n.contract != nil {
		errs = n.checkContract()
	}
	if len(errs) == 0 {
		if err := n.pickTime(); errors.Is(err, ErrNoTimeColumn) || errors.Is(err, ErrAmbiguousTime) {
			errs = append(errs, err)
		} else if err != nil {
			return nil, err
		}
	}
	n.colRep = make([]int, len(s.Columns))
	for i, c := range s.Columns {
		cr := ColumnReport{Name: c.Name, Kind: c.Kind}
		if c.Stats != nil {
			cr.Nulls = c.Stats.Count(frame.CellEmpty)
			cr.NaN = c.Stats.NaN
		}
		n.colRep[i] = len(n.report.Columns)
		switch {
		case i == n.timeIdx:
			cr.Role, cr.Action = frame.RoleTime.String(), "parsed as time ("+n.report.TimeFormat+")"
		case i == n.timeRefused:
			cr.Role, cr.Action = frame.RoleTime.String(), "rejected: ambiguous integer times (--time-format)"
		case n.contract != nil:
			n.contractRole(i, &cr)
		case contains(opts.Exclude, c.Name):
			cr.Role, cr.Action = RoleDropped, "dropped: excluded"
		case contains(opts.Tags, c.Name):
			cr.Role, cr.Action = frame.RoleTag.String(), "kept as text"
			n.tags = append(n.tags, tagCol{in: i, name: c.Name})
		case contains(opts.StringFields, c.Name):
			cr.Role, cr.Action = frame.RoleField.String(), "kept as text (string field)"
			n.fields = append(n.fields, n.textField(i))
		case len(opts.Fields) > 0 && !contains(opts.Fields, c.Name):
			cr.Role, cr.Action = RoleDropped, "dropped: not in --fields"
		default:
			err := n.decide(i, &cr)
			if err != nil {
				errs = append(errs, err)
			}
		}
		n.report.Columns = append(n.report.Columns, cr)
	}
	if len(errs) > 0 {
		return nil, &SchemaError{Report: n.Report(), Errs: errs}
	}
	if n.contract != nil {
		n.contract.order(n.tags, n.fields)
	}
	for _, k := range sortedKeys(opts.DefaultTags) {
		if s.Index(k) >= 0 || opts.DefaultTags[k] == "" {
			continue
		}
		n.tags = append(n.tags, tagCol{in: -1, name: k, value: opts.DefaultTags[k]})
		n.report.Columns = append(n.report.Columns, ColumnReport{Name: k, Kind: frame.KindText,
			Role: frame.RoleTag.String(), Action: fmt.Sprintf("default tag %q", opts.DefaultTags[k])})
	}
	if len(n.fields) == 0 {
		return nil, fmt.Errorf("transform: %s: %w (columns: %s)", file, ErrNoFields, n.describeColumns())
	}
	n.pickPrecision()
	switch opts.Duplicates {
	case DuplicatesReject:
		n.report.DuplicatesAction = "rejected"
	case DuplicatesLast:
		n.report.DuplicatesAction = "written; the server keeps the last value of each field"
	case DuplicatesOffset:
		n.report.DuplicatesAction = "shifted by one " + n.report.Precision.String() + " each"
	}
	n.trackDropped()
	n.seen = newPointKeys(len(n.track) > 0)
	return n, n.buildSchema()
}

// decide applies the kind-driven rules to an undeclared column.
func (n *normalizer) decide(i int, cr *ColumnReport) error {
	c := n.in.Columns[i]
	t := n.in.Arrow().Field(i).Type
	switch c.Kind {
	case frame.KindNull:
		cr.Role, cr.Action = RoleDropped, "dropped: empty"
	case frame.KindBool, frame.KindInt, frame.KindFloat:
		if !numericType(t) {
			cr.Role, cr.Action = RoleDropped, "dropped: unsupported type "+t.String()
			return nil
		}
		cr.Role = frame.RoleField.String()
		switch c.Kind {
		case frame.KindBool:
			cr.Action = "cast from bool"
		case frame.KindInt:
			cr.Action = "cast from int"
		default:
			cr.Action = "kept"
		}
		n.fields = append(n.fields, n.numField(i))
	case frame.KindMixed:
		off := offending(c.Stats)
		cr.Offending = off
		if n.opts.Mixed == MixedDrop {
			cr.Role = RoleDropped
			cr.Action = "dropped: mixed (" + mixedDetail(c.Stats) + ")"
			return nil
		}
		pe := &frame.ParseError{File: n.file, Column: i + 1, ColumnName: c.Name,
			Err: fmt.Errorf("%w (%s); use --mixed drop to drop it, or --string-fields/--tags to keep it as text", ErrMixedColumn, mixedDetail(c.Stats))}
		if len(off) > 0 {
			pe.Line, pe.Value = off[0].Line, off[0].Value
		}
		cr.Role, cr.Action = RoleDropped, "rejected: mixed"
		return pe
	default: // text, and timestamps other than the time column
		switch n.opts.Strings {
		case StringsTag:
			cr.Role, cr.Action = frame.RoleTag.String(), "kept as text (tag, --strings tag)"
			n.tags = append(n.tags, tagCol{in: i, name: c.Name})
		case StringsField:
			cr.Role, cr.Action = frame.RoleField.String(), "kept as text (string field, --strings field)"
			n.fields = append(n.fields, n.textField(i))
		case StringsReject:
			cr.Role, cr.Action = RoleDropped, "rejected: text"
			pe := &frame.ParseError{File: n.file, Column: i + 1, ColumnName: c.Name,
				Err: fmt.Errorf("%w; declare it with --tags or --string-fields, or use --strings drop", ErrTextColumn)}
			if c.Stats != nil {
				if s := c.Stats.First[frame.CellText]; s.Line > 0 {
					pe.Line, pe.Value = s.Line, s.Value
				} else if s := c.Stats.First[frame.CellTime]; s.Line > 0 {
					pe.Line, pe.Value = s.Line, s.Value
				}
			}
			return pe
		default:
			cr.Role, cr.Action = RoleDropped, "dropped: text (declare with --tags or --string-fields to keep)"
		}
	}
	return nil
}

// offending returns the first cells of a mixed column's minority kind.
func offending(s *frame.Stats) []frame.Sample {
	if s == nil {
		return nil
	}
	numeric := s.Count(frame.CellBool) + s.Count(frame.CellInt) + s.Count(frame.CellFloat)
	text := s.Count(frame.CellText) + s.Count(frame.CellTime)
	kinds := []frame.CellKind{frame.CellText, frame.CellTime}
	if numeric < text {
		kinds = []frame.CellKind{frame.CellBool, frame.CellInt, frame.CellFloat}
	}
	var out []frame.Sample
	for _, k := range kinds {
		if s.Count(k) > 0 {
			out = append(out, s.First[k])
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out
}

func mixedDetail(s *frame.Stats) string {
	if s == nil {
		return "numbers and text"
	}
	var parts []string
	for _, k := range []frame.CellKind{frame.CellBool, frame.CellInt, frame.CellFloat, frame.CellTime, frame.CellText} {
		if c := s.Count(k); c > 0 {
			f := s.First[k]
			parts = append(parts, fmt.Sprintf("%d %s, first %q at line %d", c, k, f.Value, f.Line))
		}
	}
	return strings.Join(parts, "; ")
}

func numericType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

func (n *normalizer) describeColumns() string {
	parts := make([]string, len(n.report.Columns))
	for i, c := range n.report.Columns {
		parts[i] = fmt.Sprintf("%s %s: %s", c.Name, c.Kind, c.Action)
	}
	return strings.Join(parts, "; ")
}

// buildSchema lays out the output: time, tags, fields.
func (n *normalizer) buildSchema() error {
	cols := []frame.Column{{Name: "time", Kind: frame.KindTime, Role: frame.RoleTime}}
	fields := []arrow.Field{{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}}}
	// The time column keeps its input name unless a tag or field has it.
	name := n.in.Columns[n.timeIdx].Name
	clash := false
	for _, t := range n.tags {
		clash = clash || t.name == name
	}
	for _, f := range n.fields {
		clash = clash || f.name == name
	}
	if !clash {
		cols[0].Name, fields[0].Name = name, name
	}
	for _, t := range n.tags {
		cols = append(cols, frame.Column{Name: t.name, Kind: frame.KindText, Role: frame.RoleTag})
		fields = append(fields, arrow.Field{Name: t.name, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	for _, f := range n.fields {
		k, typ := frame.KindFloat, arrow.DataType(arrow.PrimitiveTypes.Float64)
		if f.text {
			k, typ = frame.KindText, arrow.BinaryTypes.String
		}
		cols = append(cols, frame.Column{Name: f.name, Kind: k, Role: frame.RoleField})
		fields = append(fields, arrow.Field{Name: f.name, Type: typ, Nullable: true})
	}
	s, err := frame.NewSchema(cols, n.report.Measurement, arrow.NewSchema(fields, nil))
	if err != nil {
		return fmt.Errorf("transform: %w", err)
	}
	n.out = s.WithPrecision(n.report.Precision)
	return nil
}

// Report returns a copy of the report so far, with the suggestions the
// duplicates seen so far make.
func (n *normalizer) Report() Report {
	r := n.report
	r.Columns = append([]ColumnReport(nil), n.report.Columns...)
	r.Rejects = make(map[string]int64, len(n.report.Rejects))
	for k, v := range n.report.Rejects {
		r.Rejects[k] = v
	}
	r.Suggestions = append(append([]Suggestion(nil), n.report.Suggestions...), n.dupSuggestions()...)
	if len(r.Suggestions) == 0 {
		r.Suggestions = nil
	}
	return r
}

// apply normalises one chunk. lines gives each row's source line (nil when
// unknown). It returns the normalised record (the caller releases it), the
// source line of each of its rows (nil when lines is), appended to kept,
// and the rows that could not become points, appended to rejects and
// already counted in the report.
func (n *normalizer) apply(rec arrow.Record, lines, kept []int64, rejects []frame.Reject) (arrow.Record, []int64, []frame.Reject, error) {
	if rec.NumCols() != int64(len(n.in.Columns)) {
		return nil, kept, rejects, fmt.Errorf("transform: %s: record does not match the input schema", n.file)
	}
	rows := int(rec.NumRows())
	first := n.rows // data rows before this chunk
	n.rows += int64(rows)
	n.report.RowsRead += int64(rows)
	timeArr := rec.Column(n.timeIdx)
	reject := func(i int, reason, detail string) {
		n.report.RowsRejected++
		n.report.Rejects[reason]++
		var line int64
		if lines != nil {
			line = lines[i]
		}
		msg := reason
		if detail != "" {
			msg += ": " + detail
		}
		rejects = append(rejects, frame.Reject{File: n.file, Line: line, Row: first + int64(i) + 1, Reason: msg, Cells: rowText(rec, i)})
	}
	views := viewsOf(rec)
	// The rows that become points, and their times, row by row; then the
	// columns of those points, column by column.
	keep, times := n.keep[:0], n.times[:0]
	series := n.series[:0]
	for i := 0; i < rows; i++ {
		if i%touchRows == 0 {
			// The series of the next rows, whose keys duplicate
			// detection then finds in memory it has just read.
			series = series[:0]
			for j := i; j < min(i+touchRows, rows); j++ {
				series = append(series, n.seriesKey(views, j))
			}
			n.seen.touch(series)
		}
		if timeArr.IsNull(i) {
			reject(i, ReasonNoTime, "")
			continue
		}
		ts, err := n.timeOf(timeArr, i)
		if err != nil {
			reject(i, ReasonBadTime, err.Error())
			continue
		}
		if ts%n.unit != 0 {
			reject(i, ReasonPrecision, "precision "+n.report.Precision.String())
			continue
		}
		any := false
		for _, f := range n.fields {
			if views[f.in].present(i, f.text) {
				any = true
				break
			}
		}
		if !any {
			reject(i, ReasonNoFields, "")
			continue
		}
		ts, dupOf, ok := n.dedupe(rec, series[i%touchRows], i, ts, lines, first)
		if !ok {
			reject(i, ReasonDuplicate, "same tags and time as "+dupOf)
			continue
		}
		if lines != nil {
			kept = append(kept, lines[i])
		}
		keep, times = append(keep, i), append(times, arrow.Timestamp(ts))
	}
	n.keep, n.times, n.series = keep, times, series
	n.report.PointsBuilt += int64(len(keep))
	cols := make([]arrow.Array, 0, 1+len(n.tags)+len(n.fields))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	tsB := array.NewTimestampBuilder(n.mem, n.out.Arrow().Field(0).Type.(*arrow.TimestampType))
	tsB.AppendValues(times, nil)
	cols = append(cols, tsB.NewArray())
	tsB.Release()
	all := len(keep) == rows // every row a point: columns may be used as they are
	for _, t := range n.tags {
		cols = append(cols, n.tagColumn(t, views, keep, all))
	}
	for _, f := range n.fields {
		cols = append(cols, n.fieldColumn(f, views, keep, all))
	}
	return array.NewRecord(n.out.Arrow(), cols, int64(len(keep))), kept, rejects, nil
}

// tagColumn returns tag t of the points of rows keep: null where the cell
// is null or empty (textColumn).
func (n *normalizer) tagColumn(t tagCol, views []colView, keep []int, all bool) arrow.Array {
	if t.in >= 0 {
		return n.textColumn(&views[t.in], keep, all, true)
	}
	sb := array.NewStringBuilder(n.mem) // a default tag
	defer sb.Release()
	sb.Reserve(len(keep))
	for range keep {
		sb.Append(t.value)
	}
	return sb.NewArray()
}

// textColumn returns the text of column v for the points of rows keep:
// null where null, and where empty if emptyNull. A string column that
// needs no change, every row of which is a point, is used as it is.
func (n *normalizer) textColumn(v *colView, keep []int, all, emptyNull bool) arrow.Array {
	if all && v.str != nil && !(emptyNull && hasEmpty(v.str)) {
		v.str.Retain()
		return v.str
	}
	sb := array.NewStringBuilder(n.mem)
	defer sb.Release()
	if v.str != nil {
		sb.ReserveData(len(v.str.ValueBytes()))
	}
	sb.Reserve(len(keep))
	for _, i := range keep {
		if v.arr.IsNull(i) {
			sb.AppendNull()
		} else if s := v.text(i); s == "" && emptyNull {
			sb.AppendNull()
		} else {
			sb.Append(s)
		}
	}
	return sb.NewArray()
}

// fieldColumn returns field f of the points of rows keep: a string field
// as its text (null where null: textColumn), a float field as float64,
// null where null, NaN or infinite (counted in the report). A float64
// column that needs no change, every row of which is a point, is used as
// it is.
func (n *normalizer) fieldColumn(f fieldCol, views []colView, keep []int, all bool) arrow.Array {
	v := &views[f.in]
	if f.text {
		return n.textColumn(v, keep, all, false)
	}
	if all && v.f64 != nil && finite(v.f64, v.arr) {
		v.arr.Retain()
		return v.arr
	}
	fb := array.NewFloat64Builder(n.mem)
	defer fb.Release()
	fb.Reserve(len(keep))
	for _, i := range keep {
		x, ok := v.float(i)
		switch {
		case !ok:
			fb.AppendNull()
		case math.IsNaN(x) || math.IsInf(x, 0):
			n.report.NaN++
			fb.AppendNull()
		default:
			fb.UnsafeAppend(x)
		}
	}
	return fb.NewArray()
}

// hasEmpty reports whether a holds an empty string that is not null.
func hasEmpty(a *array.String) bool {
	offs := a.ValueOffsets()
	for i := range a.Len() {
		if offs[i+1] == offs[i] && a.IsValid(i) {
			return true
		}
	}
	return false
}

// finite reports whether the values of arr, whose values are vals, that
// are not null are all finite.
func finite(vals []float64, arr arrow.Array) bool {
	for i, x := range vals {
		if (math.IsNaN(x) || math.IsInf(x, 0)) && arr.IsValid(i) {
			return false
		}
	}
	return true
}

// dedupe applies the duplicates policy to a row's key. It returns the
// (possibly shifted) timestamp, and ok=false with the first row's position
// ("line 12", "row 12") when the row must be rejected.
func (n *normalizer) dedupe(rec arrow.Record, series uint64, i int, ts int64, lines []int64, before int64) (int64, string, bool) {
	// seen maps a key to the first row's line, or to minus its row number
	// when the input has no lines, and to the fingerprint of its dropped
	// text columns.
	row := firstRow{line: -(before + int64(i) + 1)}
	if lines != nil {
		row.line = lines[i]
	}
	if len(n.track) > 0 {
		row.fp = n.fingerprint(rec, i)
	}
	shifted := false
	for {
		first, dup := n.seen.add(series, ts, row)
		if !dup {
			if shifted {
				n.report.Duplicates++
			}
			return ts, "", true
		}
		if !shifted {
			n.countDiffering(first.fp, row.fp)
		}
		switch n.opts.Duplicates {
		case DuplicatesLast:
			n.report.Duplicates++
			return ts, "", true
		case DuplicatesOffset:
			shifted = true
			ts += n.unit
		default:
			n.report.Duplicates++
			if first.line < 0 {
				return ts, fmt.Sprintf("row %d", -first.line), false
			}
			return ts, fmt.Sprintf("line %d", first.line), false
		}
	}
}

// seriesKey hashes a row's tag set with 64-bit FNV-1a. Two different
// keys collide with a probability of about n²/2⁶⁵ for n series: a
// collision would be reported as a duplicate, with the line of the other
// row, never dropped silently.
func (n *normalizer) seriesKey(views []colView, i int) uint64 {
	b := n.keyBuf[:0]
	for _, t := range n.tags {
		if t.in < 0 {
			continue // the same on every row
		}
		if v := &views[t.in]; !v.arr.IsNull(i) {
			b = append(b, v.text(i)...)
		}
		b = append(b, 0)
	}
	n.keyBuf = b
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// rowText returns input row i as text cells.
func rowText(rec arrow.Record, i int) []string {
	row := make([]string, rec.NumCols())
	for c := range row {
		row[c] = frame.FormatValue(rec.Column(c), i)
	}
	return row
}

func (n *normalizer) numField(i int) fieldCol {
	return fieldCol{in: i, name: n.in.Columns[i].Name}
}

func (n *normalizer) textField(i int) fieldCol {
	return fieldCol{in: i, name: n.in.Columns[i].Name, text: true}
}

// A colView is a column of a record with its values typed once, so that
// the row loop reads them without a type switch per cell: the values of
// a Float64 column, or the String array of a text column.
type colView struct {
	arr arrow.Array
	f64 []float64                          // the values of a float64 column
	i64 []int64                            // ... of an int64 column
	num func(a arrow.Array, i int) float64 // ... of another numeric column (frame.FloatGetter)
	str *array.String
	boo *array.Boolean
}

// viewsOf returns the views of rec's columns.
func viewsOf(rec arrow.Record) []colView {
	views := make([]colView, rec.NumCols())
	for c := range views {
		arr := rec.Column(c)
		views[c].arr = arr
		switch a := arr.(type) {
		case *array.Float64:
			views[c].f64 = a.Float64Values()
		case *array.Int64:
			views[c].i64 = a.Int64Values()
		case *array.String:
			views[c].str = a
		case *array.Boolean:
			views[c].boo = a
		default:
			views[c].num = frame.FloatGetter(arr.DataType())
		}
	}
	return views
}

// float returns row i as a float field's value: a number as float64, a
// bool as 1 or 0; false when null or of another type.
func (v *colView) float(i int) (float64, bool) {
	switch {
	case v.f64 != nil:
		return v.f64[i], v.arr.IsValid(i)
	case v.i64 != nil:
		return float64(v.i64[i]), v.arr.IsValid(i)
	case v.arr.IsNull(i):
		return 0, false
	case v.num != nil:
		return v.num(v.arr, i), true
	case v.boo != nil:
		if v.boo.Value(i) {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// text returns row i as text, as frame.FormatValue does.
func (v *colView) text(i int) string {
	if v.str != nil {
		return v.str.Value(i)
	}
	return frame.FormatValue(v.arr, i)
}

// present reports whether row i holds a value of a field: any non-null
// cell of a string field, a finite number of a float field.
func (v *colView) present(i int, text bool) bool {
	if text {
		return !v.arr.IsNull(i)
	}
	x, ok := v.float(i)
	return ok && !math.IsNaN(x) && !math.IsInf(x, 0)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
