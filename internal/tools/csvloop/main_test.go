package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
)

func TestLoop(t *testing.T) {
	csv := "b,time,a,s,x\n" +
		"2,2019-01-01 00:00:01,1,hi,1.5\n" +
		",2019-01-01 00:00:02,3,,-2\n"
	name := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(name, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := options{measurement: "m", tags: "b,a", stringFields: "s", timeColumn: "time",
		timeLayout: "2006-01-02 15:04:05", precision: lineprotocol.Second, batchSize: 1, out: &out}
	lines, n, err := loop(name, o)
	want := "m,a=1,b=2 s=\"hi\",x=1.5 1546300801\n" + // tags sorted, columns in file order
		"m,a=3 x=-2 1546300802\n"
	if err != nil || lines != 2 || n != int64(len(want)) || out.String() != want {
		t.Errorf("loop = %d, %d, %v; wrote\n%s\nwant\n%s", lines, n, err, out.String(), want)
	}
}
