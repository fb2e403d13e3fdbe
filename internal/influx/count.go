package influx

import (
	"context"
	"fmt"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

// CountFields returns, for each field of measurement in bucket, the number
// of values stored with a time in [start, stop]. It asks with Flux, which
// InfluxDB 2.x serves and 1.8 serves with flux-enabled (the bucket is then
// "db/rp" or "db"). Values of one field stored with different types (a type
// conflict across shards) come back in separate tables and are added up.
func CountFields(ctx context.Context, client influxdb2.Client, org, bucket, measurement string, start, stop time.Time) (map[string]int64, error) {
	flux := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == %s)
  |> group(columns: ["_field"])
  |> count()`, QuoteFlux(bucket), start.UTC().Format(time.RFC3339Nano),
		stop.Add(time.Nanosecond).UTC().Format(time.RFC3339Nano), QuoteFlux(measurement))
	res, err := client.QueryAPI(org).Query(ctx, flux)
	if err != nil {
		return nil, Classify(fmt.Errorf("influx: counting %s: %w", measurement, err))
	}
	defer res.Close()
	counts := map[string]int64{}
	for res.Next() {
		r := res.Record()
		n, ok := r.Value().(int64)
		if !ok {
			return nil, fmt.Errorf("influx: counting %s: count of %s is %T", measurement, r.Field(), r.Value())
		}
		counts[r.Field()] += n
	}
	if err := res.Err(); err != nil {
		return nil, Classify(fmt.Errorf("influx: counting %s: %w", measurement, err))
	}
	return counts, nil
}
