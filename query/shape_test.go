package query_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

// decodeFile decodes a fixture with a checked allocator.
func decodeFile(t *testing.T, name string, opts ...query.Option) []*frame.Frame {
	t.Helper()
	in, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return decodeString(t, string(in), opts...)
}

func decodeString(t *testing.T, in string, opts ...query.Option) []*frame.Frame {
	t.Helper()
	frames, err := query.Decode(strings.NewReader(in), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

func TestCombine(t *testing.T) {
	for _, tc := range []struct {
		name, in string
	}{
		{"two_sets", "two_sets.csv"},
		// Columns missing from one frame, int and float promoted to float,
		// bool and string to string.
		{"union", "#datatype,long,string,boolean\n#group,false,true,false\n,x,host,flag\n,1,a,true\n,,b,\n\n" +
			"#datatype,double,string,string,long\n#group,false,false,true,false\n,x,flag,extra,n\n,2.5,yes,e,7\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var frames []*frame.Frame
			if strings.HasSuffix(tc.in, ".csv") {
				frames = decodeFile(t, tc.in, query.WithAllocator(mem), query.WithChunkSize(2))
			} else {
				frames = decodeString(t, tc.in, query.WithAllocator(mem))
			}
			defer release(frames)
			one, err := query.Combine(frames, query.WithAllocator(mem))
			if err != nil {
				t.Fatal(err)
			}
			defer one.Release()
			var total int64
			for _, f := range frames {
				total += f.NumRows()
			}
			if one.NumRows() != total {
				t.Errorf("%d rows, want %d", one.NumRows(), total)
			}
			golden(t, "combine_"+tc.name+".txt", dump(t, []*frame.Frame{one}))
		})
	}
}

func TestCombineEdge(t *testing.T) {
	one, err := query.Combine(nil)
	if err != nil {
		t.Fatal(err)
	}
	if one.NumCols() != 0 || one.NumRows() != 0 {
		t.Errorf("Combine(nil) has %d columns, %d rows", one.NumCols(), one.NumRows())
	}
	one.Release()

	frames := decodeFile(t, "all_types.csv")
	defer release(frames)
	same, err := query.Combine(frames)
	if err != nil {
		t.Fatal(err)
	}
	if same != frames[0] {
		t.Error("Combine of one frame is not that frame")
	}
	same.Release()
}

func TestPivot(t *testing.T) {
	for _, tc := range []struct {
		name, in string
	}{
		// Double and long fields of two hosts, in two frames, into one.
		{"two_sets", "two_sets.csv"},
		{"multi_result", "multi_result.csv"},
		// Two measurements with different tags: two frames. A duplicate
		// row: last non-null wins; a null _value does not overwrite. Rows
		// out of time order come out sorted. A field with an int in one
		// table and a float in another becomes float.
		{"shapes", "#datatype,string,long,dateTime:RFC3339,double,string,string,string\n" +
			"#group,false,false,false,false,true,true,true\n" +
			",result,table,_time,_value,_field,_measurement,host\n" +
			",r,0,2021-01-01T00:00:02Z,2,v,m1,a\n" +
			",r,0,2021-01-01T00:00:01Z,1,v,m1,a\n" +
			",r,0,2021-01-01T00:00:01Z,1.5,v,m1,a\n" +
			",r,0,2021-01-01T00:00:01Z,,v,m1,a\n" +
			",r,1,2021-01-01T00:00:03Z,,w,m1,a\n" +
			"\n" +
			"#datatype,string,long,dateTime:RFC3339,long,string,string,string\n" +
			"#group,false,false,false,false,true,true,true\n" +
			",result,table,_time,_value,_field,_measurement,region\n" +
			",r,2,2021-01-01T00:00:01Z,5,v,m2,eu\n" +
			"\n" +
			"#datatype,string,long,dateTime:RFC3339,long,string,string,string\n" +
			"#group,false,false,false,false,true,true,true\n" +
			",result,table,_time,_value,_field,_measurement,host\n" +
			",r,3,2021-01-01T00:00:02Z,9,v,m1,b\n" +
			"\n" +
			"#datatype,string,long\n,result,n\n,r,1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var frames []*frame.Frame
			if strings.HasSuffix(tc.in, ".csv") {
				frames = decodeFile(t, tc.in, query.WithAllocator(mem))
			} else {
				frames = decodeString(t, tc.in, query.WithAllocator(mem))
			}
			defer release(frames)
			wide, err := query.Pivot(frames, query.WithAllocator(mem), query.WithChunkSize(2))
			if err != nil {
				t.Fatal(err)
			}
			defer release(wide)
			golden(t, "pivot_"+tc.name+".txt", dump(t, wide))
		})
	}
}

func TestPivotErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"field named like a tag", "#datatype,dateTime:RFC3339,double,string,string\n#group,false,false,true,true\n,_time,_value,_field,host\n,2021-01-01T00:00:00Z,1,host,a\n", "has the name of a key column"},
		{"null field", "#datatype,dateTime:RFC3339,double,string\n#group,false,false,true\n,_time,_value,_field\n,2021-01-01T00:00:00Z,1,\n", "null _field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames := decodeString(t, tc.in)
			defer release(frames)
			wide, err := query.Pivot(frames)
			if err == nil {
				release(wide)
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestPrintTable(t *testing.T) {
	frames := decodeFile(t, "two_sets.csv", query.WithChunkSize(1))
	defer release(frames)
	one, err := query.Combine(frames)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Release()
	all := decodeFile(t, "all_types.csv")
	defer release(all)
	empty := decodeString(t, head)
	defer release(empty)
	var b bytes.Buffer
	for _, tc := range []struct {
		name string
		f    *frame.Frame
		max  int
	}{
		{"all rows", one, 0},
		{"max 4 of 6", one, 4},
		{"max 3 of 6", one, 3},
		{"max 6 of 6", one, 6},
		{"every type", all[0], 10},
		{"no rows", empty[0], 10},
	} {
		b.WriteString("### " + tc.name + "\n")
		if err := query.PrintTable(&b, tc.f, tc.max); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "print.txt", b.String())
}
