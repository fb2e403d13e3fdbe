package query_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"image"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

// plotResponse is annotated CSV as Flux writes it for a cpu measurement:
// one table per field and host (host00, host01, ...; region "eu" on all),
// rows points (doubles) a minute apart from 2021-01-01T23:00:00Z, so that the day
// changes on the time axis. host01 has nulls at rows/2 and rows/2+2 of
// each field: a gap around a lone point.
func plotResponse(hosts, rows int, fields ...string) string {
	return plotResponseStep(hosts, rows, time.Minute, fields...)
}

// plotResponseStep is plotResponse with rows step apart.
func plotResponseStep(hosts, rows int, step time.Duration, fields ...string) string {
	var b strings.Builder
	start := time.Date(2021, 1, 1, 23, 0, 0, 0, time.UTC)
	table := 0
	b.WriteString("#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339Nano,double,string,string,string,string\n")
	b.WriteString("#group,false,false,true,true,false,false,true,true,true,true\n")
	b.WriteString("#default,_result,,,,,,,,,\n")
	b.WriteString(",result,table,_start,_stop,_time,_value,_field,_measurement,host,region\n")
	for f, field := range fields {
		for h := 0; h < hosts; h++ {
			period := 20 + 6*h
			for r := 0; r < rows; r++ {
				tri := r % period
				if tri > period/2 {
					tri = period - tri
				}
				v := fmt.Sprint(float64(tri)*1.5 + float64(10*h) + float64(40*f))
				if h == 1 && (r == rows/2 || r == rows/2+2) {
					v = ""
				}
				fmt.Fprintf(&b, ",,%d,2021-01-01T00:00:00Z,2021-01-03T00:00:00Z,%s,%s,%s,cpu,host%02d,eu\n",
					table, start.Add(time.Duration(r)*step).Format(time.RFC3339Nano), v, field, h)
			}
			table++
		}
	}
	return b.String()
}

// plotLabels are the labels of plotResponse's series, field by field.
func plotLabels(hosts int, fields ...string) []string {
	var ls []string
	for _, f := range fields {
		for h := 0; h < hosts; h++ {
			if len(fields) > 1 {
				ls = append(ls, fmt.Sprintf("%s host=host%02d", f, h))
			} else {
				ls = append(ls, fmt.Sprintf("host=host%02d", h))
			}
		}
	}
	return ls
}

