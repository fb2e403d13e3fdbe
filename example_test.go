package influxframe_test

import (
	"context"
	"fmt"
	"os"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

// The analyst's flow: a CSV file is read, normalised, written to InfluxDB
// and queried back into a gota DataFrame. The connection comes from the
// INFLUXDB_V2_* environment, as influxdb-client-python's
// from_env_properties reads it (on InfluxDB 1.8 the bucket is "db/rp" or
// "db"). Every row ends in the bucket or in testdata/weather.csv.rejected.lp,
// and err says so.
func Example() {
	ctx := context.Background()
	client := influxdb2.NewClient(os.Getenv("INFLUXDB_V2_URL"), os.Getenv("INFLUXDB_V2_TOKEN"))
	defer client.Close()
	org, bucket := os.Getenv("INFLUXDB_V2_ORG"), os.Getenv("INFLUXDB_V2_BUCKET")

	r, err := frame.Open(ctx, "testdata/weather.csv", frame.OpenOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	in, err := transform.NewReader(r, transform.Options{Tags: []string{"station"}, StringFields: []string{"sky"}})
	if err != nil {
		fmt.Println(err) // a mixed-type column, no time column: file, line and column
		return
	}
	defer in.Release()
	st, err := sink.Write(ctx, client, org, bucket, in, sink.Options{})
	if err != nil {
		fmt.Println(err) // how many rows were not written, and the file that holds them
		return
	}
	fmt.Println(st.Written, "points written to", st.Measurement)

	df, err := query.DataFrame(ctx, client, org, fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2024-03-01T00:00:00Z, stop: 2024-03-02T00:00:00Z)
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group() |> sort(columns: ["_time", "station"])
  |> keep(columns: ["_time", "station", "temp", "humidity", "sky"])`, bucket))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(df)
	// Output:
	// 4 points written to weather
	// [4x7] DataFrame
	//
	//     result   table _time                station  humidity  sky      temp
	//  0: _result  0     2024-03-01T00:00:00Z Bergen   95.000000 rain     4.000000
	//  1: _result  0     2024-03-01T00:00:00Z Oslo     80.000000 clear    1.500000
	//  2: _result  0     2024-03-01T01:00:00Z Bergen   NaN       rain     4.500000
	//  3: _result  0     2024-03-01T01:00:00Z Oslo     82.000000 clear    0.500000
	//     <string> <int> <string>             <string> <float>   <string> <float>
}
