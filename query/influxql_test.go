package query_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	influxhttp "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxframe/influxframe/frame"
	goldenfile "github.com/influxframe/influxframe/internal/golden"
	"github.com/influxframe/influxframe/internal/influx"
	"github.com/influxframe/influxframe/internal/testserver"
	"github.com/influxframe/influxframe/query"
)

var recordInfluxQL = flag.Bool("record-influxql", false, "record testdata/influxql/*.json from real servers")

// iqDump renders InfluxQL frames as text: per frame its measurement,
// statement and columns (name, Arrow type, kind, role), then its rows as
// CSV.
func iqDump(t testing.TB, frames []*frame.Frame) string {
	t.Helper()
	var b strings.Builder
	for i, f := range frames {
		s := f.Schema()
		stmt, _ := s.Arrow().Metadata().GetValue(query.MetaStatementID)
		fmt.Fprintf(&b, "== frame %d: measurement %q, statement %s, %d rows\n", i, s.Measurement, stmt, f.NumRows())
		for j, c := range s.Columns {
			fmt.Fprintf(&b, "%s %s %s %s\n", c.Name, s.Arrow().Field(j).Type, c.Kind, roleName(c.Role))
		}
		if err := frame.WriteFile(&b, frame.FormatCSV, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// iqRows renders frames compactly: per frame "measurement#statement" and
// its columns as name:type:role, then each row, nulls as <null>.
func iqRows(frames []*frame.Frame) string {
	var b strings.Builder
	for _, f := range frames {
		s := f.Schema()
		stmt, _ := s.Arrow().Metadata().GetValue(query.MetaStatementID)
		fmt.Fprintf(&b, "%s#%s", s.Measurement, stmt)
		for j, c := range s.Columns {
			fmt.Fprintf(&b, " %s:%s:%s", c.Name, s.Arrow().Field(j).Type, roleName(c.Role))
		}
		b.WriteByte('\n')
		for _, rec := range f.Chunks() {
			for r := 0; r < int(rec.NumRows()); r++ {
				for j := 0; j < int(rec.NumCols()); j++ {
					if j > 0 {
						b.WriteByte(',')
					}
					if rec.Column(j).IsNull(r) {
						b.WriteString("<null>")
					} else {
						b.WriteString(frame.FormatValue(rec.Column(j), r))
					}
				}
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// staticKeys answers keys from a map, counting the questions.
func staticKeys(m map[string]query.MeasurementKeys, asked map[string]int) func(string) (query.MeasurementKeys, error) {
	return func(name string) (query.MeasurementKeys, error) {
		if asked != nil {
			asked[name]++
		}
		return m[name], nil
	}
}

func decodeIQ(t *testing.T, in string, keys func(string) (query.MeasurementKeys, error), opts ...query.Option) []*frame.Frame {
	t.Helper()
	frames, err := query.DecodeInfluxQL(strings.NewReader(in), keys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

// TestInfluxQLDecodeTypes checks the typing rules on small responses.
func TestInfluxQLDecodeTypes(t *testing.T) {
	mKeys := map[string]query.MeasurementKeys{"m": {
		Fields: map[string]string{"f": "float", "i": "integer", "u": "unsigned", "s": "string", "b": "boolean", "x": ""},
		Tags:   []string{"host"},
	}}
	series := func(cols, rows string) string {
		return `{"results":[{"statement_id":0,"series":[{"name":"m","columns":` + cols + `,"values":` + rows + `}]}]}`
	}
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{
			name: "field types",
			in:   series(`["time","f","i","u","s","b"]`, `[[1,1,2,3,"a",true],[2,2.5,-4,18446744073709551615,"b\"\n",false],[3,null,null,null,null,null]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time f:float64:field i:int64:field u:uint64:field s:utf8:field b:bool:field\n" +
				"1970-01-01T00:00:00.000000001Z,1,2,3,a,true\n" +
				"1970-01-01T00:00:00.000000002Z,2.5,-4,18446744073709551615,b\"\n,false\n" +
				"1970-01-01T00:00:00.000000003Z,<null>,<null>,<null>,<null>,<null>\n",
		},
		{
			name: "field types of null-only columns",
			in:   series(`["time","f","i","s","b","other"]`, `[[1,null,null,null,null,null]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time f:float64:field i:int64:field s:utf8:field b:bool:field other:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,<null>,<null>,<null>,<null>,<null>\n",
		},
		{
			name: "inferred",
			in:   series(`["time","n","fl","str","bo"]`, `[[1,null,1.5,"x",true],[2,7,2,"y",false]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time n:int64:field fl:float64:field str:utf8:field bo:bool:field\n" +
				"1970-01-01T00:00:00.000000001Z,<null>,1.5,x,true\n" +
				"1970-01-01T00:00:00.000000002Z,7,2,y,false\n",
		},
		{
			name: "int promoted to float",
			in:   series(`["time","max"]`, `[[1,1],[2,null],[3,2],[4,2.5],[5,3]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time max:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,1\n1970-01-01T00:00:00.000000002Z,<null>\n1970-01-01T00:00:00.000000003Z,2\n" +
				"1970-01-01T00:00:00.000000004Z,2.5\n1970-01-01T00:00:00.000000005Z,3\n",
		},
		{
			name: "exponent is a float",
			in:   series(`["time","sum"]`, `[[1,1e3],[2,2]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time sum:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,1000\n1970-01-01T00:00:00.000000002Z,2\n",
		},
		{
			name: "beyond int64 is a float",
			in:   series(`["time","sum"]`, `[[1,3],[2,9223372036854775808]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time sum:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,3\n1970-01-01T00:00:00.000000002Z,9223372036854776000\n",
		},
		{
			name: "mixed kinds become text",
			in:   series(`["time","v","w"]`, `[[1,1,true],[2,2.5,"x"],[3,"y",1e2],[4,false,null]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time v:utf8:field w:utf8:field\n" +
				"1970-01-01T00:00:00.000000001Z,1,true\n1970-01-01T00:00:00.000000002Z,2.5,x\n" +
				"1970-01-01T00:00:00.000000003Z,y,1e2\n1970-01-01T00:00:00.000000004Z,false,<null>\n",
		},
		{
			name: "declared types promoted by values they cannot hold",
			// count(s) AS s, mean(i) AS i, a negative "unsigned".
			in: series(`["time","s","i","u","b"]`, `[[1,3,1,1,true],[2,"z",1.5,-1,2]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time s:utf8:field i:float64:field u:float64:field b:utf8:field\n" +
				"1970-01-01T00:00:00.000000001Z,3,1,1,true\n1970-01-01T00:00:00.000000002Z,z,1.5,-1,2\n",
		},
		{
			name: "field of several types is inferred",
			in:   series(`["time","x"]`, `[[1,1],[2,2]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time x:int64:field\n" +
				"1970-01-01T00:00:00.000000001Z,1\n1970-01-01T00:00:00.000000002Z,2\n",
		},
		{
			name: "float functions",
			in:   series(`["time","mean","mean_f","mean_i","median_zz","stddev"]`, `[[1,1,2,3,4,null]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time mean:float64:field mean_f:float64:field mean_i:float64:field median_zz:int64:field stddev:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,1,2,3,4,<null>\n",
		},
		{
			name: "tag keys as columns",
			in:   series(`["time","host","f"]`, `[[1,"a",1],[2,null,2]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag f:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,a,1\n1970-01-01T00:00:00.000000002Z,<null>,2\n",
		},
		{
			name: "series tags",
			in: `{"results":[{"statement_id":0,"series":[` +
				`{"name":"m","tags":{"region":"eu","host":"a"},"columns":["time","f"],"values":[[1,1]]},` +
				`{"name":"m","tags":{"host":"b","region":""},"columns":["time","f"],"values":[[1,2]]}]}]}`,
			want: "m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag f:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,a,eu,1\n" +
				"m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag f:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,b,<null>,2\n",
		},
		{
			name: "series tag in a column",
			// SELECT host, f FROM m GROUP BY host; SELECT * FROM m GROUP BY *
			// where f is both a field and a tag.
			in: `{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"host":"a"},"columns":["time","host","f"],"values":[[1,"a",1]]}]},` +
				`{"statement_id":1,"series":[{"name":"m","tags":{"f":"t","f_1":"u"},"columns":["time","f"],"values":[[1,1]]}]}]}`,
			want: "m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag f:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,a,1\n" +
				"m#1 time:timestamp[ns, tz=UTC]:time f_2:utf8:tag f_1:utf8:tag f:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,t,u,1\n",
		},
		{
			name: "partial series over chunks",
			in: `{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[[1,1]],"partial":true}],"partial":true}]}` + "\n" +
				`{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[[2,2.5]]}],"partial":true}]}` + "\n" +
				`{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"host":"b"},"columns":["time","v"],"values":[[1,"x"]]}]}]}` + "\n" +
				`{"results":[{"statement_id":1}]}` + "\n" +
				`{"results":[{"statement_id":2,"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[[3,3]]}]}]}` + "\n",
			want: "m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag v:float64:field\n" +
				"1970-01-01T00:00:00.000000001Z,a,1\n1970-01-01T00:00:00.000000002Z,a,2.5\n" +
				"m#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag v:utf8:field\n" +
				"1970-01-01T00:00:00.000000001Z,b,x\n" +
				"m#2 time:timestamp[ns, tz=UTC]:time host:utf8:tag v:int64:field\n" +
				"1970-01-01T00:00:00.000000003Z,a,3\n",
		},
		{
			name: "no time column",
			in:   `{"results":[{"statement_id":0,"series":[{"name":"measurements","columns":["name"],"values":[["m"],["n"]]}]}]}`,
			want: "measurements#0 name:utf8:field\nm\nn\n",
		},
		{
			name: "RFC 3339 times",
			in:   series(`["time","v"]`, `[["2021-01-01T00:00:00Z",1],["2021-01-01T01:00:00.5+01:00",2]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time v:int64:field\n" +
				"2021-01-01T00:00:00Z,1\n2021-01-01T00:00:00.5Z,2\n",
		},
		{
			name: "string escapes",
			in:   series(`["time","s","\u0074"]`, `[[1,"\u00e9\t\\\/\u003c\ud83d\ude00","caf\u00e9 ok"],[2,"`+"\xff"+`",""]]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time s:utf8:field t:utf8:field\n" +
				"1970-01-01T00:00:00.000000001Z,é\t\\/<😀,café ok\n" +
				"1970-01-01T00:00:00.000000002Z,\ufffd,\n",
		},
		{
			name: "white space and key order",
			in: "\n { \"error\" : null , \"results\" : [ { \"series\" : [ { \"values\" : [ [ 1 , 2 ] ] ,\n\"columns\" : [ \"time\" , \"v\" ] ,\r\n" +
				"\"tags\" : { \"k\" : null } , \"name\" : \"m\" , \"other\" : [ { } , [ ] , -0.5e-3 ] } ] , \"statement_id\" : 3 , \"error\" : null } ] } \n\n",
			want: "m#3 time:timestamp[ns, tz=UTC]:time k:utf8:tag v:int64:field\n" +
				"1970-01-01T00:00:00.000000001Z,<null>,2\n",
		},
		{
			name: "empty series",
			in:   series(`["time","f"]`, `[]`),
			want: "m#0 time:timestamp[ns, tz=UTC]:time f:float64:field\n",
		},
		{name: "empty response", in: "", want: ""},
		{name: "empty results", in: `{"results":[{"statement_id":0}]}{}`, want: ""},
	} {
		for _, chunk := range []int{frame.DefaultChunkSize, 1, 2} {
			t.Run(fmt.Sprintf("%s/chunk=%d", tc.name, chunk), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				frames := decodeIQ(t, tc.in, staticKeys(mKeys, nil), query.WithAllocator(mem), query.WithChunkSize(chunk))
				defer release(frames)
				if got := iqRows(frames); got != tc.want {
					t.Errorf("got\n%s\nwant\n%s", got, tc.want)
				}
				for _, f := range frames {
					for _, c := range f.Chunks() {
						if c.NumRows() > int64(chunk) {
							t.Errorf("a chunk of %d rows, chunk size %d", c.NumRows(), chunk)
						}
					}
				}
			})
		}
	}
}

// TestInfluxQLDecodeFloats checks that floats are read exactly as
// strconv.ParseFloat reads them.
func TestInfluxQLDecodeFloats(t *testing.T) {
	nums := []string{"0", "-0", "1", "0.1", "-0.001", "1e22", "1e23", "1E-22", "1e-23", "0.000000000000000000000001",
		"9007199254740993", "123456789012345678", "123456789012345.6", "1234567890123456.7", "999999999999999",
		"1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "1.5e+300", "100000000000000000000000",
		"0.30000000000000004", "4.35", "1e0", "12345678901234567890123", "0.1234567890123456789012"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		nums = append(nums, strconv.FormatFloat(f, 'g', -1, 64), strconv.FormatFloat(f, 'e', rng.IntN(20), 64))
		small := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(30)-15))
		nums = append(nums, strconv.FormatFloat(small, 'f', -1, 64), strconv.FormatFloat(small, 'f', rng.IntN(12), 64))
	}
	var b strings.Builder
	b.WriteString(`{"results":[{"series":[{"name":"m","columns":["time","mean"],"values":[`)
	for i, n := range nums {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%d,%s]", i, n)
	}
	b.WriteString(`]}]}]}`)
	frames := decodeIQ(t, b.String(), nil)
	defer release(frames)
	i := 0
	for _, rec := range frames[0].Chunks() {
		col := rec.Column(1).(*array.Float64)
		for r := 0; r < col.Len(); r++ {
			want, err := strconv.ParseFloat(nums[i], 64)
			if err != nil {
				t.Fatal(err)
			}
			if got := col.Value(r); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%s: got %v, want %v", nums[i], got, want)
			}
			i++
		}
	}
	if i != len(nums) {
		t.Errorf("%d values, want %d", i, len(nums))
	}
}

