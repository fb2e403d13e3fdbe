package query_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

// The annotations of a small table with a double _value, for inline cases.
const head = "#datatype,string,long,dateTime:RFC3339,double,string\n" +
	"#group,false,false,false,false,true\n" +
	"#default,_result,,,,\n" +
	",result,table,_time,_value,_field\n"

func TestDecodeFixtures(t *testing.T) {
	for _, tc := range []struct {
		file   string
		frames int
		rows   []int64
	}{
		{"two_sets.csv", 2, []int64{4, 2}},
		{"all_types.csv", 1, []int64{4}},
		{"multi_result.csv", 1, []int64{4}},
		{"empty.csv", 0, nil},
	} {
		for _, chunk := range []int{frame.DefaultChunkSize, 1, 2} {
			name := strings.TrimSuffix(tc.file, ".csv")
			t.Run(fmt.Sprintf("%s/chunk=%d", name, chunk), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				in, err := os.ReadFile(filepath.Join("testdata", tc.file))
				if err != nil {
					t.Fatal(err)
				}
				frames, err := query.Decode(bytes.NewReader(in), query.WithAllocator(mem), query.WithChunkSize(chunk))
				if err != nil {
					t.Fatal(err)
				}
				defer release(frames)
				if len(frames) != tc.frames {
					t.Fatalf("got %d frames, want %d", len(frames), tc.frames)
				}
				for i, f := range frames {
					if f.NumRows() != tc.rows[i] {
						t.Errorf("frame %d: %d rows, want %d", i, f.NumRows(), tc.rows[i])
					}
					for _, c := range f.Chunks() {
						if c.NumRows() > int64(chunk) {
							t.Errorf("frame %d: chunk of %d rows, chunk size %d", i, c.NumRows(), chunk)
						}
					}
				}
				golden(t, "decode_"+name+".txt", dump(t, frames))
			})
		}
	}
}

func TestDecodeValues(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "all_types.csv"))
	if err != nil {
		t.Fatal(err)
	}
	frames, err := query.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	defer release(frames)
	rec := frames[0].Chunk(0)
	get := func(col string, row int) string {
		t.Helper()
		i := frames[0].Schema().Index(col)
		if i < 0 {
			t.Fatalf("no column %q", col)
		}
		if rec.Column(i).IsNull(row) {
			return "<null>"
		}
		return frame.FormatValue(rec.Column(i), row)
	}
	for _, tc := range []struct {
		col  string
		row  int
		want string
	}{
		{"result", 0, "_result"}, // from #default
		{"table", 0, "0"},
		{"_time", 0, "2021-01-01T00:00:00.123456789Z"},
		{"_time", 2, "<null>"},
		{"_time", 3, "2021-01-01T00:00:00Z"}, // +02:00 offset, to UTC
		{"d", 0, "1.25"},
		{"d", 1, "NaN"},
		{"d", 3, "+Inf"},
		{"l", 0, "-42"},
		{"l", 3, "9223372036854775807"},
		{"u", 0, "18446744073709551615"},
		{"b", 0, "true"},
		{"b", 1, "false"},
		{"b", 2, "<null>"},
		{"s", 1, `with, comma "quoted"`},
		{"s", 2, "<null>"},
		{"s", 3, "multi\nline"},
		{"dur", 0, "1.5s"},
		{"dur", 1, "1h30m0s"},
		{"dur", 3, "48h0m0s"},
		{"bin", 0, "aGVsbG8="}, // binary, shown as base64 again
		{"bin", 1, "<null>"},
		{"tag", 1, "dflt"}, // from #default
		{"tag", 2, "y"},
	} {
		if got := get(tc.col, tc.row); got != tc.want {
			t.Errorf("%s row %d = %q, want %q", tc.col, tc.row, got, tc.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		cause  error // errors.Is
		line   int64
		column int
	}{
		{"no datatype", ",a,b\n,1,2\n", query.ErrNoDatatype, 1, 0},
		{"too many cells", head + ",,0,2021-01-01T00:00:00Z,1,f,extra\n", frame.ErrFieldCount, 5, 0},
		{"too few cells", head + ",,0,2021-01-01T00:00:00Z,1\n", frame.ErrFieldCount, 5, 0},
		{"names for datatypes", "#datatype,string\n,a,b\n", frame.ErrFieldCount, 2, 0},
		{"annotation lengths", "#datatype,string,long\n#group,false\n,a,b\n", query.ErrAnnotationCount, 2, 0},
		{"bad double", head + ",,0,2021-01-01T00:00:00Z,1,f\n,,0,2021-01-01T00:00:01Z,x1,f\n", frame.ErrBadValue, 6, 5},
		{"bad long", head + ",,zero,2021-01-01T00:00:00Z,1,f\n", frame.ErrBadValue, 5, 3},
		{"bad time", head + ",,0,2021-13-01T00:00:00Z,1,f\n", frame.ErrBadValue, 5, 4},
		{"time out of range", head + ",,0,2300-01-01T00:00:00Z,1,f\n", frame.ErrBadValue, 5, 4},
		{"bad bool", "#datatype,boolean\n,b\n,yes\n", frame.ErrBadValue, 3, 2},
		{"negative unsigned", "#datatype,unsignedLong\n,u\n,-1\n", frame.ErrBadValue, 3, 2},
		{"month duration", "#datatype,duration\n,d\n,1mo\n", frame.ErrBadValue, 3, 2},
		{"bad base64", "#datatype,base64Binary\n,b\n,!!\n", frame.ErrBadValue, 3, 2},
		{"text in annotation column", head + "x,,0,2021-01-01T00:00:00Z,1,f\n", query.ErrAnnotationColumn, 5, 1},
		{"duplicate column", "#datatype,string,string\n,a,a\n", frame.ErrDupColumn, 2, 3},
		{"bare quote", head + `,,0,2021-01-01T00:00:00Z,1,f"g` + "\n", csv.ErrBareQuote, 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			frames, err := query.Decode(strings.NewReader(tc.in), query.WithAllocator(mem))
			if err == nil {
				release(frames)
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tc.cause == nil {
				return
			}
			if !errors.Is(err, tc.cause) {
				t.Errorf("error %v is not %v", err, tc.cause)
			}
			var pe *query.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Line != tc.line || (tc.column != 0 && pe.Column != tc.column) {
				t.Errorf("error at line %d column %d, want line %d column %d (%v)", pe.Line, pe.Column, tc.line, tc.column, err)
			}
		})
	}
}

func TestDecodeServerError(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     query.ServerError
	}{
		{"after data", "", query.ServerError{Message: "panic: runtime error: out of memory", Reference: "897"}},
		{"alone", "#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,\"failed to compile\",\n",
			query.ServerError{Message: "failed to compile"}},
		{"without annotations", ",error,reference\n,boom,12\n", query.ServerError{Message: "boom", Reference: "12"}},
		{"without message", ",error,reference\n", query.ServerError{Message: "unknown query error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			if tc.in == "" {
				var err error
				if in, err = os.ReadFile(filepath.Join("testdata", "error.csv")); err != nil {
					t.Fatal(err)
				}
			}
			frames, err := query.Decode(bytes.NewReader(in))
			if err == nil {
				release(frames)
				t.Fatal("no error")
			}
			var se *query.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *ServerError", err, err)
			}
			if *se != tc.want {
				t.Errorf("got %+v, want %+v", *se, tc.want)
			}
		})
	}
}

func TestDecodeEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string // dump of the frames
	}{
		{"header only", head, "== frame 0: 0 rows\nresult utf8 text -\ntable int64 int -\n_time timestamp[ns, tz=UTC] time time\n_value float64 float field\n_field utf8 text -\nresult,table,_time,_value,_field\n"},
		{"unknown datatype is text", "#datatype,ipaddr\n,ip\n,10.0.0.1\n", "== frame 0: 1 rows\nip utf8 text field\nip\n10.0.0.1\n"},
		{"no group annotation", "#datatype,string,string\n,host,_time\n,a,b\n", "== frame 0: 1 rows\nhost utf8 text field\n_time utf8 text time\nhost,_time\na,b\n"},
		{"string group key is a tag", "#datatype,string,long\n#group,true,true\n,host,n\n,a,1\n", "== frame 0: 1 rows\nhost utf8 text tag\nn int64 int -\nhost,n\na,1\n"},
		{"same set twice", "#datatype,long\n,n\n,1\n\n#datatype,long\n,n\n,2\n", "== frame 0: 2 rows\nn int64 int field\nn\n1\n2\n"},
		{"unknown annotation ignored", "#datatype,long\n#comment,hello\n,n\n,1\n", "== frame 0: 1 rows\nn int64 int field\nn\n1\n"},
		{"blank lines", "\n\n#datatype,long\n,n\n\n,1\n \n", "== frame 0: 1 rows\nn int64 int field\nn\n1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := query.Decode(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			defer release(frames)
			if got := dump(t, frames); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestDecoderIterator reads records one by one and checks that records of
// one column set share one schema and keep their row order.
func TestDecoderIterator(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "two_sets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := query.NewDecoder(bytes.NewReader(in), query.WithChunkSize(1))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	var sets []int
	schemas := map[int]*frame.Schema{}
	for d.Next() {
		if d.Record().NumRows() != 1 {
			t.Errorf("record of %d rows", d.Record().NumRows())
		}
		sets = append(sets, d.Set())
		if s, ok := schemas[d.Set()]; ok && s != d.Schema() {
			t.Errorf("set %d has two schemas", d.Set())
		}
		schemas[d.Set()] = d.Schema()
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if got := len(sets); got != 6 {
		t.Errorf("%d records, want 6", got)
	}
}

func TestOptionsInvalid(t *testing.T) {
	if _, err := query.NewDecoder(strings.NewReader(""), query.WithChunkSize(0)); err == nil {
		t.Error("chunk size 0 accepted")
	}
	if _, err := query.NewDecoder(strings.NewReader(""), query.WithAllocator(nil)); err == nil {
		t.Error("nil allocator accepted")
	}
}

// TestDecodeNewlinesAsStored: InfluxDB writes a stored newline as CR LF
// inside a quoted value (csv.Writer with UseCRLF), with CR LF line ends;
// the decoder gives back the newline. Other bytes, a lone CR included,
// are kept.
func TestDecodeNewlinesAsStored(t *testing.T) {
	in := "#datatype,string,long,string\r\n#group,false,false,false\r\n#default,_result,,\r\n" +
		",result,table,_value\r\n,,0,\"a\r\nb\"\r\n,,0,\"c\rd\"\r\n,,0,\"\r\n\"\r\n"
	frames, err := query.Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	defer release(frames)
	col := frames[0].Chunk(0).Column(2)
	var got []string
	for i := 0; i < col.Len(); i++ {
		got = append(got, frame.FormatValue(col, i))
	}
	if want := []string{"a\nb", "c\rd", "\n"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
