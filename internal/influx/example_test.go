package influx_test

import (
	"fmt"

	"github.com/influxframe/influxframe/internal/influx"
)

func ExampleLoad() {
	s, err := influx.Load(influx.Sources{
		Environ: []string{ // os.Environ() in a program
			"INFLUXDB_V2_URL=https://db.example.com:8086", "INFLUXDB_V2_ORG=my-org",
			"INFLUXDB_V2_TOKEN=my-secret-token", "INFLUXDB_V2_TAG_DC=west",
		},
		Flags: influx.Settings{Bucket: "sensors"}, // --bucket sensors
		Set:   influx.FieldBucket,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Printf("%+v\n", s.Token == "my-secret-token")
	// Output:
	// url=https://db.example.com:8086 org="my-org" bucket="sensors" token=*** timeout=10s tags={dc="west"}
	// true
}

func ExampleQuoteIdent() {
	fmt.Println("CREATE DATABASE " + influx.QuoteIdent(`my "db"`))
	fmt.Println(`from(bucket: ` + influx.QuoteFlux(`b"${x}`) + `)`)
	// Output:
	// CREATE DATABASE "my \"db\""
	// from(bucket: "b\"\${x}")
}

func ExampleSplitV1Bucket() {
	db, rp := influx.SplitV1Bucket("telegraf/autogen")
	fmt.Println(db, rp)
	// Output: telegraf autogen
}
