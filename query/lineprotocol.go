package query

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/influxframe/influxframe/frame"
)

// WriteLineProtocol writes f as InfluxDB line protocol with nanosecond
// timestamps, so that a query result can be written back with
// `influxframe import`:
//
//   - measurement: the _measurement column, else the schema's Measurement;
//     a frame with neither is an error;
//   - tags: the string columns whose role is tag, in name order; a null tag
//     is left out of its line;
//   - fields: in long form (a frame with _field and _value columns) one
//     field per row, named by _field; otherwise every column whose role is
//     field, except _time (a pivoted frame);
//   - timestamp: the _time column when it is a timestamp; a null _time is a
//     line without a timestamp.
//
// Field values keep their type (float, integer, unsigned, boolean, string);
// durations are integers of nanoseconds and other types their text (invalid
// UTF-8 in a string replaced by U+FFFD, which InfluxDB requires). Nulls,
// NaN and ±Inf are left out, since InfluxDB cannot store them. A row left
// with no field at all cannot be a point: it is written as a comment line
// "# row N: no field values" (N counting rows from 1), so that nothing is
// dropped silently. Other columns (result, table, _start, _stop) are not
// written.
func WriteLineProtocol(w io.Writer, f *frame.Frame) error {
	s := f.Schema()
	as := s.Arrow()
	mi := s.Index("_measurement")
	if mi >= 0 && as.Field(mi).Type.ID() != arrow.STRING {
		mi = -1
	}
	if mi < 0 && s.Measurement == "" {
		return fmt.Errorf("query: line protocol: no _measurement column and no measurement")
	}
	ti := s.Index("_time")
	if ti >= 0 && as.Field(ti).Type.ID() != arrow.TIMESTAMP {
		ti = -1
	}
	var tags []int
	for i, c := range s.Columns {
		if c.Role == frame.RoleTag && as.Field(i).Type.ID() == arrow.STRING && i != mi {
			tags = append(tags, i)
		}
	}
	sort.Slice(tags, func(a, b int) bool { return s.Columns[tags[a]].Name < s.Columns[tags[b]].Name })
	fi, vi := s.Index("_field"), s.Index("_value")
	long := fi >= 0 && vi >= 0 && as.Field(fi).Type.ID() == arrow.STRING
	var fields []int
	if long {
		fields = []int{vi}
	} else {
		for i, c := range s.Columns {
			if c.Role == frame.RoleField && i != ti {
				fields = append(fields, i)
			}
		}
	}
	values := make([]lpValue, len(fields))
	for j, i := range fields {
		values[j] = newLPValue(as.Field(i).Type)
	}

	var enc lineprotocol.Encoder
	enc.SetPrecision(lineprotocol.Nanosecond)
	buf := make([]byte, 0, 64<<10)
	enc.SetBuffer(buf)
	row := int64(0)
	for _, rec := range f.Chunks() {
		var meas, fieldNames *array.String
		if mi >= 0 {
			meas = rec.Column(mi).(*array.String)
		}
		if long {
			fieldNames = rec.Column(fi).(*array.String)
		}
		var times *array.Timestamp
		if ti >= 0 {
			times = rec.Column(ti).(*array.Timestamp)
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			row++
			m := s.Measurement
			if meas != nil {
				if meas.IsNull(r) {
					return fmt.Errorf("query: line protocol: row %d: null _measurement", row)
				}
				m = meas.Value(r)
			}
			started := false
			for j, i := range fields {
				v, ok := values[j](rec.Column(i), r)
				if !ok {
					continue
				}
				name := s.Columns[i].Name
				if long {
					if fieldNames.IsNull(r) {
						continue
					}
					name = fieldNames.Value(r)
				}
				if !started {
					started = true
					enc.StartLine(m)
					for _, t := range tags {
						ta := rec.Column(t).(*array.String)
						if ta.IsValid(r) && ta.Value(r) != "" {
							enc.AddTag(s.Columns[t].Name, ta.Value(r))
						}
					}
				}
				enc.AddField(name, v)
			}
			if !started {
				b := append(enc.Bytes(), "# row "...)
				b = strconv.AppendInt(b, row, 10)
				b = append(b, ": no field values\n"...)
				enc.SetBuffer(b)
				continue
			}
			var t time.Time
			if times != nil && times.IsValid(r) {
				t = time.Unix(0, int64(times.Value(r)))
			}
			enc.EndLine(t)
			if err := enc.Err(); err != nil {
				return fmt.Errorf("query: line protocol: row %d: %w", row, err)
			}
			if len(enc.Bytes()) >= 60<<10 {
				if _, err := w.Write(enc.Bytes()); err != nil {
					return fmt.Errorf("query: line protocol: %w", err)
				}
				enc.SetBuffer(enc.Bytes()[:0])
			}
		}
	}
	if _, err := w.Write(enc.Bytes()); err != nil {
		return fmt.Errorf("query: line protocol: %w", err)
	}
	return nil
}

// lpValue returns value i of a as a line-protocol field value, and false
// for a null or a value InfluxDB cannot store.
type lpValue func(a arrow.Array, i int) (lineprotocol.Value, bool)

func newLPValue(t arrow.DataType) lpValue {
	switch t.ID() {
	case arrow.FLOAT64, arrow.FLOAT32, arrow.FLOAT16:
		get := floatGetter(t)
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.FloatValue(get(a, i))
		}
	case arrow.INT64:
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.IntValue(a.(*array.Int64).Value(i)), true
		}
	case arrow.UINT64:
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.UintValue(a.(*array.Uint64).Value(i)), true
		}
	case arrow.BOOL:
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.BoolValue(a.(*array.Boolean).Value(i)), true
		}
	case arrow.DURATION:
		mul := int64(t.(*arrow.DurationType).Unit.Multiplier())
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.IntValue(int64(a.(*array.Duration).Value(i)) * mul), true
		}
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		get := floatGetter(t)
		return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
			if a.IsNull(i) {
				return lineprotocol.Value{}, false
			}
			return lineprotocol.IntValue(int64(get(a, i))), true
		}
	}
	return func(a arrow.Array, i int) (lineprotocol.Value, bool) {
		if a.IsNull(i) {
			return lineprotocol.Value{}, false
		}
		v := frame.FormatValue(a, i)
		if lv, ok := lineprotocol.StringValue(v); ok {
			return lv, true
		}
		return lineprotocol.StringValue(strings.ToValidUTF8(v, "\uFFFD"))
	}
}
