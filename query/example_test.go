package query_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/influxframe/influxframe/query"
)

// A response as Flux writes it for two fields of different types: one table
// per field, and so two column sets.
const response = `#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,0.5,load,a
,,0,2021-01-01T00:01:00Z,0.75,load,a

#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,1,2021-01-01T00:00:00Z,3,procs,a
`

func ExampleDecode() {
	frames, err := query.Decode(strings.NewReader(response))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(frames)
	for _, f := range frames {
		fmt.Println(f.NumRows(), f.Schema().Arrow().Field(f.Schema().Index("_value")).Type)
	}
	// Output:
	// 2 float64
	// 1 int64
}

func ExamplePivot() {
	frames, err := query.Decode(strings.NewReader(response))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(frames)
	wide, err := query.Pivot(frames)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(wide)
	query.PrintTable(os.Stdout, wide[0], 0)
	// Output:
	// result   _time                 host  load  procs
	// _result  2021-01-01T00:00:00Z  a     0.5   3
	// _result  2021-01-01T00:01:00Z  a     0.75  <null>
}

func ExampleCombine() {
	frames, err := query.Decode(strings.NewReader(response))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(frames)
	one, err := query.Combine(frames)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer one.Release()
	query.ExportTo(os.Stdout, "csv", one)
	// Output:
	// result,table,_time,_value,_field,host
	// _result,0,2021-01-01T00:00:00Z,0.5,load,a
	// _result,0,2021-01-01T00:01:00Z,0.75,load,a
	// _result,1,2021-01-01T00:00:00Z,3,procs,a
}
