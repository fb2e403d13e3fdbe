package transform

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/influxframe/influxframe/internal/timefmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/influxframe/influxframe/frame"
)

// ErrAmbiguousTime is the cause of an integer time column whose values fit
// no reading, or more than one, of those --time-format offers.
var ErrAmbiguousTime = errors.New("ambiguous integer timestamps")

// epochChoices is the --time-format choice offered for integers.
const epochChoices = "unix|unix_ms|unix_us|unix_ns|year"

// pickTime chooses the time column and builds its converter. An error
// wrapping ErrNoTimeColumn or ErrAmbiguousTime belongs in a *SchemaError:
// the caller puts it there, with the report and its suggestions.
func (n *normalizer) pickTime() error {
	s := n.in
	idx := -1
	if n.opts.TimeColumn != "" {
		idx = s.Index(n.opts.TimeColumn)
		if idx < 0 {
			return fmt.Errorf("transform: %s: %w: time column %q (columns: %s)", n.file, ErrNoColumn, n.opts.TimeColumn, strings.Join(s.Names(), ", "))
		}
	} else {
		idx = n.detectTime()
		if idx < 0 {
			sugg := n.timeSuggestions()
			n.report.Suggestions = append(n.report.Suggestions, sugg...)
			try := ""
			if len(sugg) > 0 {
				try = "; try " + sugg[0].Flag
			}
			return fmt.Errorf("transform: %s: %w: no column holds only timestamps; name one with --time-column (candidates: %s)%s",
				n.file, ErrNoTimeColumn, n.timeCandidates(), try)
		}
	}
	c := s.Columns[idx]
	t := s.Arrow().Field(idx).Type
	switch {
	case t.ID() == arrow.TIMESTAMP:
		unit := t.(*arrow.TimestampType).Unit
		mul := int64(unit.Multiplier())
		n.report.TimeFormat = "arrow timestamp[" + unit.String() + "]"
		n.timeOf = func(arr arrow.Array, i int) (int64, error) {
			return int64(arr.(*array.Timestamp).Value(i)) * mul, nil
		}
	case t.ID() == arrow.INT64 || t.ID() == arrow.FLOAT64:
		format := n.opts.TimeFormat
		if format == "" {
			var err error
			if format, err = n.numericTimeFormat(idx); err != nil {
				return err
			}
		}
		n.report.TimeFormat, n.timeFormat = format, format
		p := timefmt.NewParser(format, 0, n.opts.Location)
		n.timeOf = func(arr arrow.Array, i int) (int64, error) {
			return p.Parse(frame.FormatValue(arr, i))
		}
		if _, direct, _ := p.ParseInt(0); direct && t.ID() == arrow.INT64 {
			n.timeOf = func(arr arrow.Array, i int) (int64, error) {
				ns, _, err := p.ParseInt(arr.(*array.Int64).Value(i))
				return ns, err
			}
		}
	case t.ID() == arrow.STRING:
		var mask uint32
		switch {
		case n.opts.TimeFormat != "":
		case n.contract != nil:
			mask = layoutMask(n.contract.TimeLayouts)
		case c.Stats != nil:
			mask = c.Stats.Layouts
		}
		n.timeFormat, n.timeMask = n.opts.TimeFormat, mask
		n.report.TimeFormat = n.opts.TimeFormat
		if n.opts.TimeFormat == "" {
			n.report.TimeFormat = timefmt.DescribeLayouts(mask)
		}
		p := timefmt.NewParser(n.opts.TimeFormat, mask, n.opts.Location)
		n.timeOf = func(arr arrow.Array, i int) (int64, error) {
			return p.Parse(arr.(*array.String).Value(i))
		}
	default:
		return fmt.Errorf("transform: %s: time column %q has type %s, which holds no timestamps", n.file, c.Name, t)
	}
	n.timeIdx = idx
	n.report.TimeColumn = c.Name
	return nil
}

// numericTimeFormat decides how the numbers of time column idx are read
// when no format is given: in the one epoch unit in which every integer,
// from the smallest to the largest, is a time from 1973-03-03 to 2100
// (timefmt.PlausibleEpochs), or as years when the column's name says year
// and its integers are 1000 to 2999. A float column without integer cells
// is read as fractional epoch seconds. Anything else is ErrAmbiguousTime:
// the rule does not guess.
func (n *normalizer) numericTimeFormat(idx int) (string, error) {
	c := n.in.Columns[idx]
	st := c.Stats
	if st == nil {
		return "", n.ambiguous(idx, nil)
	}
	if st.Count(frame.CellInt) == 0 {
		return timefmt.Unix, nil
	}
	fits := timefmt.PlausibleEpochs(st.IntMin, st.IntMax)
	if yearName(c.Name) && st.Count(frame.CellFloat) == 0 && timefmt.PlausibleYears(st.IntMin, st.IntMax) {
		fits = append(fits, timefmt.Year)
	}
	if len(fits) == 1 {
		return fits[0], nil
	}
	return "", n.ambiguous(idx, fits)
}

