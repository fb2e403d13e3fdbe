package transform_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/transform"
)

func ExampleNewNormalizer() {
	in := "time,station,temp,status\n" +
		"2024-03-01T00:00:00Z,north,1.5,ok\n" +
		"2024-03-01T01:00:00Z,north,,ok\n" +
		"2024-03-01T02:00:00Z,south,2,late\n"
	opts := transform.Options{Tags: []string{"station"}, Measurement: "weather"}
	r, err := frame.NewCSVReader(strings.NewReader(in), "weather.csv", frame.CSVOptions{Kinds: opts.CSVKinds()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	n, err := transform.NewNormalizer(r.FrameSchema(), "weather.csv", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for r.Next() {
		out, rejected, err := n.Apply(r.Record(), r.Lines())
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, rej := range rejected {
			fmt.Printf("line %d rejected: %s\n", rej.Line, rej.Reason)
		}
		fmt.Println("points:", out.NumRows())
		out.Release()
	}
	rep := n.Report()
	rep.WriteText(os.Stdout)
	// Output:
	// line 3 rejected: no field values
	// points: 2
	// file weather.csv -> measurement "weather", time column "time" (rfc3339), precision s
	// COLUMN   KIND   ROLE     NULLS  NAN  ACTION
	// time     time   time     0      0    parsed as time (rfc3339)
	// station  text   tag      0      0    kept as text
	// temp     float  field    1      0    kept
	// status   text   dropped  0      0    dropped: text (declare with --tags or --string-fields to keep)
	// rows read 3, points built 2, rows rejected 1, duplicate keys 0
	//   rejected 1: no field values
}
