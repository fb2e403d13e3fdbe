package transform_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/transform"
)

func ExampleNewReader() {
	in := "time,station,temp,status\n" +
		"2024-03-01T00:00:00Z,north,1.5,ok\n" +
		"2024-03-01T01:00:00Z,north,,ok\n" +
		"2024-03-01T02:00:00Z,south,2,late\n"
	cr, err := frame.NewCSVReader(strings.NewReader(in), "weather.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := transform.NewReader(cr, transform.Options{Tags: []string{"station"}, Measurement: "weather"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
		for _, rej := range r.Rejects() {
			fmt.Printf("%s rejected: %s\n", rej.Position(), rej.Reason)
		}
		fmt.Println("points:", r.Record().NumRows(), "from lines", r.Lines())
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
		return
	}
	rep := r.Report()
	rep.WriteText(os.Stdout)
	// Output:
	// weather.csv:3 rejected: no field values
	// points: 2 from lines [2 4]
	// file weather.csv -> measurement "weather", time column "time" (rfc3339), precision s
	// COLUMN   KIND   ROLE     NULLS  NAN  ACTION
	// time     time   time     0      0    parsed as time (rfc3339)
	// station  text   tag      0      0    kept as text
	// temp     float  field    1      0    kept
	// status   text   dropped  0      0    dropped: text (declare with --tags or --string-fields to keep)
	// rows read 3, points built 2, rows rejected 1, duplicate keys 0
	//   rejected 1: no field values
}

// ExampleReader_Contract writes down the schema decided for January and
// enforces it on March, whose readings column now mixes in text.
func ExampleReader_Contract() {
	jan := "time,station,temp\n2024-01-01T00:00:00Z,north,1.5\n"
	cr, err := frame.NewCSVReader(strings.NewReader(jan), "jan.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := transform.NewReader(cr, transform.Options{Tags: []string{"station"}, Measurement: "weather"})
	if err != nil {
		fmt.Println(err)
		return
	}
	contract := r.Contract()
	r.Release()
	contract.WriteJSON(os.Stdout)

	mar := "time,station,temp\n2024-03-01T00:00:00Z,north,1.5\n2024-03-01T01:00:00Z,north,n/a\n"
	cr, err = frame.NewCSVReader(strings.NewReader(mar), "mar.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = transform.NewReader(cr, transform.Options{Contract: &contract})
	fmt.Println(err)
	// Output:
	// {
	//   "version": 1,
	//   "measurement": "weather",
	//   "time_column": "time",
	//   "time_layouts": [
	//     "2006-01-02T15:04:05.999999999Z07:00"
	//   ],
	//   "precision": "s",
	//   "columns": [
	//     {
	//       "name": "time",
	//       "kind": "time",
	//       "role": "time"
	//     },
	//     {
	//       "name": "station",
	//       "kind": "text",
	//       "role": "tag"
	//     },
	//     {
	//       "name": "temp",
	//       "kind": "float",
	//       "role": "field"
	//     }
	//   ],
	//   "dialect": {
	//     "delimiter": ",",
	//     "quote": "\"",
	//     "decimal": ".",
	//     "header": true,
	//     "sniffed": true
	//   }
	// }
	// frame: mar.csv:3: column 3 (temp): input does not match the schema contract: column "temp" changed kind: kind float in the contract (field), mixed here, first text cell at line 3: "n/a"
}
