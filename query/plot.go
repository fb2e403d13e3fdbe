package query

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot sizes and limits.
const (
	// DefaultPlotWidth and DefaultPlotHeight are the size of a plot, in
	// pixels, when PlotOptions leave it zero.
	DefaultPlotWidth  = 1200
	DefaultPlotHeight = 700
	// DefaultMaxSeries is the number of series a plot draws when
	// PlotOptions.MaxSeries is zero: the 10 colours times 4 dash patterns
	// that tell series apart.
	DefaultMaxSeries = 40

	minPlotWidth, minPlotHeight = 320, 240
	maxPlotSide                 = 8192
)

// ErrNothingToPlot is the cause of Plot's error when no frame has a series
// it can draw, or every value is null or NaN. The error names why, frame
// by frame.
var ErrNothingToPlot = errors.New("nothing to plot")

// PlotOptions configure Plot and PlotFile. The zero value draws up to
// DefaultMaxSeries series on DefaultPlotWidth x DefaultPlotHeight pixels,
// without a title.
type PlotOptions struct {
	// Title is drawn above the plot (none when empty); a title too long
	// for the width is cut and ends in "…".
	Title string
	// Width and Height are the size of the image in pixels (default
	// DefaultPlotWidth x DefaultPlotHeight; each from 320x240 to 8192).
	// An SVG has this size in CSS pixels.
	Width, Height int
	// MaxSeries is the number of series drawn (default DefaultMaxSeries);
	// the others are left out and listed in PlotInfo.Omitted. Negative is
	// an error.
	MaxSeries int
}

// PlotInfo says what Plot drew.
type PlotInfo struct {
	// Series is the number of series drawn, one line each.
	Series int
	// Labels holds the labels of the series drawn, in legend order.
	Labels []string
	// Omitted holds the labels of the series left out beyond
	// PlotOptions.MaxSeries, in order of first appearance.
	Omitted []string
	// Fields are the numeric fields drawn, in order of first appearance:
	// the _field values of long frames, the column names of wide ones.
	Fields []string
	// Skipped says which frames had nothing to draw and why, as
	// "frame 2: no time column (role time)" (frames counted from 1).
	Skipped []string
}