// reading is what integers from min to max mean in one time format.
type reading struct {
	format   string
	from, to time.Time
	ok       bool // false: out of the range of timestamps
}

// yyyymmdd is the Go layout of dates written as eight digits.
const yyyymmdd = "20060102"

// readings returns what integers from min to max would mean in each epoch
// unit, as years, and as yyyymmdd dates when they look like some.
func readings(min, max int64) []reading {
	var out []reading
	for _, f := range append(append([]string(nil), timefmt.EpochFormats...), timefmt.Year) {
		r := reading{format: f}
		var ok1, ok2 bool
		r.from, ok1 = timefmt.EpochTime(f, min)
		r.to, ok2 = timefmt.EpochTime(f, max)
		r.ok = ok1 && ok2
		out = append(out, r)
	}
	if min >= 10000101 && max <= 29991231 {
		a, err1 := time.Parse(yyyymmdd, strconv.FormatInt(min, 10))
		b, err2 := time.Parse(yyyymmdd, strconv.FormatInt(max, 10))
		if err1 == nil && err2 == nil {
			out = append(out, reading{format: yyyymmdd, from: a, to: b, ok: true})
		}
	}
	return out
}

func (r reading) String() string { return "as " + r.format + ": " + r.dates() }

// dates returns the dates of a reading: "from ... to ...", one date when
// they are the same.
func (r reading) dates() string {
	switch {
	case !r.ok:
		return "out of the range of timestamps (1677 to 2262)"
	case r.from.Equal(r.to):
		return r.from.Format(time.RFC3339Nano)
	}
	return r.from.Format(time.RFC3339Nano) + " to " + r.to.Format(time.RFC3339Nano)
}

// span returns "from min to max", or "of min" when they are the same.
func span(min, max int64) string {
	if min == max {
		return fmt.Sprintf("of %d", min)
	}
	return fmt.Sprintf("from %d to %d", min, max)
}

// ambiguous returns the error of a numeric time column that fits no
// reading, or several (fits), with what each reading would mean, and adds
// one suggestion per reading to the report.
func (n *normalizer) ambiguous(idx int, fits []string) error {
	c := n.in.Columns[idx]
	n.timeRefused, n.report.TimeColumn = idx, c.Name
	pe := &frame.ParseError{File: n.file, Column: idx + 1, ColumnName: c.Name}
	st := c.Stats
	if st == nil {
		pe.Err = fmt.Errorf("%w: the size of a typed integer column's values is not known before reading; say what they are with --time-format %s",
			ErrAmbiguousTime, epochChoices)
		n.report.Suggestions = append(n.report.Suggestions, Suggestion{Code: SuggestTimeFormat, Column: c.Name,
			Flag: "--time-format " + epochChoices, Message: fmt.Sprintf("say what the integers of %q are: epoch seconds, milliseconds, microseconds, nanoseconds or years", c.Name)})
		return pe
	}
	pe.Line = st.First[frame.CellInt].Line
	why := fmt.Sprintf("are no time from %s to %s in any epoch unit", timefmt.PlausibleFrom.Format(time.DateOnly), timefmt.PlausibleTo.Format(time.DateOnly))
	if len(fits) > 1 {
		why = "fit " + strings.Join(fits, " and ")
	}
	choices := epochChoices
	var parts []string
	for _, r := range readings(st.IntMin, st.IntMax) {
		parts = append(parts, r.String())
		if r.format == yyyymmdd {
			choices += "|" + yyyymmdd
		}
		if r.ok {
			n.report.Suggestions = append(n.report.Suggestions, Suggestion{Code: SuggestTimeFormat, Column: c.Name,
				Flag:    "--time-format " + r.format,
				Message: fmt.Sprintf("reads the integers %s of %q as %s", span(st.IntMin, st.IntMax), c.Name, r.dates())})
		}
	}
	pe.Err = fmt.Errorf("%w: the integers %s %s; %s; say which with --time-format %s",
		ErrAmbiguousTime, span(st.IntMin, st.IntMax), why, strings.Join(parts, "; "), choices)
	return pe
}