func TestPlotPNG(t *testing.T) {
	frames := decodeString(t, plotResponse(3, 120, "usage", "temp"))
	defer release(frames)
	var buf bytes.Buffer
	info, err := query.Plot(&buf, "png", frames, query.PlotOptions{Title: "from(bucket: \"b\")", Width: 900, Height: 500})
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" || cfg.Width != 900 || cfg.Height != 500 {
		t.Errorf("got %s %dx%d, want png 900x500", format, cfg.Width, cfg.Height)
	}
	want := query.PlotInfo{Series: 6, Labels: plotLabels(3, "usage", "temp"), Fields: []string{"usage", "temp"}}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("info = %+v, want %+v", info, want)
	}
	if _, _, err := image.Decode(bytes.NewReader(buf.Bytes())); err != nil {
		t.Errorf("decoding the whole image: %v", err)
	}
	if dir := os.Getenv("PLOT_SAMPLE_DIR"); dir != "" {
		// To look at the layout: PLOT_SAMPLE_DIR=/tmp go test ./query -run PlotPNG
		// writes /tmp/plot_sample.png and /tmp/plot_many.png.
		if _, err := query.PlotFile(filepath.Join(dir, "plot_sample.png"), frames, query.PlotOptions{Title: "from(bucket: \"telegraf\") |> range(start: -2h)"}); err != nil {
			t.Fatal(err)
		}
		many := decodeString(t, plotResponse(30, 60, "usage", "temp")) // 60 series
		defer release(many)
		if _, err := query.PlotFile(filepath.Join(dir, "plot_many.png"), many, query.PlotOptions{Title: "60 series"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPlotSVG(t *testing.T) {
	frames := decodeString(t, plotResponse(3, 40, "usage", "temp"))
	defer release(frames)
	var buf bytes.Buffer
	info, err := query.Plot(&buf, "SVG", frames, query.PlotOptions{Title: "cpu <usage> & temp"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Series != 6 {
		t.Errorf("Series = %d, want 6", info.Series)
	}
	got := buf.Bytes()

	// Valid XML, sized in pixels.
	dec := xml.NewDecoder(bytes.NewReader(got))
	var root *xml.StartElement
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not valid XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == nil {
			se = se.Copy()
			root = &se
		}
	}
	if root == nil || root.Name.Local != "svg" {
		t.Fatalf("root element %v, want svg", root)
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	if attrs["width"] != "1200" || attrs["height"] != "700" {
		t.Errorf("svg width, height = %q, %q, want 1200, 700", attrs["width"], attrs["height"])
	}
	for _, l := range append(plotLabels(3, "usage", "temp"), "time (UTC)", "value", "cpu <usage> & temp") {
		if !bytes.Contains(got, []byte(">"+html.EscapeString(l)+"<")) {
			t.Errorf("SVG has no text %q", l)
		}
	}
	golden(t, "plot.svg", string(got))
}

func TestPlotMaxSeries(t *testing.T) {
	frames := decodeString(t, plotResponse(12, 10, "usage"))
	defer release(frames)
	info, err := query.Plot(io.Discard, "svg", frames, query.PlotOptions{MaxSeries: 5})
	if err != nil {
		t.Fatal(err)
	}
	labels := plotLabels(12, "usage")
	want := query.PlotInfo{Series: 5, Labels: labels[:5], Omitted: labels[5:], Fields: []string{"usage"}}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("info = %+v, want %+v", info, want)
	}
	// The default draws all 12.
	if info, err = query.Plot(io.Discard, "svg", frames, query.PlotOptions{}); err != nil || info.Series != 12 || info.Omitted != nil {
		t.Errorf("default MaxSeries: %+v, %v", info, err)
	}
}

// TestPlotLongWide draws the same data in long form and pivoted: the same
// series, with the same labels.
func TestPlotLongWide(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		series   int
	}{
		{"generated", plotResponse(4, 30, "usage", "temp", "load"), 12},
		{"two_sets", readFixture(t, "two_sets.csv"), 4},
		{"multi_result", readFixture(t, "multi_result.csv"), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			long := decodeString(t, tc.in)
			defer release(long)
			wide, err := query.Pivot(long)
			if err != nil {
				t.Fatal(err)
			}
			defer release(wide)
			li, err := query.Plot(io.Discard, "svg", long, query.PlotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wi, err := query.Plot(io.Discard, "svg", wide, query.PlotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if li.Series != tc.series || wi.Series != tc.series {
				t.Errorf("Series: long %d, wide %d, want %d", li.Series, wi.Series, tc.series)
			}
			// Rows come in another order: compare as sets.
			for _, s := range [][]string{li.Labels, wi.Labels, li.Fields, wi.Fields} {
				slices.Sort(s)
			}
			if !slices.Equal(li.Labels, wi.Labels) || !slices.Equal(li.Fields, wi.Fields) {
				t.Errorf("long %+v\nwide %+v", li, wi)
			}
		})
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	in, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(in)
}

func TestPlotLabels(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		// Measurement and region are the same for every series.
		{"fields and hosts", plotResponse(2, 3, "usage", "temp"),
			[]string{"usage host=host00", "usage host=host01", "temp host=host00", "temp host=host01"}},
		{"one field", plotResponse(2, 3, "usage"), []string{"host=host00", "host=host01"}},
		// One series shows its whole key.
		{"one series", plotResponse(1, 3, "usage"), []string{"cpu usage host=host00,region=eu"}},
		// Series across frames of two types (usage, temp double; count
		// long), in order of first appearance.
		{"two_sets", readFixture(t, "two_sets.csv"),
			[]string{"usage host=a", "usage host=b", "temp host=b", "count host=a"}},
		// Results tell series apart; no measurement, no tags.
		{"multi_result", readFixture(t, "multi_result.csv"),
			[]string{"a result=first", "a result=second", "b result=second"}},
		// Tags that only some series have, in name order; control
		// characters escaped.
		{"sparse tags", `#datatype,string,long,dateTime:RFC3339,double,string,string,string,string
#group,false,false,false,false,true,true,true,true
#default,_result,,,,,,,
,result,table,_time,_value,_field,_measurement,host,dc
,,0,2021-01-01T00:00:00Z,1,v,m,a,
,,1,2021-01-01T00:00:00Z,2,v,m,a,"x
y"
,,2,2021-01-01T00:00:00Z,3,v,n,,x
`, []string{"m host=a", `m dc=x\ny,host=a`, "n dc=x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames := decodeString(t, tc.in)
			defer release(frames)
			var svg bytes.Buffer
			info, err := query.Plot(&svg, "svg", frames, query.PlotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(info.Labels, tc.want) {
				t.Errorf("Labels %q, want %q", info.Labels, tc.want)
			}
			for _, l := range tc.want {
				if !strings.Contains(svg.String(), ">"+html.EscapeString(l)+"<") {
					t.Errorf("SVG lacks the label %q", l)
				}
			}
			// The same labels name omitted series.
			info, err = query.Plot(io.Discard, "svg", frames, query.PlotOptions{MaxSeries: 1})
			if err != nil {
				t.Fatal(err)
			}
			if info.Series != 1 || !slices.Equal(info.Omitted, tc.want[1:]) {
				t.Errorf("Series %d, Omitted %q, want 1, %q", info.Series, info.Omitted, tc.want[1:])
			}
		})
	}
}

// TestPlotOrder: rows out of time order are drawn sorted; a null breaks
// the line.
func TestPlotOrder(t *testing.T) {
	const head = `#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,_field
`
	sorted := decodeString(t, head+`,,0,2021-01-01T00:00:00Z,1,v
,,0,2021-01-01T00:01:00Z,3,v
,,0,2021-01-01T00:02:00Z,2,v
,,0,2021-01-01T00:03:00Z,,v
,,0,2021-01-01T00:04:00Z,5,v
,,0,2021-01-01T00:05:00Z,4,v
`)
	defer release(sorted)
	shuffled := decodeString(t, head+`,,0,2021-01-01T00:04:00Z,5,v
,,0,2021-01-01T00:01:00Z,3,v
,,0,2021-01-01T00:03:00Z,,v
,,0,2021-01-01T00:05:00Z,4,v
,,0,2021-01-01T00:00:00Z,1,v
,,0,2021-01-01T00:02:00Z,2,v
`)
	defer release(shuffled)
	var a, b bytes.Buffer
	if _, err := query.Plot(&a, "svg", sorted, query.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := query.Plot(&b, "svg", shuffled, query.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("shuffled rows draw differently from sorted ones")
	}
	// Lines in the series' colour: the legend's (2 points), then the
	// series' in two pieces: 3 points, then 2.
	var pieces []int
	for _, line := range strings.Split(a.String(), "\n") {
		if strings.HasPrefix(line, `<path d="M`) && strings.Contains(line, "stroke:#1F77B4") {
			pieces = append(pieces, strings.Count(line, "L")+1)
		}
	}
	if !slices.Equal(pieces, []int{2, 3, 2}) {
		t.Errorf("line pieces %v, want [2 3 2]", pieces)
	}
}

func TestPlotErrors(t *testing.T) {
	const noTime = `#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,_field
,,0,1,a
`
	const text = `#datatype,string,long,dateTime:RFC3339,string,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,_field
,,0,2021-01-01T00:00:00Z,up,state
`
	const nulls = `#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,_field
,,0,2021-01-01T00:00:00Z,,a
,,0,,1,a
`
	const wideText = `#datatype,string,long,dateTime:RFC3339,string,boolean,string
#group,false,false,false,true,false,false
#default,_result,,,,,
,result,table,_time,host,up,state
,,0,2021-01-01T00:00:00Z,a,true,ok
`
	for _, tc := range []struct {
		name   string
		in     string
		format string
		opts   query.PlotOptions
		is     error  // the cause, if any
		want   string // in the message
	}{
		{name: "no time", in: noTime, format: "png", is: query.ErrNothingToPlot,
			want: "query: plot: nothing to plot: frame 1: no time column (role time)"},
		{name: "no numeric field", in: text, format: "png", is: query.ErrNothingToPlot,
			want: "frame 1: _value is utf8, not numeric"},
		{name: "wide, no numeric field", in: wideText, format: "png", is: query.ErrNothingToPlot,
			want: "frame 1: no numeric field column"},
		{name: "both", in: noTime + "\n" + text, format: "svg", is: query.ErrNothingToPlot,
			want: "frame 1: no time column (role time); frame 2: _value is utf8, not numeric"},
		{name: "no frames", format: "svg", is: query.ErrNothingToPlot, want: "nothing to plot: no frames"},
		{name: "only nulls", in: nulls, format: "svg", is: query.ErrNothingToPlot,
			want: "every value is null or NaN"},
		{name: "format", in: text, format: "jpeg", is: frame.ErrFormat, want: `"jpeg"`},
		{name: "small", in: text, format: "png", opts: query.PlotOptions{Width: 100}, want: "size 100x700 pixels out of range"},
		{name: "large", in: text, format: "png", opts: query.PlotOptions{Height: 100000}, want: "out of range"},
		{name: "max series", in: text, format: "png", opts: query.PlotOptions{MaxSeries: -1}, want: "MaxSeries -1 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var frames []*frame.Frame
			if tc.in != "" {
				frames = decodeString(t, tc.in)
				defer release(frames)
			}
			var buf bytes.Buffer
			_, err := query.Plot(&buf, tc.format, frames, tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "query: ") {
				t.Errorf("error %q, want it to hold %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}

// TestPlotSkipped: frames that cannot be drawn are named, the others drawn.
func TestPlotSkipped(t *testing.T) {
	frames := decodeString(t, `#datatype,string,long,dateTime:RFC3339,string,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,_field
,,0,2021-01-01T00:00:00Z,up,state

`+plotResponse(2, 5, "usage"))
	defer release(frames)
	info, err := query.Plot(io.Discard, "png", frames, query.PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Series != 2 || !slices.Equal(info.Skipped, []string{"frame 1: _value is utf8, not numeric"}) {
		t.Errorf("info = %+v", info)
	}
}

func TestPlotFile(t *testing.T) {
	frames := decodeString(t, plotResponse(2, 20, "usage"))
	defer release(frames)
	dir := t.TempDir()
	for _, name := range []string{"a.png", "b.SVG"} {
		path := filepath.Join(dir, name)
		info, err := query.PlotFile(path, frames, query.PlotOptions{Width: 640, Height: 480})
		if err != nil {
			t.Fatal(err)
		}
		if info.Series != 2 {
			t.Errorf("%s: Series = %d", name, info.Series)
		}
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if name == "a.png" {
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(in)); err != nil || cfg.Width != 640 || cfg.Height != 480 {
				t.Errorf("%s: %+v, %v", name, cfg, err)
			}
		} else if !bytes.Contains(in, []byte(`<svg width="640" height="480"`)) {
			t.Errorf("%s: no svg element of 640x480", name)
		}
	}

	// No file for an unknown extension, nor when there is nothing to plot.
	if _, err := query.PlotFile(filepath.Join(dir, "c.jpg"), frames, query.PlotOptions{}); !errors.Is(err, frame.ErrFormat) {
		t.Errorf("c.jpg: %v", err)
	}
	path := filepath.Join(dir, "d.png")
	if _, err := query.PlotFile(path, nil, query.PlotOptions{}); !errors.Is(err, query.ErrNothingToPlot) {
		t.Errorf("d.png: %v", err)
	}
	for _, name := range []string{"c.jpg", "d.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want no file", name, err)
		}
	}
}

// TestPlotConcurrent: plots drawn at the same time are the same bytes.
func TestPlotConcurrent(t *testing.T) {
	frames := decodeString(t, plotResponse(3, 50, "usage", "temp"))
	defer release(frames)
	out := make([]bytes.Buffer, 4)
	errs := make([]error, len(out))
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			format := []string{"svg", "png"}[i%2]
			_, errs[i] = query.Plot(&out[i], format, frames, query.PlotOptions{Title: "same"})
		})
	}
	wg.Wait()
	for i := range out {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if i >= 2 && !bytes.Equal(out[i].Bytes(), out[i-2].Bytes()) {
			t.Errorf("plot %d differs from plot %d", i, i-2)
		}
	}
}

func ExamplePlot() {
	frames, err := query.Decode(strings.NewReader(response))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer release(frames)
	// query.PlotFile("load.png", frames, ...) writes a file instead.
	info, err := query.Plot(io.Discard, "svg", frames, query.PlotOptions{Title: "load and procs", MaxSeries: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("series:", info.Series, info.Labels)
	fmt.Println("fields:", info.Fields)
	fmt.Println("omitted:", info.Omitted)
	// Output:
	// series: 1 [load]
	// fields: [load]
	// omitted: [procs]
}

func BenchmarkPlot(b *testing.B) {
	frames, err := query.Decode(bytes.NewReader(benchResponse(10, 200))) // 20 series, 4,000 points
	if err != nil {
		b.Fatal(err)
	}
	defer release(frames)
	for _, format := range []string{"png", "svg"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := query.Plot(io.Discard, format, frames, query.PlotOptions{Title: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(4000, "points/op")
		})
	}
}
