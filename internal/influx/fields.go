package influx

import (
	"context"
	"fmt"
	"slices"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

// Field types as InfluxDB names them.
const (
	TypeFloat    = "float"
	TypeInteger  = "integer"
	TypeUnsigned = "unsigned"
	TypeString   = "string"
	TypeBoolean  = "boolean"
)

// FieldTypes returns, for each field measurement already has in bucket,
// the types its values are stored with: one, or several when shards
// disagree (a type conflict across shards). A measurement with no data
// gives an empty map.
//
// On 1.x it asks SHOW FIELD KEYS (InfluxQL), which reads the index and
// costs nothing. On 2.x it asks Flux for the first value of every series'
// field and reads the types from the answer: Flux needs no DBRP mapping,
// which a 2.x bucket may not have, where the v1-compatible /query would.
func FieldTypes(ctx context.Context, client influxdb2.Client, server Server, org, bucket, measurement string) (map[string][]string, error) {
	types := map[string][]string{}
	add := func(field, typ string) {
		if !slices.Contains(types[field], typ) {
			types[field] = append(types[field], typ)
		}
	}
	switch server.Kind {
	case V1:
		db, rp := SplitV1Bucket(bucket)
		from := QuoteIdent(measurement)
		if rp != "" {
			from = QuoteIdent(rp) + "." + from
		}
		rows, err := v1Rows(ctx, client, db, "SHOW FIELD KEYS FROM "+from)
		if err != nil {
			return nil, Classify(err)
		}
		for _, r := range rows {
			if len(r) >= 2 {
				field, _ := r[0].(string)
				typ, _ := r[1].(string)
				add(field, typ)
			}
		}
	case V2:
		flux := fmt.Sprintf(`from(bucket: %s)
  |> range(start: 1677-09-22T00:00:00Z, stop: 2262-04-11T00:00:00Z)
  |> filter(fn: (r) => r._measurement == %s)
  |> first()
  |> keep(columns: ["_field", "_value"])`, QuoteFlux(bucket), QuoteFlux(measurement))
		res, err := client.QueryAPI(org).Query(ctx, flux)
		if err != nil {
			return nil, Classify(fmt.Errorf("influx: field types of %s: %w", measurement, err))
		}
		defer res.Close()
		for res.Next() {
			var typ string
			switch res.Record().Value().(type) {
			case float64:
				typ = TypeFloat
			case int64:
				typ = TypeInteger
			case uint64:
				typ = TypeUnsigned
			case string:
				typ = TypeString
			case bool:
				typ = TypeBoolean
			default:
				continue
			}
			add(res.Record().Field(), typ)
		}
		if err := res.Err(); err != nil {
			return nil, Classify(fmt.Errorf("influx: field types of %s: %w", measurement, err))
		}
	default:
		return nil, fmt.Errorf("influx: unknown server kind %d (call Detect first)", int(server.Kind))
	}
	return types, nil
}
