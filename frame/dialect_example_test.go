package frame_test

import (
	"fmt"
	"strings"

	"github.com/influxframe/influxframe/frame"
)

// ExampleCSVReader_Dialect reads a file as a spreadsheet in much of Europe
// exports it: separated by semicolons, with decimal commas. The dialect is
// sniffed; the values are numbers.
func ExampleCSVReader_Dialect() {
	in := "time;station;temp\n" +
		"2024-03-01T00:00:00Z;north;1,5\n" +
		"2024-03-01T01:00:00Z;south;-0,25\n"
	r, err := frame.NewCSVReader(strings.NewReader(in), "weather.csv", frame.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	fmt.Println(r.Dialect())
	for _, c := range r.FrameSchema().Columns {
		fmt.Println(c.Name, c.Kind)
	}
	for r.Next() {
		temp := r.Record().Column(2)
		for i := 0; i < temp.Len(); i++ {
			fmt.Println(frame.FormatValue(temp, i))
		}
	}
	// Output:
	// delimiter ';', quote '"', decimal ',', header (sniffed)
	// time time
	// station text
	// temp float
	// 1.5
	// -0.25
}