// TestInfluxQLDecodeInts checks integers of every length against
// strconv.ParseInt: an int64 column, and a timestamp.
func TestInfluxQLDecodeInts(t *testing.T) {
	nums := []string{"0", "-0", "7", "-9223372036854775808", "9223372036854775807", "12345678", "123456789", "1234567812345678"}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		n := int64(rng.Uint64()) >> rng.IntN(64)
		nums = append(nums, strconv.FormatInt(n, 10))
	}
	var b strings.Builder
	b.WriteString(`{"results":[{"series":[{"name":"m","columns":["time","n"],"values":[`)
	for i, n := range nums {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%s,%s]", n, n)
	}
	b.WriteString(`]}]}]}`)
	frames := decodeIQ(t, b.String(), nil)
	defer release(frames)
	i := 0
	for _, rec := range frames[0].Chunks() {
		times, col := rec.Column(0).(*array.Timestamp), rec.Column(1).(*array.Int64)
		for r := 0; r < col.Len(); r++ {
			want, err := strconv.ParseInt(nums[i], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			if col.Value(r) != want || int64(times.Value(r)) != want {
				t.Errorf("%s: got %d and time %d", nums[i], col.Value(r), times.Value(r))
			}
			i++
		}
	}
	if i != len(nums) {
		t.Errorf("%d values, want %d", i, len(nums))
	}
}

