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

// ReadBatch reads many records at once. After an error the batch holds
// the good records read before it, and reading may go on.
func ExampleReader_ReadBatch() {
	in := "city,temp\nOslo,-3.5\n\"Rio, RJ\",31\n\nLima\nQuito,14\n"
	r := csvscan.NewReader(strings.NewReader(in))
	var b csvscan.Batch
	for {
		err := r.ReadBatch(&b, 3)
		for rec := range b.Len() {
			fmt.Printf("line %d: %s | %s\n", b.Line(rec), b.Cell(rec, 0), b.Cell(rec, 1))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// line 1: city | temp
	// line 2: Oslo | -3.5
	// line 3: Rio, RJ | 31
	// csvscan: record on line 5: wrong number of fields
	// line 6: Quito | 14
}
