package influxframe_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/domain"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/testserver"
	"github.com/influxframe/influxframe/query"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

var t0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// write is the three calls of a script: open, normalise, write.
func write(ctx context.Context, client influxdb2.Client, org, bucket, path string, to transform.Options, so sink.Options) (sink.Stats, error) {
	r, err := frame.Open(ctx, path, frame.OpenOptions{})
	if err != nil {
		return sink.Stats{}, err
	}
	in, err := transform.NewReader(r, to)
	if err != nil {
		return sink.Stats{}, err
	}
	defer in.Release()
	return sink.Write(ctx, client, org, bucket, in, so)
}

// writeCSV writes records as a CSV file and returns its path.
func writeCSV(t *testing.T, name string, records [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(records)
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScriptLearnsOfRefusedRow is a script that looks at nothing but the
// error of Write: a row the server refuses (a point older than the bucket's
// retention, which no preflight can foresee) and a row that cannot be a
// point still reach it, with their number and the rejects file that holds
// them.
func TestScriptLearnsOfRefusedRow(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := hourBucket(t, srv)
			client := srv.Client()
			defer client.Close()
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Second)
			at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
			path := writeCSV(t, "readings.csv", [][]string{
				{"time", "v"},
				{at(-3 * time.Second), "1"},
				{at(-48 * time.Hour), "2"}, // beyond the retention: refused
				{at(-2 * time.Second), ""}, // no field value: not a point
				{at(-1 * time.Second), "4"},
			})

			_, err := write(ctx, client, srv.Org, bucket, path, transform.Options{}, sink.Options{})

			if err == nil {
				t.Fatal("Write said nothing of the refused rows")
			}
			rejects := path + ".rejected.lp"
			if msg := err.Error(); !strings.Contains(msg, "2 of 4 rows not written") || !strings.Contains(msg, rejects) {
				t.Errorf("the error does not say how many rows and where: %v", err)
			}
			var ie *sink.IncompleteError
			if !errors.As(err, &ie) || ie.Lost != 2 || ie.Cause != nil || !errors.Is(err, sink.ErrIncomplete) {
				t.Errorf("error %#v", err)
			}
			data, rerr := os.ReadFile(rejects)
			if rerr != nil {
				t.Fatal(rerr)
			}
			for _, want := range []string{"retention", fmt.Sprintf("readings v=2 %d", now.Add(-48*time.Hour).UnixNano()), "readings.csv:4: no field values"} {
				if !strings.Contains(string(data), want) {
					t.Errorf("the rejects file lacks %q:\n%s", want, data)
				}
			}
		})
	}
}

// hourBucket returns a new bucket (1.x: a database and retention policy
// "db/rp") that keeps points for an hour.
func hourBucket(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	ctx := context.Background()
	client := srv.Client()
	defer client.Close()
	name := srv.NewBucket(t)
	if srv.Kind.Major() == 1 {
		q := url.Values{"q": {fmt.Sprintf(`CREATE RETENTION POLICY "hour" ON %q DURATION 1h REPLICATION 1`, name)}}
		resp, err := http.PostForm(srv.URL+"/query", q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("creating a retention policy: %s", resp.Status)
		}
		return name + "/hour"
	}
	org, err := client.OrganizationsAPI().FindOrganizationByName(ctx, srv.Org)
	if err != nil {
		t.Fatal(err)
	}
	name += "_hour"
	if _, err := client.BucketsAPI().CreateBucketWithName(ctx, org, name, domain.RetentionRule{EverySeconds: 3600}); err != nil {
		t.Fatal(err)
	}
	return name
}

// hostile are texts that line protocol, CSV and InfluxDB each treat
// specially.
var hostile = []string{
	"plain", "line one\nline two", "cr\r\nlf", "tab\there", `say "hi"`, `back\slash`, `trailing\`,
	"comma, here", "equals=sign", "a=b,c d", "  spaces  ", "ünïcödé 测量 🙂", "#leading hash", "=", ",", `\`,
	"lone\rcr", `"`, "'single'",
}

// viaFlux is what a Flux query returns of a stored string: InfluxDB writes
// annotated CSV with CR LF line ends (Go's csv.Writer with UseCRLF), which
// turns a newline into CR LF, which the decoder reads back as a newline,
// and drops a lone carriage return. Only InfluxQL returns those exactly.
func viaFlux(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "")
}