// Plot draws the frames of a query result as a line chart, in format "png"
// or "svg", and writes the image to w. It does not close w.
//
// Every numeric field is drawn against time, one line per series, and
// a legend to the right of the plot names the series. The x axis is
// labelled "time (UTC)" with ticks on round UTC times, spaced by the span
// (from nanoseconds to centuries), with the date (or, for ticks a day or
// more apart, the year) under the first tick and wherever it changes; the
// y axis is labelled
// with the field's name when a single field is drawn, "value" otherwise.
//
// A frame's time is its column of role frame.RoleTime (Flux's _time), of an
// Arrow timestamp type; frames without one are skipped (PlotInfo.Skipped).
// A series is the values of one field with one set of key values: the
// result, the _measurement (else the schema's Measurement), and the text
// columns of role frame.RoleTag, a null or empty tag counting as absent.
//
//   - A long frame (with _field and _value columns, as Frames and Decode
//     return) gives one series per distinct result, measurement, tags and
//     _field, with the values of _value.
//   - A wide frame (Pivot's output, or one with fields as columns) gives one
//     series per distinct result, measurement and tags, times each field
//     column: role frame.RoleField and a numeric Arrow type (floats, signed
//     and unsigned integers). Other columns (strings, bools, durations) are
//     not drawn.
//
// A long and a wide frame of the same data give the same series. Series
// with the same key in several frames are one series; a series without a
// value (every one null or NaN) is none. Series are numbered
// in order of first appearance; the first MaxSeries are drawn, the others
// listed in PlotInfo.Omitted. Within a series the points are drawn in time
// order; a null, NaN or ±Inf value is a gap in its line, a row with a null
// time is left out, and a point with no neighbour on either side is a dot.
//
// A series' label names the parts of its key that differ between series,
// in the order measurement, field, then "result=…" and the tags as
// "name=value" joined by commas, such as "cpu usage host=a,region=eu";
// parts that are the same for every series are left out so that labels
// stay short (a single series shows them all). Control characters and
// invalid UTF-8 in labels and the title are escaped as Go quotes them.
//
// Series take colours from a palette of 10 and dash patterns from 4, so the
// first 40 series all look different. The output is deterministic: the
// same frames and options give the same bytes.
//
// When nothing can be drawn (no frame has a time column and a numeric
// field, or every value is null or NaN) the error wraps ErrNothingToPlot.
// An unknown format wraps frame.ErrFormat; invalid options (a size out of
// range, a negative MaxSeries) are errors too. Nothing is written to w
// before the whole image is drawn.
func Plot(w io.Writer, format string, frames []*frame.Frame, opts PlotOptions) (PlotInfo, error) {
	var info PlotInfo
	format = strings.ToLower(format)
	if format != "png" && format != "svg" {
		return info, fmt.Errorf("query: plot: %w %q (want png or svg)", frame.ErrFormat, format)
	}
	if err := opts.check(); err != nil {
		return info, err
	}
	set := newSeriesSet()
	for i, f := range frames {
		if why := set.addFrame(f); why != "" {
			info.Skipped = append(info.Skipped, fmt.Sprintf("frame %d: %s", i+1, why))
		}
	}
	if len(set.list) == 0 {
		why := "no frames"
		if len(info.Skipped) > 0 {
			why = strings.Join(info.Skipped, "; ")
		}
		return info, fmt.Errorf("query: plot: %w: %s", ErrNothingToPlot, why)
	}
	// A series without values is no series: a pivoted frame has a column
	// for every field, null for the tags that lack it.
	var all []*plotSeries
	for _, s := range set.list {
		if s.finite > 0 {
			all = append(all, s)
		}
	}
	if len(all) == 0 {
		return info, fmt.Errorf("query: plot: %w: every value is null or NaN", ErrNothingToPlot)
	}
	labelSeries(all)
	drawn := all
	if len(drawn) > opts.MaxSeries {
		drawn = all[:opts.MaxSeries]
		for _, s := range all[opts.MaxSeries:] {
			info.Omitted = append(info.Omitted, s.label)
		}
	}
	info.Series = len(drawn)
	seen := map[string]bool{}
	for _, s := range drawn {
		info.Labels = append(info.Labels, s.label)
		if !seen[s.field] {
			seen[s.field] = true
			info.Fields = append(info.Fields, s.field)
		}
	}
	for _, s := range drawn {
		s.sort()
	}
	yLabel := "value"
	if len(info.Fields) == 1 && info.Fields[0] != "" {
		yLabel = info.Fields[0]
	}

	wd, ht := vg.Length(opts.Width), vg.Length(opts.Height)
	switch format {
	case "png":
		// At 72 dots per inch a point is a pixel, as in the SVG.
		c := vgimg.NewWith(vgimg.UseWH(wd, ht), vgimg.UseDPI(72))
		drawPlot(draw.New(c), drawn, opts.Title, yLabel)
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
			return info, fmt.Errorf("query: plot: %w", err)
		}
	case "svg":
		c := vgsvg.New(wd, ht)
		drawPlot(draw.New(c), drawn, opts.Title, yLabel)
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return info, fmt.Errorf("query: plot: %w", err)
		}
		// vgsvg sizes the document in points; the user units are our
		// pixels, so say pixels.
		out := bytes.Replace(buf.Bytes(),
			fmt.Appendf(nil, `width="%dpt" height="%dpt"`, opts.Width, opts.Height),
			fmt.Appendf(nil, `width="%d" height="%d"`, opts.Width, opts.Height), 1)
		if _, err := w.Write(out); err != nil {
			return info, fmt.Errorf("query: plot: %w", err)
		}
	}
	return info, nil
}

