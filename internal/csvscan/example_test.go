package csvscan_test

import (
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/influxframe/influxframe/internal/csvscan"
)

// A CR LF inside quotes is kept as it is; a lone CR ends a record as LF
// and CR LF do; a BOM at the start is dropped.
func ExampleReader() {
	in := "\ufeffid,note\r\n1,\"two\r\nlines\"\r2,plain\n"
	r := csvscan.NewReader(strings.NewReader(in))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		fmt.Printf("line %d: %q\n", line, rec)
	}
	// Output:
	// line 1: ["id" "note"]
	// line 2: ["1" "two\r\nlines"]
	// line 4: ["2" "plain"]
}

func ExampleParseError() {
	r := csvscan.NewReader(strings.NewReader("a,b\r\"c\r\nd\"x,e\n"))
	r.Read()
	_, err := r.Read()
	fmt.Println(err)
	// Output:
	// csvscan: record on line 2; parse error on line 3, column 2: extraneous or missing " in quoted-field
}