// expressibleTag reports whether line protocol can hold s as a tag value:
// no control character, no trailing backslash.
func expressibleTag(s string) bool {
	return !strings.ContainsAny(s, "\n\r\t") && !strings.HasSuffix(s, `\`)
}

// TestHostileTextRoundTrip imports hostile text as tags and string fields
// beside a float field, queries it back, exports it as line protocol and
// CSV, imports the line protocol into a second bucket, and finds every
// value and type identical. Tag values that line protocol cannot hold are
// refused with their reason, never changed.
func TestHostileTextRoundTrip(t *testing.T) {
	// Every text is a string field; as a tag, every text line protocol
	// can hold (the others get a stand-in), and then each of the others
	// once more, on rows that must be refused.
	records := [][]string{{"time", "label", "note", "v"}}
	want := map[float64][2]string{} // v -> label, note of the rows stored
	row := func(label, note string) {
		i := len(records) - 1
		v := float64(i) + 0.25
		records = append(records, []string{t0.Add(time.Duration(i) * time.Second).Format(time.RFC3339), label, note, fmt.Sprint(v)})
		if expressibleTag(label) {
			want[v] = [2]string{label, note}
		}
	}
	var lost int64
	for i, h := range hostile {
		if expressibleTag(h) {
			row(h, h)
		} else {
			row(fmt.Sprintf("stand-in %d", i), h)
		}
	}
	for _, h := range hostile {
		if !expressibleTag(h) {
			row(h, "refused for its tag")
			lost++
		}
	}
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			first, second := srv.NewBucket(t), srv.NewBucket(t)
			client := srv.Client()
			defer client.Close()
			ctx := context.Background()
			path := writeCSV(t, "hostile.csv", records)

			st, err := write(ctx, client, srv.Org, first, path,
				transform.Options{Tags: []string{"label"}, StringFields: []string{"note"}}, sink.Options{})
			if !errors.Is(err, sink.ErrIncomplete) || st.Skipped != lost || st.Written != int64(len(want)) {
				t.Fatalf("Write: %v, stats %+v; want %d rows skipped", err, st, lost)
			}
			data, _ := os.ReadFile(path + ".rejected.lp")
			if n := strings.Count(string(data), "invalid tag value"); int64(n) != lost {
				t.Errorf("%d rows rejected for their tag, want %d:\n%s", n, lost, data)
			}

			// InfluxQL returns strings as stored: every text is there
			// exactly, carriage returns included.
			checkStored(t, srv, first, want, func(s string) string { return s })
			long := queryLong(t, client, srv.Org, first)
			checkHostile(t, "the first bucket", long, want)

			// The line-protocol export, imported, stores the same.
			dir := t.TempDir()
			lp := filepath.Join(dir, "x.lp")
			if err := query.Export(lp, long...); err != nil {
				t.Fatal(err)
			}
			in, err := frame.OpenInput(ctx, lp, nil)
			if err != nil {
				t.Fatal(err)
			}
			st2, err := sink.WriteLineProtocol(ctx, client, srv.Org, second, in, lp, sink.Options{})
			in.Close()
			if err != nil || st2.Written != 2*int64(len(want)) {
				t.Fatalf("importing %s: %v, %+v", lp, err, st2)
			}
			again := queryLong(t, client, srv.Org, second)
			checkHostile(t, "the second bucket", again, want)
			checkStored(t, srv, second, want, viaFlux) // what Flux gave the export
			if a, b := cells(t, long), cells(t, again); a != b {
				t.Errorf("the buckets differ:\n%s\n---\n%s", a, b)
			}
			releaseAll(again)

			// The CSV export keeps every text as it is.
			csvPath := filepath.Join(dir, "x.csv")
			if err := query.Export(csvPath, long...); err != nil {
				t.Fatal(err)
			}
			releaseAll(long)
			checkCSVExport(t, csvPath, want)
		})
	}
}

// queryLong reads a bucket's hostile measurement back as Flux returns it,
// one frame per column set.
func queryLong(t *testing.T, client influxdb2.Client, org, bucket string) []*frame.Frame {
	t.Helper()
	frames, err := query.Frames(context.Background(), client, org, fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2024-03-01T00:00:00Z, stop: 2024-03-02T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "hostile")`, bucket))
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

