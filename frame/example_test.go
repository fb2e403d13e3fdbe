package frame_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/influxframe/influxframe/frame"
)

func ExampleNewCSVReader() {
	in := "time,station,temp\n" +
		"2024-03-01T00:00:00Z,north,1.5\n" +
		"2024-03-01T01:00:00Z,south,N/A\n"
	r, err := frame.NewCSVReader(strings.NewReader(in), "weather.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for _, c := range r.FrameSchema().Columns {
		fmt.Printf("%s: %s\n", c.Name, c.Kind)
	}
	for r.Next() {
		fmt.Println("rows:", r.Record().NumRows(), "lines:", r.Lines())
	}
	// Output:
	// time: time
	// station: text
	// temp: mixed
	// rows: 2 lines: [2 3]
}

func ExampleWriteFile() {
	f, err := frame.ReadCSV(strings.NewReader("a,b\n1,x\n,y\n"), "in.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Release()
	if err := frame.WriteFile(os.Stdout, frame.FormatCSV, f); err != nil {
		fmt.Println(err)
	}
	// Output:
	// a,b
	// 1,x
	// ,y
}
