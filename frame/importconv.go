package frame

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

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
// NaN, +Inf and -Inf (as formatFloat does; JSON has no spelling for them).
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
