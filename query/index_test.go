package query_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

func TestIndex(t *testing.T) {
	in := "#datatype,string,long,string,double,dateTime:RFC3339,boolean\n" +
		"#group,false,false,true,false,false,false\n" +
		"#default,_result,,,,,\n" +
		",result,table,host,_value,_time,ok\n" +
		",,0,b,2.5,2021-01-01T00:00:02Z,true\n" +
		",,0,a,,2021-01-01T00:00:01Z,false\n" +
		",,0,c,1,2021-01-01T00:00:03Z,\n" +
		",,0,a,-1,2021-01-01T00:00:00Z,true\n"
	frames := decodeString(t, in, query.WithChunkSize(3))
	defer release(frames)
	for _, tc := range []struct {
		col, want string
	}{
		{"_time", "_time,result,table,host,_value,ok\n" +
			"2021-01-01T00:00:00Z,_result,0,a,-1,true\n2021-01-01T00:00:01Z,_result,0,a,,false\n" +
			"2021-01-01T00:00:02Z,_result,0,b,2.5,true\n2021-01-01T00:00:03Z,_result,0,c,1,\n"},
		{"_value", "_value,result,table,host,_time,ok\n" +
			"-1,_result,0,a,2021-01-01T00:00:00Z,true\n1,_result,0,c,2021-01-01T00:00:03Z,\n" +
			"2.5,_result,0,b,2021-01-01T00:00:02Z,true\n,_result,0,a,2021-01-01T00:00:01Z,false\n"},
		{"host", "host,result,table,_value,_time,ok\n" +
			"a,_result,0,,2021-01-01T00:00:01Z,false\na,_result,0,-1,2021-01-01T00:00:00Z,true\n" +
			"b,_result,0,2.5,2021-01-01T00:00:02Z,true\nc,_result,0,1,2021-01-01T00:00:03Z,\n"},
		{"ok", "ok,result,table,host,_value,_time\n" +
			"false,_result,0,a,,2021-01-01T00:00:01Z\ntrue,_result,0,b,2.5,2021-01-01T00:00:02Z\n" +
			"true,_result,0,a,-1,2021-01-01T00:00:00Z\n,_result,0,c,1,2021-01-01T00:00:03Z\n"},
	} {
		t.Run(tc.col, func(t *testing.T) {
			f, err := query.Index(frames[0], tc.col, query.WithChunkSize(3))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Release()
			var b strings.Builder
			if err := frame.WriteFile(&b, frame.FormatCSV, f); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
			if f.Schema().Columns[0].Name != tc.col || f.NumChunks() != 2 {
				t.Errorf("first column %q, %d chunks", f.Schema().Columns[0].Name, f.NumChunks())
			}
		})
	}
	if _, err := query.Index(frames[0], "nope"); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestExportEach(t *testing.T) {
	frames := decodeFile(t, "two_sets.csv")
	defer release(frames)
	dir := t.TempDir()
	paths, err := query.ExportEach(filepath.Join(dir, "out.csv"), frames...)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(frames) || filepath.Base(paths[0]) != "out.1.csv" || filepath.Base(paths[1]) != "out.2.csv" {
		t.Fatalf("paths %v for %d frames", paths, len(frames))
	}
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if rows := strings.Count(string(data), "\n") - 1; int64(rows) != frames[i].NumRows() {
			t.Errorf("%s: %d rows, want %d", p, rows, frames[i].NumRows())
		}
	}
}