// TestInfluxQLDecodeFraming reads chunks whose strings hold quotes,
// backslashes and brackets, in pieces of every size, so that each byte of
// an escape falls on a read boundary.
func TestInfluxQLDecodeFraming(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, `{"results":[{"statement_id":%d,"series":[{"name":"m\"}","tags":{"t":"[{\\"},`+
			`"columns":["time","s"],"values":[[1,"a\\\"]}\\"],[2,"\u005c\"{"],[3,"%s"]]}]}]}`+"\n", i, strings.Repeat(`\\`, i))
	}
	in := b.String()
	want := iqRows(decodeIQ(t, in, nil))
	if !strings.Contains(want, `a\"]}\`) || strings.Count(want, "\n") != 12 {
		t.Fatalf("unexpected decoding:\n%s", want)
	}
	for size := 1; size <= 40; size++ {
		frames, err := query.DecodeInfluxQL(&pieceReader{s: in, size: size}, nil)
		if err != nil {
			t.Fatalf("pieces of %d: %v", size, err)
		}
		if got := iqRows(frames); got != want {
			t.Errorf("pieces of %d:\n%s\nwant\n%s", size, got, want)
		}
		release(frames)
	}
}

// pieceReader returns s in pieces of size bytes.
type pieceReader struct {
	s    string
	size int
}

func (r *pieceReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.size)], r.s)
	r.s = r.s[n:]
	return n, nil
}

// TestInfluxQLDecodeKeys checks that keys is asked once per measurement of
// a series with a time column, and that its error stops the decoding.
func TestInfluxQLDecodeKeys(t *testing.T) {
	in := `{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"h":"a"},"columns":["time","f"],"values":[[1,1]]},` +
		`{"name":"m","tags":{"h":"b"},"columns":["time","f"],"values":[[1,1]]},{"name":"n","columns":["time","f"],"values":[[1,1]]},` +
		`{"name":"shown","columns":["name"],"values":[["x"]]}]},{"statement_id":1,"series":[{"name":"m","columns":["time","f"],"values":[[1,1]]}]}]}`
	asked := map[string]int{}
	frames := decodeIQ(t, in, staticKeys(map[string]query.MeasurementKeys{"m": {Fields: map[string]string{"f": "float"}}}, asked))
	release(frames)
	if len(asked) != 2 || asked["m"] != 1 || asked["n"] != 1 {
		t.Errorf("asked %v, want m and n once each", asked)
	}
	// Without keys, a column named like a series tag may be a field: the
	// tag is renamed rather than lost.
	frames = decodeIQ(t, `{"results":[{"series":[{"name":"c","tags":{"x":"t"},"columns":["time","x"],"values":[[1,1]]}]}]}`, nil)
	if got, want := iqRows(frames), "c#0 time:timestamp[ns, tz=UTC]:time x_1:utf8:tag x:int64:field\n1970-01-01T00:00:00.000000001Z,t,1\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	release(frames)
	boom := errors.New("boom")
	_, err := query.DecodeInfluxQL(strings.NewReader(in), func(string) (query.MeasurementKeys, error) {
		return query.MeasurementKeys{}, boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the keys' error", err)
	}
}

// TestInfluxQLDecodeErrors checks the errors of bad responses: their type,
// position (line and byte column) and cause.
func TestInfluxQLDecodeErrors(t *testing.T) {
	const pre = `{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":`
	const post = `}]}]}`
	for _, tc := range []struct {
		name       string
		in         string
		line, col  int64 // of a *ParseError
		colName    string
		cause      error
		statement  int // of an *InfluxQLError, with message
		message    string
		wantSubstr string
	}{
		{name: "statement error", in: `{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time"],"values":[[1]]}]}]}` + "\n" +
			`{"results":[{"statement_id":1,"error":"unsupported mean iterator type"}]}`, statement: 1, message: "unsupported mean iterator type"},
		{name: "top-level error", in: `{"error":"error parsing query: found SELEC"}`, statement: -1, message: "error parsing query: found SELEC"},
		{name: "not JSON", in: `hello`, line: 1, col: 1, cause: query.ErrJSON},
		{name: "not an object", in: "\n  [1]", line: 2, col: 3, cause: query.ErrInfluxQLShape},
		{name: "truncated", in: pre + `[[1,2]`, line: 1, col: 91, cause: query.ErrJSON},
		{name: "truncated string", in: pre + `[[1,"ab`, line: 1, col: 92, cause: query.ErrJSON},
		{name: "bad literal", in: pre + `[[1,nul]]` + post, line: 1, col: 92, cause: query.ErrJSON},
		{name: "bad number", in: pre + `[[1,01]]` + post, line: 1, col: 90, cause: query.ErrJSON},
		{name: "bad number end", in: pre + `[[1,1.]]` + post, line: 1, col: 91, cause: query.ErrJSON},
		{name: "bad escape", in: pre + `[[1,"\x"]]` + post, line: 1, col: 91, cause: query.ErrJSON},
		{name: "control character", in: pre + "[[1,\"a\tb\"]]" + post, line: 1, col: 91, cause: query.ErrJSON},
		{name: "missing comma", in: pre + `[[1 2]]` + post, line: 1, col: 89, cause: query.ErrJSON},
		{name: "trailing comma", in: pre + `[[1,2],]` + post, line: 1, col: 92, cause: query.ErrJSON},
		{name: "garbage after chunk", in: pre + `[[1,2]]` + post + ` x`, line: 1, col: 98, cause: query.ErrJSON},
		{name: "error on line 2", in: "{}\n" + pre + `[[1,2],` + "\n" + `[1,2,3]]` + post, line: 3, col: 6, cause: frame.ErrFieldCount},
		{name: "short row", in: pre + `[[1]]` + post, line: 1, col: 86, cause: frame.ErrFieldCount},
		{name: "values without columns", in: `{"results":[{"series":[{"name":"m","values":[[1]]}]}]}`, line: 1, col: 46, cause: frame.ErrFieldCount},
		{name: "object value", in: pre + `[[1,{}]]` + post, line: 1, col: 89, cause: query.ErrInfluxQLShape},
		{name: "time not a time", in: pre + `[["yesterday",1]]` + post, line: 1, col: 87, colName: "time", cause: frame.ErrBadValue},
		{name: "float out of range", in: `{"results":[{"series":[{"name":"m","columns":["time","mean"],"values":[[1,1e999]]}]}]}`, line: 1, col: 75, colName: "mean", cause: frame.ErrBadValue},
		{name: "duplicate column", in: `{"results":[{"series":[{"name":"m","columns":["time","v","v"]}]}]}`, cause: frame.ErrDupColumn, line: 1, col: 63, colName: "v"},
		{name: "statement_id not a number", in: `{"results":[{"statement_id":"0"}]}`, line: 1, col: 29, cause: query.ErrInfluxQLShape},
		{name: "results not an array", in: `{"results":{}}`, line: 1, col: 12, cause: query.ErrInfluxQLShape},
		{name: "columns not strings", in: `{"results":[{"series":[{"columns":[1]}]}]}`, line: 1, col: 36, cause: query.ErrInfluxQLShape},
		{name: "name after values", in: `{"results":[{"series":[{"columns":["time"],"values":[[1]],"name":"m"}]}]}`, line: 1, col: 66, cause: query.ErrInfluxQLShape},
		{name: "deep nesting", in: `{"x":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, line: 1, col: 1006, cause: query.ErrJSON},
		{name: "unclosed", in: `{"x":` + strings.Repeat("[", 2000), line: 1, col: 2006, cause: query.ErrJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			frames, err := query.DecodeInfluxQL(strings.NewReader(tc.in), nil, query.WithAllocator(mem), query.WithChunkSize(1))
			if err == nil {
				release(frames)
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error without the prefix: %v", err)
			}
			if tc.message != "" {
				var qe *query.InfluxQLError
				if !errors.As(err, &qe) {
					t.Fatalf("err = %T %v, want an *InfluxQLError", err, err)
				}
				if qe.Statement != tc.statement || qe.Message != tc.message {
					t.Errorf("got statement %d %q, want %d %q", qe.Statement, qe.Message, tc.statement, tc.message)
				}
				return
			}
			var pe *query.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T %v, want a *ParseError", err, err)
			}
			if pe.Line != tc.line || int64(pe.Column) != tc.col || pe.ColumnName != tc.colName || !errors.Is(err, tc.cause) {
				t.Errorf("err = %v: line %d column %d (%q), want line %d column %d (%q), cause %v",
					err, pe.Line, pe.Column, pe.ColumnName, tc.line, tc.col, tc.colName, tc.cause)
			}
		})
	}
}

// A reader that fails after some bytes.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestInfluxQLDecodeReadError(t *testing.T) {
	boom := errors.New("connection reset")
	for _, in := range []string{`{"results":[{"series":[`, `{"results":[]}` + "\n"} {
		_, err := query.DecodeInfluxQL(&failingReader{strings.NewReader(in), boom}, nil)
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "query: reading response: ") {
			t.Errorf("%q: err = %v", in, err)
		}
	}
}

// TestInfluxQLRecorded decodes responses recorded from the real servers
// (see TestInfluxQLRecord) with the keys recorded with them, at several
// chunk sizes, and compares the frames with golden files.
func TestInfluxQLRecorded(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "influxql", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_keys.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		server, _, _ := strings.Cut(name, "_")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			keys := recordedKeys(t, server)
			var first string
			for _, chunk := range []int{frame.DefaultChunkSize, 1, 3} {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				frames, err := query.DecodeInfluxQL(bytes.NewReader(in), staticKeys(keys, nil), query.WithAllocator(mem), query.WithChunkSize(chunk))
				var got string
				if err != nil {
					got = "error: " + err.Error() + "\n"
				} else {
					got = iqDump(t, frames)
					release(frames)
				}
				mem.AssertSize(t, 0)
				if first == "" {
					first = got
					goldenfile.Check(t, filepath.Join("testdata", "influxql", name+".golden"), []byte(got))
				} else if got != first {
					t.Errorf("chunk size %d gives\n%s\nchunk size %d gave\n%s", chunk, got, frame.DefaultChunkSize, first)
				}
			}
			// Read a byte at a time, as a slow network might deliver it.
			frames, err := query.DecodeInfluxQL(iotest.OneByteReader(bytes.NewReader(in)), staticKeys(keys, nil))
			got := ""
			if err != nil {
				got = "error: " + err.Error() + "\n"
			} else {
				got = iqDump(t, frames)
				release(frames)
			}
			if got != first {
				t.Errorf("read a byte at a time:\n%s\nwant\n%s", got, first)
			}
		})
	}
	if n == 0 {
		t.Fatal("no recorded responses in testdata/influxql")
	}
}

func recordedKeys(t *testing.T, server string) map[string]query.MeasurementKeys {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "influxql", server+"_keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]query.MeasurementKeys
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	return keys
}

// The points and statements that TestInfluxQLRecord records.
var (
	recordPoints = []string{
		"m,host=a,region=eu f=1,i=3i,s=\"x \\\"q\\\"\ny <&> é\",b=true 1609459200000000000", // a newline in the string
		`m,host=a,region=eu f=2.5,i=-4i,b=false 1609459260000000000`,
		`m,host=b,region=us f=-1e-3 1609459200000000000`,
		`m,host=b f=1e21 1609459320000000000`,
		`c,x=t x=1,y=2 1609459200000000000`,
	}
	recordPointsV2 = []string{
		`u,host=a u=5u,big=18446744073709551615u,f=2 1609459200000000000`,
	}
	recordings = []struct {
		name, q        string
		chunk          int
		v1only, v2only bool
	}{
		{name: "series", chunk: 1, q: `SELECT * FROM m GROUP BY *`},
		{name: "no_group", chunk: 2, q: `SELECT * FROM m`},
		{name: "statements", chunk: 3, q: `SELECT mean(f) FROM m WHERE time >= '2021-01-01T00:00:00Z' AND time < '2021-01-01T00:05:00Z' GROUP BY time(1m) fill(null); ` +
			`SELECT count(f) FROM m WHERE time >= '2021-01-01T00:00:00Z' AND time < '2021-01-01T00:05:00Z' GROUP BY time(1m), host fill(0); ` +
			`SELECT * FROM nope; SELECT max(f), min(i), mean(*) FROM m`},
		{name: "clash", chunk: 10000, q: `SELECT * FROM c; SELECT * FROM c GROUP BY *; SELECT host, f FROM m GROUP BY host`},
		{name: "show", chunk: 10000, q: `SHOW MEASUREMENTS; SHOW TAG VALUES FROM m WITH KEY = host; SHOW FIELD KEYS FROM m`},
		{name: "error_statement", chunk: 10000, q: `SELECT * FROM m; SELECT mean(s) FROM m`},
		{name: "error_parse", chunk: 10000, q: `SELEC x`, v1only: true}, // 2.x answers {"code", "message"}
		{name: "unsigned", chunk: 10000, q: `SELECT * FROM u`, v2only: true},
	}
)

// TestInfluxQLRecord records testdata/influxql from the real servers: run
// go test ./query -run TestInfluxQLRecord -record-influxql
// then go test ./query -run TestInfluxQLRecorded -update.
func TestInfluxQLRecord(t *testing.T) {
	if !*recordInfluxQL {
		t.Skip("records testdata/influxql with -record-influxql")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, kind := range testserver.Kinds {
		prefix := map[testserver.Kind]string{testserver.V1: "v1", testserver.V2: "v2"}[kind]
		srv := testserver.Shared(t, kind)
		client := srv.Client()
		defer client.Close()
		bucket := influxQLBucket(t, ctx, srv, client)
		pts := recordPoints
		if kind == testserver.V2 {
			pts = append(pts[:len(pts):len(pts)], recordPointsV2...)
		}
		if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, pts...); err != nil {
			t.Fatal(err)
		}
		for _, r := range recordings {
			if r.v2only && kind != testserver.V2 || r.v1only && kind != testserver.V1 {
				continue
			}
			body := rawInfluxQL(t, ctx, client, bucket, r.q, r.chunk)
			if err := os.WriteFile(filepath.Join("testdata", "influxql", prefix+"_"+r.name+".json"), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		keys := map[string]query.MeasurementKeys{}
		for _, m := range []string{"m", "c", "u"} {
			mk := query.MeasurementKeys{Fields: map[string]string{}}
			q := "SHOW FIELD KEYS FROM " + influx.QuoteIdent(m) + "; SHOW TAG KEYS FROM " + influx.QuoteIdent(m)
			frames, err := query.DecodeInfluxQL(bytes.NewReader(rawInfluxQL(t, ctx, client, bucket, q, 10000)), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range frames {
				for _, rec := range f.Chunks() {
					for r := 0; r < int(rec.NumRows()); r++ {
						name := rec.Column(0).(*array.String).Value(r)
						if rec.NumCols() == 2 {
							mk.Fields[name] = rec.Column(1).(*array.String).Value(r)
						} else {
							mk.Tags = append(mk.Tags, name)
						}
					}
				}
			}
			release(frames)
			if len(mk.Fields) > 0 {
				keys[m] = mk
			}
		}
		b, err := json.MarshalIndent(keys, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "influxql", prefix+"_keys.json"), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rawInfluxQL returns the body of /query's answer to q, whatever its
// status.
func rawInfluxQL(t *testing.T, ctx context.Context, client influxdb2.Client, db, q string, chunk int) []byte {
	t.Helper()
	params := url.Values{"db": {db}, "epoch": {"ns"}, "chunked": {"true"}, "chunk_size": {strconv.Itoa(chunk)}}
	u := strings.TrimSuffix(client.HTTPService().ServerURL(), "/") + "/query?" + params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(url.Values{"q": {q}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.HTTPService().DoHTTPRequestWithResponse(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// influxQLBucket makes a bucket (database) for one test, mapped for
// InfluxQL on 2.x.
func influxQLBucket(t *testing.T, ctx context.Context, srv *testserver.Server, client influxdb2.Client) string {
	t.Helper()
	bucket := srv.NewBucket(t)
	if srv.Kind == testserver.V2 {
		created, err := influx.EnsureDBRP(ctx, client, srv.Org, bucket)
		if err != nil || !created {
			t.Fatalf("EnsureDBRP: created %v, %v", created, err)
		}
	}
	return bucket
}

// TestInfluxQLServer writes known points to real servers and reads them
// back with InfluxQL.
func TestInfluxQLServer(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			client := srv.Client()
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			// setup makes a bucket holding points, and returns a
			// function running InfluxQL there with a checked allocator.
			setup := func(t *testing.T, points ...string) (string, func(q string, opts ...query.Option) ([]*frame.Frame, error)) {
				t.Helper()
				bucket := influxQLBucket(t, ctx, srv, client)
				if len(points) > 0 {
					if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, points...); err != nil {
						t.Fatalf("write: %v", err)
					}
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				t.Cleanup(func() { mem.AssertSize(t, 0) })
				return bucket, func(q string, opts ...query.Option) ([]*frame.Frame, error) {
					return query.InfluxQL(ctx, client, bucket, q, append([]query.Option{query.WithAllocator(mem)}, opts...)...)
				}
			}
			run := func(t *testing.T, ql func(string, ...query.Option) ([]*frame.Frame, error), q string, opts ...query.Option) []*frame.Frame {
				t.Helper()
				frames, err := ql(q, opts...)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				t.Cleanup(func() { release(frames) })
				return frames
			}
			check := func(t *testing.T, frames []*frame.Frame, want string) {
				t.Helper()
				if got := iqRows(frames); got != want {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
			}

			t.Run("one series", func(t *testing.T) {
				_, ql := setup(t,
					`cpu usage=0.5,procs=3i,state="ok",up=true 1609459200000000000`,
					`cpu usage=1.25,procs=-4i,up=false 1609459260000000000`)
				check(t, run(t, ql, `SELECT * FROM cpu`),
					"cpu#0 time:timestamp[ns, tz=UTC]:time procs:int64:field state:utf8:field up:bool:field usage:float64:field\n"+
						"2021-01-01T00:00:00Z,3,ok,true,0.5\n"+
						"2021-01-01T00:01:00Z,-4,<null>,false,1.25\n")
			})

			t.Run("series with tags", func(t *testing.T) {
				_, ql := setup(t,
					`cpu,host=a,region=eu usage=0.5 1609459200000000000`,
					`cpu,host=b,region=us usage=0.25 1609459200000000000`,
					`cpu,host=a,region=eu usage=0.75 1609459260000000000`,
					`cpu,host=c usage=1.5 1609459200000000000`)
				want := "cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag usage:float64:field\n" +
					"2021-01-01T00:00:00Z,a,eu,0.5\n2021-01-01T00:01:00Z,a,eu,0.75\n" +
					"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag usage:float64:field\n" +
					"2021-01-01T00:00:00Z,b,us,0.25\n" +
					"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag usage:float64:field\n" +
					"2021-01-01T00:00:00Z,c,<null>,1.5\n"
				got := run(t, ql, `SELECT * FROM cpu GROUP BY *`)
				check(t, got, want)
				// Without GROUP BY the tags are columns of one frame, still
				// tags.
				check(t, run(t, ql, `SELECT * FROM cpu`),
					"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag region:utf8:tag usage:float64:field\n"+
						"2021-01-01T00:00:00Z,a,eu,0.5\n2021-01-01T00:00:00Z,b,us,0.25\n2021-01-01T00:00:00Z,c,<null>,1.5\n"+
						"2021-01-01T00:01:00Z,a,eu,0.75\n")
				// A tag selected and grouped by is one column.
				check(t, run(t, ql, `SELECT host, usage FROM cpu WHERE host = 'b' GROUP BY host`),
					"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag usage:float64:field\n"+
						"2021-01-01T00:00:00Z,b,0.25\n")
			})

			t.Run("group by time", func(t *testing.T) {
				_, ql := setup(t,
					`cpu,host=a usage=1 1609459200000000000`,
					`cpu,host=a usage=2 1609459210000000000`,
					`cpu,host=a usage=4 1609459320000000000`,
					`cpu,host=b usage=0.5 1609459260000000000`)
				const where = ` FROM cpu WHERE time >= '2021-01-01T00:00:00Z' AND time < '2021-01-01T00:03:00Z' GROUP BY time(1m), host `
				frames := run(t, ql, `SELECT mean(usage), count(usage), max(usage) AS usage`+where+`fill(null); `+
					`SELECT mean(usage), count(usage)`+where+`fill(0)`)
				check(t, frames,
					"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag mean:float64:field count:int64:field usage:float64:field\n"+
						"2021-01-01T00:00:00Z,a,1.5,2,2\n2021-01-01T00:01:00Z,a,<null>,0,<null>\n2021-01-01T00:02:00Z,a,4,1,4\n"+
						"cpu#0 time:timestamp[ns, tz=UTC]:time host:utf8:tag mean:float64:field count:int64:field usage:float64:field\n"+
						"2021-01-01T00:00:00Z,b,<null>,0,<null>\n2021-01-01T00:01:00Z,b,0.5,1,0.5\n2021-01-01T00:02:00Z,b,<null>,0,<null>\n"+
						"cpu#1 time:timestamp[ns, tz=UTC]:time host:utf8:tag mean:float64:field count:int64:field\n"+
						"2021-01-01T00:00:00Z,a,1.5,2\n2021-01-01T00:01:00Z,a,0,0\n2021-01-01T00:02:00Z,a,4,1\n"+
						"cpu#1 time:timestamp[ns, tz=UTC]:time host:utf8:tag mean:float64:field count:int64:field\n"+
						"2021-01-01T00:00:00Z,b,0,0\n2021-01-01T00:01:00Z,b,0.5,1\n2021-01-01T00:02:00Z,b,0,0\n")
			})

			t.Run("integral floats", func(t *testing.T) {
				_, ql := setup(t, `m f=1.0,i=1i 1609459200000000000`, `m f=2.0,i=2i 1609459260000000000`)
				frames := run(t, ql, `SELECT * FROM m`)
				check(t, frames, "m#0 time:timestamp[ns, tz=UTC]:time f:float64:field i:int64:field\n"+
					"2021-01-01T00:00:00Z,1,1\n2021-01-01T00:01:00Z,2,2\n")
				// Exported and imported again, the types stay.
				path := filepath.Join(t.TempDir(), "m.lp")
				if err := query.Export(path, frames...); err != nil {
					t.Fatal(err)
				}
				lp, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if want := "m f=1,i=1i 1609459200000000000\nm f=2,i=2i 1609459260000000000\n"; string(lp) != want {
					t.Errorf("line protocol\n%s\nwant\n%s", lp, want)
				}
				bucket2, ql2 := setup(t)
				if err := client.WriteAPIBlocking(srv.Org, bucket2).WriteRecord(ctx, strings.Split(strings.TrimSpace(string(lp)), "\n")...); err != nil {
					t.Fatal(err)
				}
				check(t, run(t, ql2, `SELECT * FROM m`), iqRows(frames))
				check(t, run(t, ql2, `SHOW FIELD KEYS FROM m`), "m#0 fieldKey:utf8:field fieldType:utf8:field\nf,float\ni,integer\n")
				// A float written as an integer into the same
				// measurement conflicts: the types matter.
				err = client.WriteAPIBlocking(srv.Org, bucket2).WriteRecord(ctx, `m f=3i 1609459320000000000`)
				if err == nil {
					t.Error("an integer for a float field: no conflict")
				}
			})

			t.Run("strings", func(t *testing.T) {
				s := "quote \" backslash \\ newline\n tab\t html <&> unicode é 😀 comma, equals="
				lp := `m n="",s="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `" 1609459200000000000`
				_, ql := setup(t, lp)
				frames := run(t, ql, `SELECT * FROM m`)
				if len(frames) != 1 || frames[0].NumRows() != 1 {
					t.Fatalf("%d frames", len(frames))
				}
				rec := frames[0].Chunk(0)
				if got := rec.Column(frames[0].Schema().Index("s")).(*array.String).Value(0); got != s {
					t.Errorf("s = %q, want %q", got, s)
				}
				if got := rec.Column(frames[0].Schema().Index("n")).(*array.String).Value(0); got != "" {
					t.Errorf("n = %q, want empty", got)
				}
				var b bytes.Buffer
				if err := query.WriteLineProtocol(&b, frames[0]); err != nil {
					t.Fatal(err)
				}
				if b.String() != lp+"\n" {
					t.Errorf("line protocol\n%s\nwant\n%s", b.String(), lp)
				}
			})

			if kind == testserver.V2 {
				t.Run("unsigned", func(t *testing.T) {
					_, ql := setup(t, `m u=5u,big=18446744073709551615u 1609459200000000000`)
					check(t, run(t, ql, `SELECT * FROM m`), "m#0 time:timestamp[ns, tz=UTC]:time big:uint64:field u:uint64:field\n"+
						"2021-01-01T00:00:00Z,18446744073709551615,5\n")
				})
			}

			t.Run("multi chunk", func(t *testing.T) {
				const n = 2500
				pts := make([]string, n)
				for i := range pts {
					// Integral floats, an integer, and a string in a
					// column that is null in most rows.
					pts[i] = fmt.Sprintf("m,host=h%d f=%d,i=%di %d", i%2, i/2, i, 1609459200000000000+int64(i)*int64(time.Second))
					if i%1000 == 999 {
						pts[i] = fmt.Sprintf("m,host=h%d f=%d,i=%di,s=\"at %d\" %d", i%2, i/2, i, i, 1609459200000000000+int64(i)*int64(time.Second))
					}
				}
				_, ql := setup(t, pts...)
				for _, q := range []string{`SELECT * FROM m`, `SELECT * FROM m GROUP BY host`} {
					frames := run(t, ql, q, query.WithChunkSize(100))
					total := 0
					for _, f := range frames {
						s := f.Schema()
						for _, c := range f.Chunks() {
							if c.NumRows() > 100 {
								t.Errorf("a chunk of %d rows", c.NumRows())
							}
							times := c.Column(s.Index("time")).(*array.Timestamp)
							fs := c.Column(s.Index("f")).(*array.Float64)
							is := c.Column(s.Index("i")).(*array.Int64)
							ss := c.Column(s.Index("s")).(*array.String)
							hs := c.Column(s.Index("host")).(*array.String)
							for r := 0; r < int(c.NumRows()); r++ {
								i := int(is.Value(r))
								wantS := ""
								if i%1000 == 999 {
									wantS = fmt.Sprintf("at %d", i)
								}
								if int64(times.Value(r)) != 1609459200000000000+int64(i)*int64(time.Second) ||
									fs.Value(r) != float64(i/2) || hs.Value(r) != fmt.Sprintf("h%d", i%2) ||
									ss.IsNull(r) != (wantS == "") || ss.Value(r) != wantS {
									t.Fatalf("%s: row %d of a chunk: time %d f %v i %d s %q host %q", q, r, times.Value(r), fs.Value(r), i, ss.Value(r), hs.Value(r))
								}
								total++
							}
						}
					}
					if total != n {
						t.Errorf("%s: %d rows, want %d", q, total, n)
					}
				}
			})

			t.Run("statements", func(t *testing.T) {
				// (Both servers drop the values of a field whose type
				// differs between the measurements of one SELECT: b v="x"
				// would not come back from SELECT * FROM a, b.)
				_, ql := setup(t, `a v=1 1609459200000000000`, `b w="x" 1609459200000000000`)
				check(t, run(t, ql, `SELECT * FROM b; SELECT * FROM nope; SELECT * FROM a, b; SHOW MEASUREMENTS`),
					"b#0 time:timestamp[ns, tz=UTC]:time w:utf8:field\n2021-01-01T00:00:00Z,x\n"+
						"a#2 time:timestamp[ns, tz=UTC]:time v:float64:field w:float64:field\n2021-01-01T00:00:00Z,1,<null>\n"+
						"b#2 time:timestamp[ns, tz=UTC]:time v:float64:field w:utf8:field\n2021-01-01T00:00:00Z,<null>,x\n"+
						"measurements#3 name:utf8:field\na\nb\n")
			})

			t.Run("errors", func(t *testing.T) {
				bucket, ql := setup(t, `m f=1,s="x" 1609459200000000000`)
				var qe *query.InfluxQLError
				var he *influxhttp.Error

				_, err := ql(`SELEC * FROM m`)
				if !errors.As(err, &qe) || qe.Statement != -1 || !strings.Contains(qe.Message, "pars") {
					t.Errorf("bad syntax: %v", err)
				}
				if !errors.As(err, &he) || he.StatusCode != http.StatusBadRequest {
					t.Errorf("bad syntax: %v, want an *http.Error 400", err)
				}

				_, err = ql(`SELECT * FROM m; SELECT mean(s) FROM m`)
				if !errors.As(err, &qe) || qe.Statement != 1 || qe.Hint != "" || errors.As(err, &he) {
					t.Errorf("statement error: %v", err)
				}

				frames, err := ql(`SELECT * FROM nope`)
				if err != nil || len(frames) != 0 {
					t.Errorf("missing measurement: %d frames, %v", len(frames), err)
				}

				_, err = query.InfluxQL(ctx, client, bucket+"-nope", `SELECT * FROM m`)
				if !errors.As(err, &qe) || qe.Statement != 0 || !strings.HasPrefix(qe.Message, "database not found") {
					t.Fatalf("missing database: %v", err)
				}
				wantHint := map[testserver.Kind]string{testserver.V1: "CREATE DATABASE", testserver.V2: "DBRP"}[kind]
				if !strings.Contains(qe.Hint, wantHint) || !strings.Contains(qe.Hint, "--create-bucket") || !strings.Contains(err.Error(), qe.Hint) {
					t.Errorf("missing database: hint %q, want %q and --create-bucket", qe.Hint, wantHint)
				}

				_, err = query.InfluxQL(ctx, client, bucket+"/nope", `SELECT * FROM m`)
				if !errors.As(err, &qe) || qe.Statement != 0 || !strings.Contains(qe.Message, "not found") || qe.Hint == "" {
					t.Errorf("missing retention policy: %v", err)
				}

				if kind == testserver.V2 {
					// A bucket without its DBRP mapping.
					unmapped := srv.NewBucket(t)
					_, err = query.InfluxQL(ctx, client, unmapped, `SELECT * FROM m`)
					if !errors.As(err, &qe) || !strings.Contains(qe.Hint, "DBRP") {
						t.Errorf("unmapped bucket: %v", err)
					}
					bad := srv.Client()
					defer bad.Close()
					bad.HTTPService().SetAuthorization("Token wrong")
					_, err = query.InfluxQL(ctx, bad, bucket, `SELECT * FROM m`)
					if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized || errors.As(err, &qe) || !strings.HasPrefix(err.Error(), "query: ") {
						t.Errorf("bad token: %v", err)
					}
				}

				cctx, ccancel := context.WithCancel(ctx)
				ccancel()
				if _, err = query.InfluxQL(cctx, client, bucket, `SELECT * FROM m`); !errors.Is(err, context.Canceled) {
					t.Errorf("canceled: %v", err)
				}
			})
		})
	}
}

// FuzzInfluxQLDecode feeds arbitrary bytes to the InfluxQL decoder: it
// must never panic nor leak Arrow memory, its errors start with "query: ",
// it accepts only what encoding/json accepts, and the chunk size does not
// change the values.
func FuzzInfluxQLDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "influxql", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"h":"a"},"columns":["time","v","w"],"values":[[1,1,"x"],[2,2.5,true],[3,null,1e2]]}]}]}`,
		`{"results":[{"series":[{"name":"m","columns":["time","mean","f"],"values":[[1,"\u00e9\ud800",-0]]}],"statement_id":1}]}`,
		`{"error":"x"}`,
		`{"results":[{"statement_id":0,"error":"database not found: x"}]}`,
		`{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","f"],"values":[[1,1]],"partial":true}],"partial":true}]}{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","f"],"values":[[2,2]]}]}]}`,
		// A number beyond float64 in a value that is ignored.
		"{\"r9sults\":[{\"statement_id\xbf\xd7&\":0,\"series\":[{\"name\":\"u\",\"columns\":[\"t\xea\",\"G\x8fG\",\"host\",\"u\"],\"value\x90\":[[1609459200000000000,1844274407370e551615,2,\"a\",5]]}]}]}\n",
	} {
		f.Add([]byte(s))
	}
	keys := staticKeys(map[string]query.MeasurementKeys{"m": {Fields: map[string]string{"f": "float", "i": "integer", "u": "unsigned", "s": "string", "b": "boolean"}, Tags: []string{"host"}}}, nil)
	f.Fuzz(func(t *testing.T, in []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		frames, err := query.DecodeInfluxQL(bytes.NewReader(in), keys, query.WithAllocator(mem), query.WithChunkSize(2))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error without prefix: %v", err)
			}
			return
		}
		defer release(frames)
		// Accepted: encoding/json reads every value (as JSON text: its
		// syntax, not whether a float64 holds every number).
		dec := json.NewDecoder(bytes.NewReader(in))
		for {
			var v json.RawMessage
			if err := dec.Decode(&v); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("accepted what encoding/json refuses: %v", err)
			}
		}
		again, err := query.DecodeInfluxQL(bytes.NewReader(in), keys, query.WithAllocator(mem))
		if err != nil {
			t.Fatalf("chunk size 2 decodes, the default does not: %v", err)
		}
		defer release(again)
		if a, b := iqRows(frames), iqRows(again); a != b {
			t.Fatalf("chunk sizes disagree:\n%s\n---\n%s", a, b)
		}
	})
}

// influxQLResponse generates a chunked InfluxQL response as InfluxDB 1.x
// writes it: series series of rows rows each (time, a float with a
// fraction, an integer, a string, a bool), in chunks of chunk rows.
func influxQLResponse(series, rows, chunk int) []byte {
	var b bytes.Buffer
	for s := 0; s < series; s++ {
		for start := 0; start < rows; start += chunk {
			fmt.Fprintf(&b, `{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"host%03d"},"columns":["time","usage","count","state","up"],"values":[`, s)
			for r := start; r < min(start+chunk, rows); r++ {
				if r > start {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `[%d,%g,%d,"%s",%t]`, 1609459200000000000+int64(r)*int64(10*time.Second), float64(r)*0.37+0.01, r*7%1000, []string{"ok", "warn", "fail"}[r%3], r%2 == 0)
			}
			partial := ""
			if start+chunk < rows {
				partial = `,"partial":true`
			}
			fmt.Fprintf(&b, "]%s}]%s}]}\n", partial, map[bool]string{true: `,"partial":true`, false: ""}[start+chunk < rows || s < series-1])
		}
	}
	return b.Bytes()
}

// BenchmarkInfluxQLDecode decodes a generated 1,000,000-row response into
// frames, with DecodeInfluxQL and with the straightforward decode it
// replaces: encoding/json into the obvious structs with []any values, then
// each value appended to Arrow builders by its Go type.
func BenchmarkInfluxQLDecode(b *testing.B) {
	const series, rows = 10, 100000
	in := influxQLResponse(series, rows, 10000)
	keys := staticKeys(map[string]query.MeasurementKeys{"cpu": {
		Fields: map[string]string{"usage": "float", "count": "integer", "state": "string", "up": "boolean"},
		Tags:   []string{"host"},
	}}, nil)
	report := func(b *testing.B) {
		b.ReportMetric(float64(series*rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("decoder", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			frames, err := query.DecodeInfluxQL(bytes.NewReader(in), keys)
			if err != nil {
				b.Fatal(err)
			}
			if len(frames) != series || frames[0].NumRows() != rows {
				b.Fatalf("%d frames", len(frames))
			}
			release(frames)
		}
		report(b)
	})
	b.Run("straightforward", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			recs, err := straightforwardDecode(bytes.NewReader(in))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for _, r := range recs {
				n += int(r.NumRows())
				r.Release()
			}
			if n != series*rows {
				b.Fatalf("%d rows", n)
			}
		}
		report(b)
	})
}

// straightforwardDecode is the plain way: each chunk into structs with
// []any values (numbers as json.Number, to keep nanosecond times), each
// series' values appended to builders typed by the first row's Go types.
func straightforwardDecode(r io.Reader) ([]arrow.Record, error) {
	type chunk struct {
		Results []struct {
			StatementID int `json:"statement_id"`
			Series      []struct {
				Name    string            `json:"name"`
				Tags    map[string]string `json:"tags"`
				Columns []string          `json:"columns"`
				Values  [][]any           `json:"values"`
			} `json:"series"`
			Error string `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var recs []arrow.Record
	for {
		var c chunk
		if err := dec.Decode(&c); err == io.EOF {
			return recs, nil
		} else if err != nil {
			return recs, err
		}
		if c.Error != "" {
			return recs, errors.New(c.Error)
		}
		for _, res := range c.Results {
			if res.Error != "" {
				return recs, errors.New(res.Error)
			}
			for _, s := range res.Series {
				if len(s.Values) == 0 {
					continue
				}
				// Each column's type from its values: a number with a
				// fraction makes it float, other numbers int; nulls are
				// nulls.
				fields := make([]arrow.Field, len(s.Columns))
				for j, name := range s.Columns {
					var t arrow.DataType = arrow.BinaryTypes.String
					for _, row := range s.Values {
						switch v := row[j].(type) {
						case json.Number:
							if _, err := v.Int64(); err != nil {
								t = arrow.PrimitiveTypes.Float64
							} else if t.ID() != arrow.FLOAT64 {
								t = arrow.PrimitiveTypes.Int64
							}
						case bool:
							t = arrow.FixedWidthTypes.Boolean
						}
					}
					if j == 0 && name == "time" {
						t = arrow.FixedWidthTypes.Timestamp_ns
					}
					fields[j] = arrow.Field{Name: name, Type: t, Nullable: true}
				}
				bld := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
				for _, row := range s.Values {
					for j, v := range row {
						if v == nil {
							bld.Field(j).AppendNull()
							continue
						}
						switch fb := bld.Field(j).(type) {
						case *array.TimestampBuilder:
							n, _ := v.(json.Number).Int64()
							fb.Append(arrow.Timestamp(n))
						case *array.Int64Builder:
							n, _ := v.(json.Number).Int64()
							fb.Append(n)
						case *array.Float64Builder:
							n, _ := v.(json.Number).Float64()
							fb.Append(n)
						case *array.BooleanBuilder:
							fb.Append(v.(bool))
						case *array.StringBuilder:
							fb.Append(fmt.Sprint(v))
						}
					}
				}
				recs = append(recs, bld.NewRecord())
				bld.Release()
			}
		}
	}
}

func ExampleDecodeInfluxQL() {
	// Two chunks of one series (partial) and a second statement, as
	// InfluxDB writes them with epoch=ns&chunked=true&chunk_size=1.
	const response = `{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage","mean"],"values":[[1609459200000000000,1,2]],"partial":true}],"partial":true}]}
{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage","mean"],"values":[[1609459260000000000,2.5,3]]}]}]}
{"results":[{"statement_id":1,"series":[{"name":"cpu","columns":["time","count"],"values":[[0,2]]}]}]}
`
	// What SHOW FIELD KEYS says: usage is a float field.
	keys := func(measurement string) (query.MeasurementKeys, error) {
		return query.MeasurementKeys{Fields: map[string]string{"usage": "float"}}, nil
	}
	frames, err := query.DecodeInfluxQL(strings.NewReader(response), keys)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(frames)
	for _, f := range frames {
		s := f.Schema()
		stmt, _ := s.Arrow().Metadata().GetValue(query.MetaStatementID)
		fmt.Printf("statement %s, %s, %d rows:", stmt, s.Measurement, f.NumRows())
		for i, c := range s.Columns {
			fmt.Printf(" %s %s (%s)", c.Name, s.Arrow().Field(i).Type, c.Role)
		}
		fmt.Println()
		if err := query.WriteLineProtocol(os.Stdout, f); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// statement 0, cpu, 2 rows: time timestamp[ns, tz=UTC] (time) host utf8 (tag) usage float64 (field) mean float64 (field)
	// cpu,host=a usage=1,mean=2 1609459200000000000
	// cpu,host=a usage=2.5,mean=3 1609459260000000000
	// statement 1, cpu, 1 rows: time timestamp[ns, tz=UTC] (time) count int64 (field)
	// cpu count=2i 0
}
