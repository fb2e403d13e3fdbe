package query_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	influxhttp "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/testserver"
	"github.com/influxframe/influxframe/query"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// points are written to a real server and read back; every field type
// InfluxDB 1.8 and 2.0 share, two series with different field sets.
var points = []string{
	`m,host=a,region=eu f=1.5,i=3i,s="x y",b=true 1609459200000000000`,
	`m,host=a,region=eu f=2.5,i=-4i,b=false 1609459260000000000`,
	`m,host=b,region=us f=-1e-3,s="z,\"q\"" 1609459200000000000`,
}

// want is the long form of points: host|region|_field|_time|_value, by
// _value type.
var want = map[string][]string{
	"float64": {
		"a|eu|f|2021-01-01T00:00:00Z|1.5",
		"a|eu|f|2021-01-01T00:01:00Z|2.5",
		"b|us|f|2021-01-01T00:00:00Z|-0.001",
	},
	"int64": {
		"a|eu|i|2021-01-01T00:00:00Z|3",
		"a|eu|i|2021-01-01T00:01:00Z|-4",
	},
	"utf8": {
		"a|eu|s|2021-01-01T00:00:00Z|x y",
		`b|us|s|2021-01-01T00:00:00Z|z,"q"`,
	},
	"bool": {
		"a|eu|b|2021-01-01T00:00:00Z|true",
		"a|eu|b|2021-01-01T00:01:00Z|false",
	},
}

// wantWide is the pivoted form: host|region|_time|b|f|i|s.
var wantWide = []string{
	"a|eu|2021-01-01T00:00:00Z|true|1.5|3|x y",
	"a|eu|2021-01-01T00:01:00Z|false|2.5|-4|<null>",
	`b|us|2021-01-01T00:00:00Z|<null>|-0.001|<null>|z,"q"`,
}

