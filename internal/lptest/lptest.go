// Package lptest builds normalised records and decodes line protocol for
// the tests of the packages that encode and write it (lineproto, sink).
package lptest

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
)

// Col describes one column of a test record.
type Col struct {
	Name string
	Role frame.Role
	Type arrow.DataType // nil: timestamp(ns) for time, string for tags, float64 for fields
}

var tsNS = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}

func (c Col) dataType() arrow.DataType {
	if c.Type != nil {
		return c.Type
	}
	switch c.Role {
	case frame.RoleTime:
		return tsNS
	case frame.RoleField:
		return arrow.PrimitiveTypes.Float64
	default:
		return arrow.BinaryTypes.String
	}
}

// MakeRecord builds a normalised record. A nil cell is a null; time cells
// are int64, float fields float64, string cells string (or []byte for
// raw, possibly invalid, bytes).
func MakeRecord(tb testing.TB, mem memory.Allocator, measurement string, cols []Col, rows [][]any) arrow.Record {
	tb.Helper()
	return MakeRecordPrec(tb, mem, measurement, 0, cols, rows)
}

// MakeRecordPrec is MakeRecord for records that carry a precision.
func MakeRecordPrec(tb testing.TB, mem memory.Allocator, measurement string, prec frame.Precision, cols []Col, rows [][]any) arrow.Record {
	tb.Helper()
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	fcols := make([]frame.Column, len(cols))
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fcols[i] = frame.Column{Name: c.Name, Kind: frame.KindOfType(c.dataType()), Role: c.Role}
		fields[i] = arrow.Field{Name: c.Name, Type: c.dataType(), Nullable: true}
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
				tb.Fatalf("MakeRecord: unsupported builder %T", fb)
			}
		}
	}
	return b.NewRecord()
}

// Point is a decoded (or expected) line-protocol point.
type Point struct {
	Measurement string
	Tags        [][2]string
	Fields      []Field
	Time        int64
}

// Field is one field of a Point.
type Field struct {
	Key   string
	Value any // float64 or string
}

func (p Point) String() string {
	return fmt.Sprintf("%q %q %v %d", p.Measurement, p.Tags, p.Fields, p.Time)
}

// DecodeAll decodes line protocol at precision prec.
func DecodeAll(tb testing.TB, buf []byte, prec frame.Precision) []Point {
	tb.Helper()
	var pts []Point
	dec := lineprotocol.NewDecoderWithBytes(buf)
	for dec.Next() {
		var p Point
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
			f := Field{Key: string(k)}
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
		ts, err := dec.Time(precisions[prec], time.Time{})
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

// ExpectPoint is the point row should encode to, or false if it should
// not encode (no field value).
func ExpectPoint(measurement string, cols []Col, row []any, prec frame.Precision) (Point, bool) {
	p := Point{Measurement: measurement}
	for i, c := range cols {
		v := row[i]
		switch c.Role {
		case frame.RoleTime:
			d := int64(prec.Duration())
			p.Time = v.(int64) / d * d
		case frame.RoleTag:
			if s, ok := v.(string); ok && s != "" {
				p.Tags = append(p.Tags, [2]string{c.Name, s})
			}
		case frame.RoleField:
			switch v := v.(type) {
			case float64:
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					p.Fields = append(p.Fields, Field{c.Name, v})
				}
			case string:
				p.Fields = append(p.Fields, Field{c.Name, v})
			}
		}
	}
	sort.Slice(p.Tags, func(i, j int) bool { return p.Tags[i][0] < p.Tags[j][0] })
	return p, len(p.Fields) > 0
}

// SamePoint reports whether two points are equal.
func SamePoint(a, b Point) bool { return a.String() == b.String() }

// precisions maps frame's precisions to lineprotocol's.
var precisions = map[frame.Precision]lineprotocol.Precision{0: lineprotocol.Nanosecond, frame.Nanosecond: lineprotocol.Nanosecond,
	frame.Microsecond: lineprotocol.Microsecond, frame.Millisecond: lineprotocol.Millisecond, frame.Second: lineprotocol.Second}