// detectTime returns the best time column: timestamps first (names like
// time/date/timestamp before others, then leftmost), then integer columns
// named exactly like a time column (epochs), or named like a year
// (yearName) and holding only integers from 1000 to 2999.
func (n *normalizer) detectTime() int {
	type cand struct{ idx, rank int }
	var cands []cand
	for i, c := range n.in.Columns {
		if c.Kind == frame.KindTime && !n.declared(c.Name) {
			cands = append(cands, cand{i, timeNameRank(c.Name)})
		}
	}
	if len(cands) == 0 {
		for i, c := range n.in.Columns {
			if c.Kind != frame.KindInt || n.declared(c.Name) {
				continue
			}
			switch {
			case timeNameRank(c.Name) < len(timeNames):
				cands = append(cands, cand{i, timeNameRank(c.Name)})
			case yearName(c.Name) && c.Stats != nil && timefmt.PlausibleYears(c.Stats.IntMin, c.Stats.IntMax):
				cands = append(cands, cand{i, len(timeNames)})
			}
		}
	}
	if len(cands) == 0 {
		return -1
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].rank < cands[b].rank })
	return cands[0].idx
}

// declared reports whether the options give column name another role
// than time.
func (n *normalizer) declared(name string) bool {
	return contains(n.opts.Tags, name) || contains(n.opts.StringFields, name) || contains(n.opts.Exclude, name)
}

// timeCandidates lists columns that look like they might be meant as time.
func (n *normalizer) timeCandidates() string {
	var out []string
	for _, c := range n.in.Columns {
		if timeNameRank(c.Name) <= len(timeNames) || yearName(c.Name) || c.Kind == frame.KindText || c.Kind == frame.KindMixed {
			d := fmt.Sprintf("%s (%s", c.Name, c.Kind)
			if c.Stats != nil {
				for _, k := range []frame.CellKind{frame.CellText, frame.CellTime, frame.CellInt} {
					if f := c.Stats.First[k]; f.Line > 0 {
						d += fmt.Sprintf(", line %d: %q", f.Line, f.Value)
						break
					}
				}
			}
			out = append(out, d+")")
		}
	}
	if len(out) == 0 {
		return "none; columns: " + strings.Join(n.in.Names(), ", ")
	}
	return strings.Join(out, "; ")
}

// pickPrecision sets the write precision: the option, or the coarsest one
// that keeps every digit of the time column.
func (n *normalizer) pickPrecision() {
	p := n.opts.Precision
	if p == 0 {
		c := n.in.Columns[n.timeIdx]
		t := n.in.Arrow().Field(n.timeIdx).Type
		switch {
		case t.ID() == arrow.TIMESTAMP:
			p = map[arrow.TimeUnit]frame.Precision{arrow.Second: frame.Second, arrow.Millisecond: frame.Millisecond,
				arrow.Microsecond: frame.Microsecond}[t.(*arrow.TimestampType).Unit]
		case (n.report.TimeFormat == timefmt.Unix || n.report.TimeFormat == timefmt.Year) && t.ID() == arrow.INT64:
			p = frame.Second
		case n.report.TimeFormat == timefmt.UnixMs && t.ID() == arrow.INT64:
			p = frame.Millisecond
		case n.report.TimeFormat == timefmt.UnixUs && t.ID() == arrow.INT64:
			p = frame.Microsecond
		case t.ID() == arrow.STRING && c.Stats != nil:
			switch d := c.Stats.FracDigits; {
			case d == 0:
				p = frame.Second
			case d <= 3:
				p = frame.Millisecond
			case d <= 6:
				p = frame.Microsecond
			}
		}
		p = p.Or(frame.Nanosecond)
	}
	n.report.Precision = p
	n.unit = int64(p.Duration())
}

// layoutMask returns the set of timefmt.Layouts named (unknown layouts are
// not in it: Contract.check refuses them).
func layoutMask(layouts []string) uint32 {
	var m uint32
	for _, l := range layouts {
		for i, k := range timefmt.Layouts {
			if k == l {
				m |= 1 << uint(i)
			}
		}
	}
	return m
}

// layoutNames returns the Go layouts of a mask.
func layoutNames(mask uint32) []string {
	var out []string
	for i, l := range timefmt.Layouts {
		if mask&(1<<uint(i)) != 0 {
			out = append(out, l)
		}
	}
	return out
}
