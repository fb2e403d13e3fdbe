package sink_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
)

// normalised builds the kind of record the transform package makes.
func normalised() arrow.Record {
	cols := []frame.Column{
		{Name: "time", Kind: frame.KindTime, Role: frame.RoleTime},
		{Name: "station", Kind: frame.KindText, Role: frame.RoleTag},
		{Name: "temp", Kind: frame.KindFloat, Role: frame.RoleField},
		{Name: "sky", Kind: frame.KindText, Role: frame.RoleField},
	}
	s, err := frame.NewSchema(cols, "weather", arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}},
		{Name: "station", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "temp", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "sky", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil))
	if err != nil {
		log.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, s.Arrow())
	defer b.Release()
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano()
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(t0), arrow.Timestamp(t0 + 1e9), arrow.Timestamp(t0 + 2e9)}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Oslo, Blindern", "Bergen", ""}, []bool{true, true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{11.5, 0, 0}, []bool{true, false, false})
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"clear", `"grey"`, ""}, []bool{true, true, false})
	return b.NewRecord()
}

func ExampleEncoder() {
	rec := normalised()
	defer rec.Release()
	enc, err := sink.NewEncoder(sink.EncodeOptions{Precision: lineprotocol.Second})
	if err != nil {
		log.Fatal(err)
	}
	if err := enc.Reset(rec); err != nil {
		log.Fatal(err)
	}
	var buf []byte
	for i := range int(rec.NumRows()) {
		buf, err = enc.AppendRow(buf, i)
		if err != nil {
			fmt.Println(err)
		}
	}
	fmt.Print(string(buf))
	// Output:
	// sink: row 2: no field value
	// weather,station=Oslo\,\ Blindern temp=11.5,sky="clear" 1714564800
	// weather,station=Bergen sky="\"grey\"" 1714564801
}

func ExampleRejects() {
	r := sink.NewRejectsWriter(os.Stdout)
	r.AddLines("HTTP 422: field type conflict", lineprotocol.Second, []byte("weather temp=1 1714564800\n"))
	r.AddRow("weather.csv", 4, "no field value", []string{"2024-05-01T12:00:02Z", "", "", ""})
	r.Close()
	// Output:
	// # HTTP 422: field type conflict
	// weather temp=1 1714564800000000000
	// # weather.csv:4: no field value: 2024-05-01T12:00:02Z,,,
}

// The writer needs a server: this example is compiled, not run.
func ExampleWriter() {
	client := influxdb2.NewClient("http://localhost:8086", os.Getenv("INFLUXDB_V2_TOKEN"))
	defer client.Close()
	rejects := sink.NewRejects("weather.rejected.lp")
	defer rejects.Close()
	w, err := sink.NewWriter(client, "my-org", "my-bucket", sink.Options{
		Precision: lineprotocol.Second,
		Rejects:   rejects,
	})
	if err != nil {
		log.Fatal(err)
	}
	chunks := make(chan sink.Chunk)
	go func() {
		defer close(chunks) // always, also when the write stops early
		chunks <- sink.Chunk{Record: normalised(), Source: "weather.csv"}
	}()
	err = w.Run(context.Background(), chunks)
	st := w.Stats()
	fmt.Printf("%d rows: %d written, %d rejected, %d skipped\n", st.Rows, st.Written, st.Rejected, st.Skipped)
	if err != nil {
		log.Print(err) // errors.Is(err, sink.ErrRejected): see weather.rejected.lp
	}
}
