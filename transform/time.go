package transform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/influxframe/influxframe/internal/timefmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/influxframe/influxframe/frame"
)

// pickTime chooses the time column and builds its converter.
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
			return fmt.Errorf("transform: %s: %w: no column holds only timestamps; name one with --time-column (candidates: %s)",
				n.file, ErrNoTimeColumn, n.timeCandidates())
		}
	}
	n.timeIdx = idx
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
			format = timefmt.Unix
			if c.Stats != nil && c.Stats.Count(frame.CellInt) > 0 {
				var v int64
				fmt.Sscan(c.Stats.First[frame.CellInt].Value, &v)
				format = timefmt.EpochUnit(v)
			}
		}
		n.report.TimeFormat = format
		p := timefmt.NewParser(format, 0, n.opts.Location)
		n.timeOf = func(arr arrow.Array, i int) (int64, error) {
			return p.Parse(frame.FormatValue(arr, i))
		}
		if _, epoch, _ := p.ParseInt(0); epoch && t.ID() == arrow.INT64 {
			n.timeOf = func(arr arrow.Array, i int) (int64, error) {
				ns, _, err := p.ParseInt(arr.(*array.Int64).Value(i))
				return ns, err
			}
		}
	case t.ID() == arrow.STRING:
		var mask uint32
		if c.Stats != nil {
			mask = c.Stats.Layouts
		}
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
	n.report.TimeColumn = c.Name
	return nil
}

// detectTime returns the best time column: timestamps first (names like
// time/date/timestamp before others, then leftmost), then integer columns
// named exactly like a time column (epochs).
func (n *normalizer) detectTime() int {
	type cand struct{ idx, rank int }
	var cands []cand
	for i, c := range n.in.Columns {
		if c.Kind == frame.KindTime && !contains(n.opts.Tags, c.Name) && !contains(n.opts.StringFields, c.Name) && !contains(n.opts.Exclude, c.Name) {
			cands = append(cands, cand{i, timeNameRank(c.Name)})
		}
	}
	if len(cands) == 0 {
		for i, c := range n.in.Columns {
			if c.Kind == frame.KindInt && timeNameRank(c.Name) < len(timeNames) {
				cands = append(cands, cand{i, timeNameRank(c.Name)})
			}
		}
	}
	if len(cands) == 0 {
		return -1
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].rank < cands[b].rank })
	return cands[0].idx
}

// timeCandidates lists columns that look like they might be meant as time.
func (n *normalizer) timeCandidates() string {
	var out []string
	for _, c := range n.in.Columns {
		if timeNameRank(c.Name) <= len(timeNames) || c.Kind == frame.KindText || c.Kind == frame.KindMixed {
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
		case n.report.TimeFormat == timefmt.Unix && t.ID() == arrow.INT64:
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