func TestServer(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			client := srv.Client()
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			bucket := srv.NewBucket(t)
			if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, points...); err != nil {
				t.Fatalf("write: %v", err)
			}
			from := fmt.Sprintf(`from(bucket: %q) |> range(start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z) |> filter(fn: (r) => r._measurement == "m")`, bucket)

			t.Run("Frames", func(t *testing.T) {
				frames, err := query.Frames(ctx, client, srv.Org, from)
				if err != nil {
					t.Fatal(err)
				}
				defer release(frames)
				if len(frames) != len(want) {
					t.Errorf("%d frames, want one per field type (%d)", len(frames), len(want))
				}
				for _, f := range frames {
					s := f.Schema()
					vi := s.Index("_value")
					if vi < 0 {
						t.Fatalf("no _value in %v", s.Names())
					}
					typ := s.Arrow().Field(vi).Type.String()
					got := rows(t, f, "host", "region", "_field", "_time", "_value")
					if strings.Join(got, "\n") != strings.Join(want[typ], "\n") {
						t.Errorf("%s rows:\n%s\nwant\n%s", typ, strings.Join(got, "\n"), strings.Join(want[typ], "\n"))
					}
					checkSchema(t, f)
				}

				// Client-side pivot of the long result.
				wide, err := query.Pivot(frames)
				if err != nil {
					t.Fatal(err)
				}
				defer release(wide)
				if len(wide) != 1 {
					t.Fatalf("client pivot gave %d frames, want 1", len(wide))
				}
				got := rows(t, wide[0], "host", "region", "_time", "b", "f", "i", "s")
				if strings.Join(got, "\n") != strings.Join(wantWide, "\n") {
					t.Errorf("client pivot:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWide, "\n"))
				}
			})

			t.Run("server pivot", func(t *testing.T) {
				frames, err := query.Frames(ctx, client, srv.Org, from+
					` |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`)
				if err != nil {
					t.Fatal(err)
				}
				defer release(frames)
				one, err := query.Combine(frames)
				if err != nil {
					t.Fatal(err)
				}
				defer one.Release()
				got := rows(t, one, "host", "region", "_time", "b", "f", "i", "s")
				if strings.Join(got, "\n") != strings.Join(wantWide, "\n") {
					t.Errorf("server pivot:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWide, "\n"))
				}
				for _, name := range []string{"b", "f", "i", "s"} {
					c := one.Schema().Columns[one.Schema().Index(name)]
					if c.Role != frame.RoleField {
						t.Errorf("pivoted column %s has role %q", name, c.Role)
					}
				}
			})

			t.Run("DataFrame", func(t *testing.T) {
				df, err := query.DataFrame(ctx, client, srv.Org, from+` |> filter(fn: (r) => r._field == "f")`)
				if err != nil {
					t.Fatal(err)
				}
				if df.Nrow() != 3 {
					t.Fatalf("%d rows, want 3", df.Nrow())
				}
				var vals []string
				for i := 0; i < df.Nrow(); i++ {
					vals = append(vals, df.Col("host").Elem(i).String()+"="+fmt.Sprint(df.Col("_value").Elem(i).Float())+"@"+df.Col("_time").Elem(i).String())
				}
				sort.Strings(vals)
				wantVals := "a=1.5@2021-01-01T00:00:00Z a=2.5@2021-01-01T00:01:00Z b=-0.001@2021-01-01T00:00:00Z"
				if strings.Join(vals, " ") != wantVals {
					t.Errorf("got %v, want %v", vals, wantVals)
				}
				for _, name := range []string{"result", "table", "_start", "_stop", "_measurement"} {
					if df.Col(name).Err != nil {
						t.Errorf("no column %s: %v", name, df.Col(name).Err)
					}
				}
			})

			t.Run("multiple yields", func(t *testing.T) {
				flux := fmt.Sprintf(`data = %s
data |> filter(fn: (r) => r._field == "f") |> yield(name: "floats")
data |> filter(fn: (r) => r._field == "i") |> yield(name: "ints")`, from)
				frames, err := query.Frames(ctx, client, srv.Org, flux)
				if err != nil {
					t.Fatal(err)
				}
				defer release(frames)
				one, err := query.Combine(frames)
				if err != nil {
					t.Fatal(err)
				}
				defer one.Release()
				got := rows(t, one, "result", "_field", "_value")
				sort.Strings(got)
				wantRows := "floats|f|-0.001 floats|f|1.5 floats|f|2.5 ints|i|-4 ints|i|3"
				if strings.Join(got, " ") != wantRows {
					t.Errorf("got %v, want %v", got, wantRows)
				}
			})

			t.Run("large", func(t *testing.T) {
				// 20,000 values streamed in chunks of 999 rows: every value
				// comes back, and the sums agree exactly.
				const n = 10000
				lines := make([]string, n)
				var sumF float64
				var sumI int64
				for i := range lines {
					f, v := float64(i)*0.25, int64(i*3-7)
					sumF += f
					sumI += v
					lines[i] = fmt.Sprintf("big,host=h%d f=%g,i=%di %d", i%4, f, v, 1609459200000000000+int64(i)*1e9)
				}
				if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, lines...); err != nil {
					t.Fatalf("write: %v", err)
				}
				big := fmt.Sprintf(`from(bucket: %q) |> range(start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z) |> filter(fn: (r) => r._measurement == "big")`, bucket)
				frames, err := query.Frames(ctx, client, srv.Org, big, query.WithChunkSize(999))
				if err != nil {
					t.Fatal(err)
				}
				defer release(frames)
				var gotF float64
				var gotI int64
				var count int
				for _, f := range frames {
					vi := f.Schema().Index("_value")
					for _, rec := range f.Chunks() {
						if rec.NumRows() > 999 {
							t.Errorf("chunk of %d rows", rec.NumRows())
						}
						switch a := rec.Column(vi).(type) {
						case *array.Float64:
							for _, v := range a.Float64Values() {
								gotF += v
							}
						case *array.Int64:
							for _, v := range a.Int64Values() {
								gotI += v
							}
						}
						count += int(rec.NumRows())
					}
				}
				if count != 2*n || gotF != sumF || gotI != sumI {
					t.Errorf("%d values, sums %g %d; want %d, %g %d", count, gotF, gotI, 2*n, sumF, sumI)
				}

				// The same through Stream and a Decoder, chunk by chunk.
				var streamed int64
				err = query.Stream(ctx, client, srv.Org, big, func(body io.Reader) error {
					d, err := query.NewDecoder(body, query.WithChunkSize(500))
					if err != nil {
						return err
					}
					defer d.Release()
					for d.Next() {
						streamed += d.Record().NumRows()
					}
					return d.Err()
				})
				if err != nil || streamed != 2*n {
					t.Errorf("streamed %d rows, %v", streamed, err)
				}
			})

			if kind.Major() == 2 {
				t.Run("unsigned", func(t *testing.T) {
					// 1.8 refuses unsigned fields unless configured; 2.x stores them.
					if err := client.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctx, "u v=18446744073709551615u 1609459200000000000"); err != nil {
						t.Fatalf("write: %v", err)
					}
					frames, err := query.Frames(ctx, client, srv.Org, strings.Replace(from, `"m"`, `"u"`, 1))
					if err != nil {
						t.Fatal(err)
					}
					defer release(frames)
					if len(frames) != 1 {
						t.Fatalf("%d frames", len(frames))
					}
					if got := rows(t, frames[0], "_field", "_value"); len(got) != 1 || got[0] != "v|18446744073709551615" {
						t.Errorf("got %v", got)
					}
					if typ := frames[0].Schema().Arrow().Field(frames[0].Schema().Index("_value")).Type; typ.ID() != arrow.UINT64 {
						t.Errorf("_value is %s", typ)
					}
				})
			}

			t.Run("canceled", func(t *testing.T) {
				cctx, ccancel := context.WithCancel(ctx)
				ccancel()
				_, err := query.Frames(cctx, client, srv.Org, from)
				if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "query: ") {
					t.Errorf("error %v, want a prefixed context.Canceled", err)
				}
			})

			t.Run("errors", func(t *testing.T) {
				_, err := query.Frames(ctx, client, srv.Org, `from(bucket: "nope") |> range(start: -1h) |> this is not flux`)
				if err == nil {
					t.Fatal("no error for a bad query")
				}
				var he *influxhttp.Error
				var se *query.ServerError
				if !strings.HasPrefix(err.Error(), "query: ") || !(errors.As(err, &he) || errors.As(err, &se)) {
					t.Errorf("error %T %q: want a prefixed *http.Error or *ServerError", err, err)
				}
				t.Logf("bad query: %v", err)

				// A runtime error after the query started: int("x").
				_, err = query.Frames(ctx, client, srv.Org, from+` |> map(fn: (r) => ({r with _value: int(v: "x")}))`)
				if err == nil {
					t.Fatal("no error for a failing query")
				}
				if !strings.HasPrefix(err.Error(), "query: ") || !(errors.As(err, &he) || errors.As(err, &se)) {
					t.Errorf("error %T %q: want a prefixed *http.Error or *ServerError", err, err)
				}
				t.Logf("failing query: %T %v", err, err)

				// The second yield fails, usually after the first has
				// streamed: the server has answered 200 and writes an error
				// table at the end (a *ServerError). When the failure wins
				// the race against the first result, it is an HTTP error.
				flux := "data = " + from + "\ndata |> yield(name: \"ok\")\n" +
					`data |> map(fn: (r) => ({r with _value: int(v: "x")})) |> yield(name: "bad")`
				frames, err := query.Frames(ctx, client, srv.Org, flux)
				if err == nil {
					release(frames)
					t.Fatal("no error for an error table in the response")
				}
				if !(errors.As(err, &se) || errors.As(err, &he)) || !strings.Contains(err.Error(), "map function") {
					t.Errorf("error %T %q: want a *ServerError (or *http.Error) about the map function", err, err)
				}
				t.Logf("error after the first yield (server error table: %v): %v", errors.As(err, &se), err)
			})
		})
	}
}

