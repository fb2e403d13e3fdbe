package sink

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
)

// col describes one column of a test record.
type col struct {
	name string
	role frame.Role
	typ  arrow.DataType // nil: timestamp(ns) for time, string for tags, float64 for fields
}

var tsNS = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

func (c col) dataType() arrow.DataType {
	if c.typ != nil {
		return c.typ
	}
	switch c.role {
	case frame.RoleTime:
		return tsNS
	case frame.RoleField:
		return arrow.PrimitiveTypes.Float64
	default:
		return arrow.BinaryTypes.String
	}
}

// makeRecord builds a normalised record. A nil cell is a null; time cells
// are int64, float fields float64, string cells string (or []byte for
// raw, possibly invalid, bytes).
func makeRecord(tb testing.TB, mem memory.Allocator, measurement string, cols []col, rows [][]any) arrow.Record {
	tb.Helper()
	return makeRecordPrec(tb, mem, measurement, 0, cols, rows)
}

// makeRecordPrec is makeRecord for records that carry a precision.
func makeRecordPrec(tb testing.TB, mem memory.Allocator, measurement string, prec frame.Precision, cols []col, rows [][]any) arrow.Record {
	tb.Helper()
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	fcols := make([]frame.Column, len(cols))
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fcols[i] = frame.Column{Name: c.name, Kind: frame.KindOfType(c.dataType()), Role: c.role}
		fields[i] = arrow.Field{Name: c.name, Type: c.dataType(), Nullable: true}
	}
	s, err := frame.NewSchema(fcols, measurement, arrow.NewSchema(fields, nil))
	if err != nil {
		tb.Fatal(err)
	}
	if prec != 0 {
		s = s.WithPrecision(prec)
	}
	b := array.NewRecordBuilder(mem, s.Arrow())
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v.(int64)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.StringBuilder:
				switch v := v.(type) {
				case string:
					fb.Append(v)
				case []byte:
					fb.BinaryBuilder.Append(v)
				}
			case *array.LargeStringBuilder:
				fb.Append(v.(string))
			default:
				tb.Fatalf("makeRecord: unsupported builder %T", fb)
			}
		}
	}
	return b.NewRecord()
}

// point is a decoded (or expected) line-protocol point.
type point struct {
	Measurement string
	Tags        [][2]string
	Fields      []field
	Time        int64
}

type field struct {
	Key   string
	Value any // float64 or string
}

func (p point) String() string {
	return fmt.Sprintf("%q %q %v %d", p.Measurement, p.Tags, p.Fields, p.Time)
}

// decodeAll decodes line protocol at precision prec.
func decodeAll(tb testing.TB, buf []byte, prec frame.Precision) []point {
	tb.Helper()
	var pts []point
	dec := lineprotocol.NewDecoderWithBytes(buf)
	for dec.Next() {
		var p point
		m, err := dec.Measurement()
		if err != nil {
			tb.Fatalf("decode measurement: %v\n%s", err, buf)
		}
		p.Measurement = string(m)
		for {
			k, v, err := dec.NextTag()
			if err != nil {
				tb.Fatalf("decode tag: %v\n%s", err, buf)
			}
			if k == nil {
				break
			}
			p.Tags = append(p.Tags, [2]string{string(k), string(v)})
		}
		for {
			k, v, err := dec.NextField()
			if err != nil {
				tb.Fatalf("decode field: %v\n%s", err, buf)
			}
			if k == nil {
				break
			}
			f := field{Key: string(k)}
			switch v.Kind() {
			case lineprotocol.Float:
				f.Value = v.FloatV()
			case lineprotocol.String:
				f.Value = v.StringV()
			case lineprotocol.Int:
				f.Value = v.IntV()
			default:
				tb.Fatalf("decode: unexpected field kind %v", v.Kind())
			}
			p.Fields = append(p.Fields, f)
		}
		ts, err := dec.Time(lineproto.ProtocolPrecision(prec), time.Time{})
		if err != nil {
			tb.Fatalf("decode time: %v\n%s", err, buf)
		}
		p.Time = ts.UnixNano()
		pts = append(pts, p)
	}
	if err := dec.Err(); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return pts
}

func samePoint(a, b point) bool { return a.String() == b.String() }
