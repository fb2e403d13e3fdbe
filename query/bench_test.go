package query_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxdata/influxdb-client-go/v2/api"
	"github.com/influxframe/influxframe/query"
)

// benchResponse is annotated CSV as Flux writes it for a range() over
// series hosts x 2 fields (a double and a long), rows points each.
func benchResponse(series, rows int) []byte {
	var b bytes.Buffer
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	table := 0
	for _, field := range []struct{ name, typ string }{{"usage", "double"}, {"count", "long"}} {
		fmt.Fprintf(&b, "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339Nano,%s,string,string,string\r\n", field.typ)
		b.WriteString("#group,false,false,true,true,false,false,true,true,true\r\n")
		b.WriteString("#default,_result,,,,,,,,\r\n")
		b.WriteString(",result,table,_start,_stop,_time,_value,_field,_measurement,host\r\n")
		for s := 0; s < series; s++ {
			for r := 0; r < rows; r++ {
				ts := start.Add(time.Duration(r) * 10 * time.Second).Add(time.Duration(r%1000) * time.Millisecond)
				v := fmt.Sprint(r * 7 % 1000)
				if field.typ == "double" {
					v = fmt.Sprintf("%g", float64(r)*0.37)
				}
				fmt.Fprintf(&b, ",,%d,2021-01-01T00:00:00Z,2021-01-02T00:00:00Z,%s,%s,%s,cpu,host%03d\r\n",
					table, ts.Format(time.RFC3339Nano), v, field.name, s)
			}
			table++
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	in := benchResponse(20, 5000) // 200,000 rows
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		frames, err := query.Decode(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		release(frames)
	}
}

// BenchmarkQueryTableResult is the alternative the decoder was measured
// against: influxdb-client-go's own parser (a map of values per row),
// appending each value to Arrow builders.
func BenchmarkQueryTableResult(b *testing.B) {
	in := benchResponse(20, 5000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := api.NewQueryTableResult(io.NopCloser(bytes.NewReader(in)))
		var bld *array.RecordBuilder
		var names []string
		var recs []arrow.Record
		for res.Next() {
			if res.TableChanged() {
				if bld != nil {
					recs = append(recs, bld.NewRecord())
					bld.Release()
				}
				cols := res.TableMetadata().Columns()
				fields := make([]arrow.Field, len(cols))
				names = names[:0]
				for j, c := range cols {
					var t arrow.DataType = arrow.BinaryTypes.String
					switch c.DataType() {
					case "double":
						t = arrow.PrimitiveTypes.Float64
					case "long":
						t = arrow.PrimitiveTypes.Int64
					case "dateTime:RFC3339", "dateTime:RFC3339Nano":
						t = arrow.FixedWidthTypes.Timestamp_ns
					}
					fields[j] = arrow.Field{Name: c.Name(), Type: t, Nullable: true}
					names = append(names, c.Name())
				}
				bld = array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
			}
			vals := res.Record().Values()
			for j, n := range names {
				switch v := vals[n].(type) {
				case nil:
					bld.Field(j).AppendNull()
				case float64:
					bld.Field(j).(*array.Float64Builder).Append(v)
				case int64:
					bld.Field(j).(*array.Int64Builder).Append(v)
				case time.Time:
					bld.Field(j).(*array.TimestampBuilder).Append(arrow.Timestamp(v.UnixNano()))
				case string:
					bld.Field(j).(*array.StringBuilder).Append(v)
				}
			}
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
		if bld != nil {
			recs = append(recs, bld.NewRecord())
			bld.Release()
		}
		for _, r := range recs {
			r.Release()
		}
	}
}

func BenchmarkPivot(b *testing.B) {
	in := benchResponse(20, 5000)
	frames, err := query.Decode(bytes.NewReader(in))
	if err != nil {
		b.Fatal(err)
	}
	defer release(frames)
	var rows int64
	for _, f := range frames {
		rows += f.NumRows()
	}
	b.ReportMetric(float64(rows), "rows/op")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wide, err := query.Pivot(frames)
		if err != nil {
			b.Fatal(err)
		}
		release(wide)
	}
}

func BenchmarkCombine(b *testing.B) {
	in := benchResponse(20, 5000)
	frames, err := query.Decode(bytes.NewReader(in))
	if err != nil {
		b.Fatal(err)
	}
	defer release(frames)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		one, err := query.Combine(frames)
		if err != nil {
			b.Fatal(err)
		}
		one.Release()
	}
}