// checkHostile checks that long-form frames hold exactly want: v (float)
// -> label (tag) and note (string).
func checkHostile(t *testing.T, where string, frames []*frame.Frame, want map[float64][2]string) {
	t.Helper()
	wide, err := query.Pivot(frames)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(wide)
	got := map[float64][2]string{}
	for _, f := range wide {
		s := f.Schema()
		li, ni, vi := s.Index("label"), s.Index("note"), s.Index("v")
		if li < 0 || ni < 0 || vi < 0 {
			t.Fatalf("%s: columns %v", where, s.Names())
		}
		if typ := s.Arrow().Field(vi).Type; typ.ID() != arrow.FLOAT64 {
			t.Errorf("%s: v is %s", where, typ)
		}
		if typ := s.Arrow().Field(ni).Type; typ.ID() != arrow.STRING {
			t.Errorf("%s: note is %s", where, typ)
		}
		for _, rec := range f.Chunks() {
			for i := 0; i < int(rec.NumRows()); i++ {
				v := rec.Column(vi).(interface{ Value(int) float64 }).Value(i)
				got[v] = [2]string{frame.FormatValue(rec.Column(li), i), frame.FormatValue(rec.Column(ni), i)}
			}
		}
	}
	for v, w := range want {
		w[1] = viaFlux(w[1])
		if g, ok := got[v]; !ok || g != w {
			t.Errorf("%s: row %g: got %q, want %q", where, v, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", where, len(got), len(want))
	}
}

// cells renders frames as sorted lines of typed cells, without the table
// numbers and query bounds.
func cells(t *testing.T, frames []*frame.Frame) string {
	var lines []string
	for _, f := range frames {
		s := f.Schema()
		for _, rec := range f.Chunks() {
			for i := 0; i < int(rec.NumRows()); i++ {
				var row []string
				for c, col := range s.Columns {
					switch col.Name {
					case "table", "_start", "_stop":
						continue
					}
					row = append(row, fmt.Sprintf("%s:%s=%q", col.Name, rec.Column(c).DataType(), frame.FormatValue(rec.Column(c), i)))
				}
				lines = append(lines, strings.Join(row, " "))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// checkCSVExport reads an exported CSV file back, every cell as text, and
// compares label and note with want.
func checkCSVExport(t *testing.T, path string, want map[float64][2]string) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, err := frame.NewCSVReader(fh, path, frame.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	s := r.FrameSchema()
	if err := r.KeepText(s.Names()...); err != nil {
		t.Fatal(err)
	}
	s = r.FrameSchema()
	fi, vi, li := s.Index("_field"), s.Index("_value"), s.Index("label")
	got := map[string]map[string]string{} // _time -> _field -> _value, and label
	ti := s.Index("_time")
	for r.Next() {
		rec := r.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			tm := frame.FormatValue(rec.Column(ti), i)
			if got[tm] == nil {
				got[tm] = map[string]string{}
			}
			got[tm][frame.FormatValue(rec.Column(fi), i)] = frame.FormatValue(rec.Column(vi), i)
			got[tm]["label"] = frame.FormatValue(rec.Column(li), i)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, row := range got {
		var v float64
		fmt.Sscan(row["v"], &v)
		w, ok := want[v]
		if !ok || row["label"] != w[0] || row["note"] != viaFlux(w[1]) {
			t.Errorf("CSV export: row v=%s: label %q, note %q; want %q", row["v"], row["label"], row["note"], w)
		}
		n++
	}
	if n != len(want) {
		t.Errorf("CSV export: %d rows, want %d", n, len(want))
	}
}

func releaseAll(frames []*frame.Frame) {
	for _, f := range frames {
		f.Release()
	}
}

// TestGotaDataFrameRoundTrip writes a gota DataFrame built in code, a tag
// column of zip codes, float and int columns and a time column, through the
// same stages as a file, and reads back the same values.
func TestGotaDataFrameRoundTrip(t *testing.T) {
	times := []string{"2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-03-01T00:01:00Z", "2024-03-01T00:01:00Z"}
	zips := []string{"00501", "02134", "00501", "02134"}
	temps := []float64{1.5, -2.25, math.NaN(), 3}
	counts := []int{7, 0, 12, -3}
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			client := srv.Client()
			defer client.Close()
			ctx := context.Background()
			df := dataframe.New(
				series.New(times, series.String, "time"),
				series.New(zips, series.String, "zip"),
				series.New(temps, series.Float, "temp"),
				series.New(counts, series.Int, "count"),
			)
			r, err := frame.NewDataFrameReader(df)
			if err != nil {
				t.Fatal(err)
			}
			in, err := transform.NewReader(r, transform.Options{Measurement: "gota", Tags: []string{"zip"}})
			if err != nil {
				t.Fatal(err)
			}
			st, err := sink.Write(ctx, client, srv.Org, bucket, in, sink.Options{Rejects: filepath.Join(t.TempDir(), "r.lp")})
			in.Release()
			if err != nil || st.Written != 4 {
				t.Fatalf("Write: %v, %+v", err, st)
			}
			back, err := query.DataFrame(ctx, client, srv.Org, fmt.Sprintf(`from(bucket: %q)
  |> range(start: 2024-03-01T00:00:00Z, stop: 2024-03-02T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "gota")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group() |> sort(columns: ["_time", "zip"])`, bucket))
			if err != nil {
				t.Fatal(err)
			}
			if back.Nrow() != 4 {
				t.Fatalf("%d rows back:\n%v", back.Nrow(), back)
			}
			for i := range times {
				if got := back.Col("_time").Elem(i).String(); got != times[i] {
					t.Errorf("row %d: time %s, want %s", i, got, times[i])
				}
				if got := back.Col("zip").Elem(i).String(); got != zips[i] {
					t.Errorf("row %d: zip %q, want %q", i, got, zips[i])
				}
				temp := back.Col("temp").Elem(i).Float()
				if !(temp == temps[i] || math.IsNaN(temp) && math.IsNaN(temps[i])) {
					t.Errorf("row %d: temp %v, want %v", i, temp, temps[i])
				}
				if got := back.Col("count").Elem(i).Float(); got != float64(counts[i]) {
					t.Errorf("row %d: count %v, want %d", i, got, counts[i])
				}
			}
		})
	}
}

// checkStored reads the hostile measurement of a bucket with InfluxQL
// (/query, on 2.x through a DBRP mapping made here), which returns strings
// exactly as stored, and compares label and note with want, the note as
// expect makes it.
func checkStored(t *testing.T, srv *testserver.Server, bucket string, want map[float64][2]string, expect func(string) string) {
	t.Helper()
	if srv.Kind.Major() == 2 {
		mapDBRP(t, srv, bucket)
	}
	q := url.Values{"db": {bucket}, "q": {`SELECT "label", "note", "v" FROM "hostile"`}}
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/query?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Token != "" {
		req.Header.Set("Authorization", "Token "+srv.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Results []struct {
			Series []struct {
				Values [][]any `json:"values"`
			} `json:"series"`
			Error string `json:"error"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || len(res.Results) != 1 || len(res.Results[0].Series) != 1 {
		t.Fatalf("InfluxQL answer %+v, %v", res, err)
	}
	rows := res.Results[0].Series[0].Values
	for _, r := range rows {
		v, _ := r[3].(float64)
		w, ok := want[v]
		if !ok || r[1] != w[0] || r[2] != expect(w[1]) {
			t.Errorf("InfluxQL, bucket %s: row v=%v: label %q, note %q; want %q, %q", bucket, v, r[1], r[2], w[0], expect(w[1]))
		}
	}
	if len(rows) != len(want) {
		t.Errorf("InfluxQL, bucket %s: %d rows, want %d", bucket, len(rows), len(want))
	}
}

// mapDBRP maps database bucket, retention policy autogen, to the bucket of
// that name on a 2.x server, so that InfluxQL can read it.
func mapDBRP(t *testing.T, srv *testserver.Server, bucket string) {
	t.Helper()
	client := srv.Client()
	defer client.Close()
	ctx := context.Background()
	b, err := client.BucketsAPI().FindBucketByName(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"bucketID": *b.Id, "orgID": *b.OrgID, "database": bucket,
		"retention_policy": "autogen", "default": true})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/dbrps", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Token "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("creating a DBRP mapping for %s: %s", bucket, resp.Status)
	}
}
