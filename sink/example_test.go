package sink_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
)

// normalised builds the kind of record the transform package makes, at
// the precision of seconds.
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
	b := array.NewRecordBuilder(memory.DefaultAllocator, s.WithPrecision(frame.Second).Arrow())
	defer b.Release()
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano()
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(t0), arrow.Timestamp(t0 + 1e9), arrow.Timestamp(t0 + 2e9)}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Oslo, Blindern", "Bergen", ""}, []bool{true, true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{11.5, 0, 0}, []bool{true, false, false})
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"clear", `"grey"`, ""}, []bool{true, true, false})
	return b.NewRecord()
}

// WriteFile ends the same stages in a file: here, a dry run that prints
// the line protocol Write would post.
func ExampleWriteFile() {
	rec := normalised()
	f, err := frame.New(frame.SchemaFromArrow(rec.Schema()), rec)
	rec.Release()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Release()
	r := f.Reader()
	defer r.Release()
	var rejects bytes.Buffer
	st, err := sink.WriteFile(context.Background(), os.Stdout, frame.FormatLineProtocol, r, sink.Options{RejectsTo: &rejects})
	fmt.Println(err)
	fmt.Print(rejects.String())
	fmt.Printf("%d rows: %d written, %d lost\n", st.Rows, st.Written, st.Lost())
	// Output:
	// weather,station=Oslo\,\ Blindern temp=11.5,sky="clear" 1714564800
	// weather,station=Bergen sky="\"grey\"" 1714564801
	// input: 1 of 3 rows not written; they went to Options.RejectsTo
	// # no field values: 2024-05-01T12:00:02Z,,,
	// 3 rows: 2 written, 1 lost
}

// Write needs a server: this example is compiled, not run. The package
// example of influxframe's root shows the whole flow against a real one.
func ExampleWrite() {
	client := influxdb2.NewClient("http://localhost:8086", os.Getenv("INFLUXDB_V2_TOKEN"))
	defer client.Close()
	rec := normalised()
	f, err := frame.New(frame.SchemaFromArrow(rec.Schema()), rec)
	rec.Release()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Release()
	st, err := sink.WriteFrame(context.Background(), client, "my-org", "my-bucket", f, sink.Options{})
	fmt.Printf("%d rows: %d written, %d not\n", st.Rows, st.Written, st.Lost())
	if err != nil {
		// An *IncompleteError: how many rows, and the rejects file,
		// weather.rejected.lp, that holds them with their reasons.
		log.Print(err)
	}
}