// rows renders the named columns of every row as "v1|v2|...", nulls as
// <null>, rows sorted.
func rows(t *testing.T, f *frame.Frame, cols ...string) []string {
	t.Helper()
	idx := make([]int, len(cols))
	for i, c := range cols {
		if idx[i] = f.Schema().Index(c); idx[i] < 0 {
			t.Fatalf("no column %q in %v", c, f.Schema().Names())
		}
	}
	var out []string
	for _, rec := range f.Chunks() {
		for r := 0; r < int(rec.NumRows()); r++ {
			cells := make([]string, len(idx))
			for j, i := range idx {
				if rec.Column(i).IsNull(r) {
					cells[j] = "<null>"
				} else {
					cells[j] = frame.FormatValue(rec.Column(i), r)
				}
			}
			out = append(out, strings.Join(cells, "|"))
		}
	}
	sort.Strings(out)
	return out
}

// checkSchema checks the types and roles of a long-form frame.
func checkSchema(t *testing.T, f *frame.Frame) {
	t.Helper()
	s := f.Schema()
	for name, want := range map[string]frame.Role{
		"_time": frame.RoleTime, "host": frame.RoleTag, "region": frame.RoleTag, "_value": frame.RoleField,
		"_field": frame.RoleNone, "_measurement": frame.RoleNone, "_start": frame.RoleNone, "result": frame.RoleNone,
	} {
		i := s.Index(name)
		if i < 0 {
			t.Errorf("no column %s", name)
			continue
		}
		if s.Columns[i].Role != want {
			t.Errorf("%s has role %q, want %q", name, s.Columns[i].Role, want)
		}
	}
	if typ := s.Arrow().Field(s.Index("_time")).Type; typ.ID() != arrow.TIMESTAMP {
		t.Errorf("_time is %s", typ)
	}
}