// PlotFile draws the frames as Plot does into the file at path, in the
// format its extension names (.png or .svg, in any case). A file that could
// not be written completely is removed, and so is the file when there is
// nothing to plot.
func PlotFile(path string, frames []*frame.Frame, opts PlotOptions) (info PlotInfo, err error) {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if format != "png" && format != "svg" {
		return info, fmt.Errorf("query: plot %s: %w (want .png or .svg)", path, frame.ErrFormat)
	}
	if err := opts.check(); err != nil {
		return info, err
	}
	fh, err := os.Create(path)
	if err != nil {
		return info, fmt.Errorf("query: plot: %w", err)
	}
	defer func() {
		if cerr := fh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("query: plot: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	bw := bufio.NewWriterSize(fh, 1<<16)
	if info, err = Plot(bw, format, frames, opts); err != nil {
		return info, err
	}
	if err := bw.Flush(); err != nil {
		return info, fmt.Errorf("query: plot: %w", err)
	}
	return info, nil
}

// check applies the defaults and refuses invalid options.
func (o *PlotOptions) check() error {
	if o.Width == 0 {
		o.Width = DefaultPlotWidth
	}
	if o.Height == 0 {
		o.Height = DefaultPlotHeight
	}
	if o.MaxSeries == 0 {
		o.MaxSeries = DefaultMaxSeries
	}
	if o.Width < minPlotWidth || o.Height < minPlotHeight || o.Width > maxPlotSide || o.Height > maxPlotSide {
		return fmt.Errorf("query: plot: size %dx%d pixels out of range (%dx%d to %dx%d)",
			o.Width, o.Height, minPlotWidth, minPlotHeight, maxPlotSide, maxPlotSide)
	}
	if o.MaxSeries < 0 {
		return fmt.Errorf("query: plot: MaxSeries %d is negative", o.MaxSeries)
	}
	return nil
}

// plotSeries is one line: a field's values for one set of key values.
type plotSeries struct {
	result, measurement, field string
	tags                       []plotTag // by name; no empty values
	ts                         []int64   // Unix nanoseconds
	vs                         []float64 // NaN for a gap
	finite                     int       // values that are not gaps
	label                      string
}

type plotTag struct{ name, value string }

// seriesSet gathers the series of all frames by key.
type seriesSet struct {
	index map[string]int
	list  []*plotSeries
	key   []byte
}

func newSeriesSet() *seriesSet { return &seriesSet{index: map[string]int{}} }

// addFrame adds the points of f to their series, or returns why f has none.
func (set *seriesSet) addFrame(f *frame.Frame) (skip string) {
	sc := f.Schema()
	as := sc.Arrow()
	ti := -1
	for i, c := range sc.Columns {
		if c.Role == frame.RoleTime {
			ti = i
			break
		}
	}
	if ti < 0 {
		return "no time column (role time)"
	}
	tt, ok := as.Field(ti).Type.(*arrow.TimestampType)
	if !ok {
		return fmt.Sprintf("time column %s is %s, not a timestamp", sc.Columns[ti].Name, as.Field(ti).Type)
	}
	mult := int64(tt.Unit.Multiplier())

	type tagCol struct {
		name string
		idx  int
	}
	var tags []tagCol
	for i, c := range sc.Columns {
		if c.Role == frame.RoleTag && i != ti && isText(as.Field(i).Type) {
			tags = append(tags, tagCol{c.Name, i})
		}
	}
	sort.SliceStable(tags, func(a, b int) bool { return tags[a].name < tags[b].name })
	textCol := func(name string) int {
		i := sc.Index(name)
		if i < 0 || i == ti || !isText(as.Field(i).Type) {
			return -1
		}
		return i
	}
	ri, mi, fi := textCol("result"), textCol("_measurement"), textCol("_field")
	vi := sc.Index("_value")

	var vals []int // value columns
	long := fi >= 0 && vi >= 0
	if long {
		if !isNumeric(as.Field(vi).Type) {
			return fmt.Sprintf("_value is %s, not numeric", as.Field(vi).Type)
		}
		vals = []int{vi}
	} else {
		for i, c := range sc.Columns {
			if c.Role == frame.RoleField && i != ti && isNumeric(as.Field(i).Type) {
				vals = append(vals, i)
			}
		}
		if len(vals) == 0 {
			return "no numeric field column"
		}
	}
	if f.NumRows() == 0 {
		return "no rows"
	}

	getVals := make([]func(int) float64, len(vals))
	getTags := make([]func(int) string, len(tags))
	for _, rec := range f.Chunks() {
		times := rec.Column(ti).(*array.Timestamp)
		for j, c := range vals {
			getVals[j] = numberOf(rec.Column(c))
		}
		for j, c := range tags {
			getTags[j] = textOf(rec.Column(c.idx))
		}
		result, meas, field := textOf(nil), textOf(nil), textOf(nil)
		if ri >= 0 {
			result = textOf(rec.Column(ri))
		}
		if mi >= 0 {
			meas = textOf(rec.Column(mi))
		} else if sc.Measurement != "" {
			m := sc.Measurement
			meas = func(int) string { return m }
		}
		if long {
			field = textOf(rec.Column(fi))
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			if times.IsNull(r) {
				continue
			}
			t := int64(times.Value(r)) * mult
			// The key: result, measurement, tags, then the field, each
			// ended by a 0 byte (tags as name 1 value 0).
			key := append(set.key[:0], result(r)...)
			key = append(key, 0)
			key = append(key, meas(r)...)
			key = append(key, 0)
			for j, g := range getTags {
				if v := g(r); v != "" {
					key = append(key, tags[j].name...)
					key = append(key, 1)
					key = append(key, v...)
					key = append(key, 0)
				}
			}
			key = append(key, 0)
			prefix := len(key)
			for j, get := range getVals {
				name := ""
				if long {
					name = field(r)
				} else {
					name = sc.Columns[vals[j]].Name
				}
				key = append(key[:prefix], name...)
				n, ok := set.index[string(key)]
				if !ok {
					s := &plotSeries{result: result(r), measurement: meas(r), field: name}
					for k, g := range getTags {
						if v := g(r); v != "" {
							s.tags = append(s.tags, plotTag{tags[k].name, v})
						}
					}
					n = len(set.list)
					set.index[string(key)] = n
					set.list = append(set.list, s)
				}
				s := set.list[n]
				v := get(r)
				s.ts = append(s.ts, t)
				s.vs = append(s.vs, v)
				if !math.IsNaN(v) {
					s.finite++
				}
			}
			set.key = key
		}
	}
	return ""
}

func isText(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
}

func isNumeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.FLOAT32, arrow.FLOAT64,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// textOf returns a getter of the text of a's values, "" for nulls; a nil
// a gives "" for every row.
func textOf(a arrow.Array) func(int) string {
	switch a := a.(type) {
	case nil:
		return func(int) string { return "" }
	case *array.String:
		return a.Value
	case *array.LargeString:
		return a.Value
	default:
		return func(i int) string { return frame.FormatValue(a, i) }
	}
}

type valuer[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64] interface {
	IsNull(int) bool
	Value(int) T
}

func number[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](a valuer[T]) func(int) float64 {
	return func(i int) float64 {
		if a.IsNull(i) {
			return math.NaN()
		}
		v := float64(a.Value(i))
		if math.IsInf(v, 0) {
			return math.NaN()
		}
		return v
	}
}

// numberOf returns a getter of a's values as float64, NaN for a null, NaN
// or ±Inf. a has a numeric type (isNumeric).
func numberOf(a arrow.Array) func(int) float64 {
	switch a := a.(type) {
	case *array.Float64:
		return number[float64](a)
	case *array.Float32:
		return number[float32](a)
	case *array.Int64:
		return number[int64](a)
	case *array.Int32:
		return number[int32](a)
	case *array.Int16:
		return number[int16](a)
	case *array.Int8:
		return number[int8](a)
	case *array.Uint64:
		return number[uint64](a)
	case *array.Uint32:
		return number[uint32](a)
	case *array.Uint16:
		return number[uint16](a)
	case *array.Uint8:
		return number[uint8](a)
	}
	return func(int) float64 { return math.NaN() }
}

// sort puts the points in time order, keeping the order of equal times.
func (s *plotSeries) sort() {
	for i := 1; i < len(s.ts); i++ {
		if s.ts[i] < s.ts[i-1] {
			sort.Stable(byTime{s})
			return
		}
	}
}

type byTime struct{ s *plotSeries }

func (b byTime) Len() int           { return len(b.s.ts) }
func (b byTime) Less(i, j int) bool { return b.s.ts[i] < b.s.ts[j] }
func (b byTime) Swap(i, j int) {
	b.s.ts[i], b.s.ts[j] = b.s.ts[j], b.s.ts[i]
	b.s.vs[i], b.s.vs[j] = b.s.vs[j], b.s.vs[i]
}

// labelSeries sets each series' label from the parts of its key that are
// not the same for every series (all parts when there is one series).
func labelSeries(all []*plotSeries) {
	varies := func(get func(*plotSeries) string) bool {
		for _, s := range all[1:] {
			if get(s) != get(all[0]) {
				return true
			}
		}
		return false
	}
	resultVaries := varies(func(s *plotSeries) string { return s.result })
	measVaries := varies(func(s *plotSeries) string { return s.measurement })
	fieldVaries := varies(func(s *plotSeries) string { return s.field })
	var names []string
	seen := map[string]bool{}
	for _, s := range all {
		for _, t := range s.tags {
			if !seen[t.name] {
				seen[t.name] = true
				names = append(names, t.name)
			}
		}
	}
	tagVaries := map[string]bool{}
	for _, n := range names {
		tagVaries[n] = varies(func(s *plotSeries) string { return s.tag(n) })
	}
	for _, s := range all {
		s.label = s.makeLabel(resultVaries, measVaries, fieldVaries, func(n string) bool { return tagVaries[n] })
		if s.label == "" {
			s.label = s.makeLabel(false, true, true, func(string) bool { return true })
		}
		if s.label == "" {
			s.label = "value"
		}
	}
}

func (s *plotSeries) tag(name string) string {
	for _, t := range s.tags {
		if t.name == name {
			return t.value
		}
	}
	return ""
}

func (s *plotSeries) makeLabel(result, meas, field bool, tag func(string) bool) string {
	var parts, kv []string
	if meas && s.measurement != "" {
		parts = append(parts, s.measurement)
	}
	if field && s.field != "" {
		parts = append(parts, s.field)
	}
	if result && s.result != "" {
		kv = append(kv, "result="+s.result)
	}
	for _, t := range s.tags {
		if tag(t.name) {
			kv = append(kv, t.name+"="+t.value)
		}
	}
	if len(kv) > 0 {
		parts = append(parts, strings.Join(kv, ","))
	}
	return printable(strings.Join(parts, " "))
}

// printable escapes control characters and invalid UTF-8, so that a label
// is one line of valid XML text.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
			} else {
				b.WriteRune(r)
			}
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The look of a plot, in pixels (points at 72 dpi).
var (
	plotPalette = []color.Color{ // Tableau 10, as in d3 and matplotlib
		color.RGBA{0x1f, 0x77, 0xb4, 0xff},
		color.RGBA{0xff, 0x7f, 0x0e, 0xff},
		color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
		color.RGBA{0xd6, 0x27, 0x28, 0xff},
		color.RGBA{0x94, 0x67, 0xbd, 0xff},
		color.RGBA{0x8c, 0x56, 0x4b, 0xff},
		color.RGBA{0xe3, 0x77, 0xc2, 0xff},
		color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
		color.RGBA{0xbc, 0xbd, 0x22, 0xff},
		color.RGBA{0x17, 0xbe, 0xcf, 0xff},
	}
	plotDashes = [][]vg.Length{nil, {8, 4}, {2, 3}, {9, 3, 2, 3}}
	gridColor  = color.Gray{0xe0}
)

const (
	plotMargin  = 12
	legendFont  = 11
	legendRow   = 15
	legendThumb = 30
	legendGap   = 6
	legendColGp = 14
)

func sans(size vg.Length, weight xfont.Weight) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(font.Font{Typeface: "Liberation", Variant: "Sans", Weight: weight}, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// fit returns s, cut and ended by "…" when it is wider than max.
func fit(sty text.Style, s string, max vg.Length) string {
	if sty.Width(s) <= max {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && sty.Width(string(r)+"…") > max {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// drawPlot draws the series on c: the title across the top, the legend
// in columns at the right, the plot in the rest.
func drawPlot(c draw.Canvas, series []*plotSeries, title, yLabel string) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	width := c.Max.X - c.Min.X
	area := draw.Crop(c, plotMargin, -plotMargin, plotMargin, -plotMargin)

	if title != "" {
		sty := sans(16, xfont.WeightBold)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		title = fit(sty, printable(title), area.Max.X-area.Min.X)
		area.FillText(sty, vg.Point{X: area.Center().X, Y: area.Max.Y}, title)
		area.Max.Y -= sty.Height(title) + 8
	}

	// The legend: as many rows per column as the height holds, labels cut
	// so that it takes at most 40% of the width.
	lsty := sans(legendFont, xfont.WeightNormal)
	lsty.YAlign = draw.YCenter
	rows := int((area.Max.Y - area.Min.Y) / legendRow)
	if rows < 1 {
		rows = 1
	}
	cols := (len(series) + rows - 1) / rows
	rows = (len(series) + cols - 1) / cols
	var labelW vg.Length
	for _, s := range series {
		labelW = max(labelW, lsty.Width(s.label))
	}
	colW := legendThumb + legendGap + labelW + legendColGp
	if limit := 0.4 * width / vg.Length(cols); colW > limit {
		colW = limit
		labelW = max(colW-legendThumb-legendGap-legendColGp, 20)
	}
	legendW := vg.Length(cols) * colW
	for i, s := range series {
		col, row := i/rows, i%rows
		x := area.Max.X - legendW + vg.Length(col)*colW + legendColGp
		y := area.Max.Y - legendRow/2 - vg.Length(row)*legendRow
		c.StrokeLine2(seriesStyle(i), x, y, x+legendThumb, y)
		c.FillText(lsty, vg.Point{X: x + legendThumb + legendGap, Y: y}, fit(lsty, s.label, labelW))
	}
	area.Max.X -= legendW

	p := plot.New()
	tick := sans(11, xfont.WeightNormal)
	label := sans(12, xfont.WeightNormal)
	p.X.Label.Text, p.Y.Label.Text = "time (UTC)", printable(yLabel)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font, a.Tick.Label.Font = label.Font, tick.Font
		a.Label.TextStyle.Handler, a.Tick.Label.Handler = label.Handler, tick.Handler
		a.Tick.Length = 5
		a.Label.Padding = 4
	}

	origin := int64(math.MaxInt64)
	for _, s := range series {
		for k, t := range s.ts {
			if !math.IsNaN(s.vs[k]) {
				origin = min(origin, t)
				break
			}
		}
	}
	plotW := area.Max.X - area.Min.X
	p.X.Tick.Marker = timeTicks{origin: origin, max: max(3, int(plotW/100))}
	p.Y.Tick.Marker = numberTicks{max: max(3, int((area.Max.Y-area.Min.Y)/60))}

	grid := plotter.NewGrid()
	grid.Vertical = draw.LineStyle{Color: gridColor, Width: 0.5}
	grid.Horizontal = grid.Vertical
	p.Add(grid)
	for i, s := range series {
		p.Add(newLinePlot(s, origin, seriesStyle(i)))
	}
	p.Draw(area)
}

func seriesStyle(i int) draw.LineStyle {
	return draw.LineStyle{
		Color:  plotPalette[i%len(plotPalette)],
		Width:  1.5,
		Dashes: plotDashes[(i/len(plotPalette))%len(plotDashes)],
	}
}

// linePlot draws one series as a plot.Plotter: lines between neighbouring
// points, broken at gaps (NaN); a lone point is a dot.
type linePlot struct {
	xs, ys                 []float64 // x: seconds since the plot's origin
	line                   draw.LineStyle
	xmin, xmax, ymin, ymax float64
}

func newLinePlot(s *plotSeries, origin int64, line draw.LineStyle) *linePlot {
	lp := &linePlot{
		xs: make([]float64, len(s.ts)), ys: s.vs, line: line,
		xmin: math.Inf(1), xmax: math.Inf(-1), ymin: math.Inf(1), ymax: math.Inf(-1),
	}
	for i, t := range s.ts {
		lp.xs[i] = secondsSince(t, origin)
		if y := s.vs[i]; !math.IsNaN(y) {
			lp.xmin, lp.xmax = min(lp.xmin, lp.xs[i]), max(lp.xmax, lp.xs[i])
			lp.ymin, lp.ymax = min(lp.ymin, y), max(lp.ymax, y)
		}
	}
	return lp
}

// secondsSince is t - origin in seconds; origin <= t for every drawn point.
func secondsSince(t, origin int64) float64 {
	if d := t - origin; (d >= 0) == (t >= origin) {
		return float64(d) / 1e9
	}
	return (float64(t) - float64(origin)) / 1e9
}

// DataRange implements plot.DataRanger.
func (lp *linePlot) DataRange() (xmin, xmax, ymin, ymax float64) {
	return lp.xmin, lp.xmax, lp.ymin, lp.ymax
}

// Plot implements plot.Plotter.
func (lp *linePlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	flush := func() {
		switch len(pts) {
		case 0:
		case 1:
			if c.Contains(pts[0]) {
				c.DrawGlyph(draw.GlyphStyle{Color: lp.line.Color, Radius: 2, Shape: draw.CircleGlyph{}}, pts[0])
			}
		default:
			c.StrokeLines(lp.line, c.ClipLinesXY(pts)...)
		}
		pts = pts[:0]
	}
	for i, y := range lp.ys {
		if math.IsNaN(y) {
			flush()
			continue
		}
		pts = append(pts, vg.Point{X: trX(lp.xs[i]), Y: trY(y)})
	}
	flush()
}

// timeTicks marks round UTC times on an axis of seconds since origin (Unix
// nanoseconds), at most max of them.
type timeTicks struct {
	origin int64
	max    int
}

// A step between time ticks: a fixed duration, or months.
type timeStep struct {
	d      time.Duration
	months int
}

var timeSteps = func() []timeStep {
	var steps []timeStep
	for _, unit := range []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond} {
		for _, m := range []time.Duration{1, 2, 5, 10, 20, 50, 100, 200, 500} {
			steps = append(steps, timeStep{d: m * unit})
		}
	}
	for _, d := range []time.Duration{
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
		24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour,
	} {
		steps = append(steps, timeStep{d: d})
	}
	for _, m := range []int{1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000} {
		steps = append(steps, timeStep{months: m})
	}
	return steps
}()

// Ticks implements plot.Ticker.
func (tt timeTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		size := s.d.Seconds()
		if s.months > 0 {
			size = float64(s.months) * 30.4 * 86400
		}
		if span/size <= float64(tt.max) {
			step = s
			break
		}
	}
	toTime := func(x float64) time.Time {
		return time.Unix(0, tt.origin).Add(time.Duration(math.Round(x * 1e9))).UTC()
	}
	start, end := toTime(lo), toTime(hi)
	var times []time.Time
	switch {
	case step.months > 0:
		months := step.months
		y, m, _ := start.Date()
		idx := y*12 + int(m) - 1
		idx = (idx + months - 1) / months * months // floor division is fine: years > 0
		for ; len(times) < 4*tt.max+4; idx += months {
			t := monthTime(idx)
			if t.After(end) {
				break
			}
			if !t.Before(start) {
				times = append(times, t)
			}
		}
	default:
		// Steps up to a day are aligned on UTC midnight (Unix time has
		// no leap seconds), weeks on Mondays (1970-01-05).
		var offset int64
		if step.d >= 7*24*time.Hour {
			offset = int64(4 * 24 * time.Hour)
		}
		d := int64(step.d)
		n := start.UnixNano() - offset
		first := n / d * d
		if first < n {
			first += d
		}
		for t := first + offset; t <= end.UnixNano() && len(times) < 4*tt.max+4; t += d {
			times = append(times, time.Unix(0, t).UTC())
		}
	}
	ticks := make([]plot.Tick, len(times))
	for i, t := range times {
		ticks[i] = plot.Tick{Value: secondsSince(t.UnixNano(), tt.origin), Label: timeLabel(t, times, i, step)}
	}
	return ticks
}

func monthTime(idx int) time.Time {
	return time.Date(idx/12, time.Month(idx%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// timeLabel labels the tick at times[i]: the time of day for steps under a
// day, with the date under the first tick and wherever it changes; the day
// or month with the year under the first and where it changes; the year.
func timeLabel(t time.Time, times []time.Time, i int, step timeStep) string {
	switch {
	case step.months >= 12:
		return t.Format("2006")
	case step.months > 0:
		if i == 0 || times[i-1].Year() != t.Year() {
			return t.Format("Jan\n2006")
		}
		return t.Format("Jan")
	case step.d >= 24*time.Hour:
		if i == 0 || times[i-1].Year() != t.Year() {
			return t.Format("Jan 2\n2006")
		}
		return t.Format("Jan 2")
	}
	layout := "15:04"
	switch {
	case step.d < time.Microsecond:
		layout = "15:04:05.000000000"
	case step.d < time.Millisecond:
		layout = "15:04:05.000000"
	case step.d < time.Second:
		layout = "15:04:05.000"
	case step.d < time.Minute:
		layout = "15:04:05"
	}
	if i == 0 || times[i-1].YearDay() != t.YearDay() || times[i-1].Year() != t.Year() {
		layout += "\n2006-01-02"
	}
	return t.Format(layout)
}

// numberTicks marks round numbers (1, 2, 2.5 or 5 times a power of ten
// apart), at most max of them.
type numberTicks struct{ max int }

// Ticks implements plot.Ticker.
func (nt numberTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return nil
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/float64(nt.max))))
	var step float64
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; span/step <= float64(nt.max) {
			break
		}
	}
	// Digits after the point that the step needs.
	prec := 0
	for prec < 15 && math.Abs(step*math.Pow(10, float64(prec))-math.Round(step*math.Pow(10, float64(prec)))) > 1e-9*step*math.Pow(10, float64(prec)) {
		prec++
	}
	big := max(math.Abs(lo), math.Abs(hi)) >= 1e9 || step < 1e-6
	var ticks []plot.Tick
	for k := math.Ceil(lo / step); k*step <= hi+step*1e-9 && len(ticks) <= 2*nt.max; k++ {
		v := k * step
		if v == 0 {
			v = 0 // no "-0"
		}
		label := strconv.FormatFloat(v, 'f', prec, 64)
		if big {
			label = strconv.FormatFloat(v, 'g', 6, 64)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}
