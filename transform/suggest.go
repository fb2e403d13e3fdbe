package transform

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/timefmt"
)

// suggestLayouts are layouts that inference does not recognise, on
// purpose (01/02/2006 is 1 February or 2 January depending on who wrote
// it), but that a user may mean: a text column whose first value reads in
// one of them is suggested as the time column with that --time-format.
var suggestLayouts = []string{
	"01/02/2006", "02/01/2006", "01/02/2006 15:04:05", "02/01/2006 15:04:05", "01/02/2006 15:04", "02/01/2006 15:04",
	"1/2/2006", "2/1/2006", "1/2/2006 15:04:05", "2/1/2006 15:04:05", "1/2/2006 15:04", "2/1/2006 15:04",
	"1/2/2006 3:04:05 PM", "1/2/2006 3:04 PM", "01/02/06", "02/01/06",
	"02.01.2006", "02.01.2006 15:04:05", "02.01.2006 15:04", "01-02-2006", "02-01-2006",
	"02-Jan-2006", "02-Jan-2006 15:04:05", "January 2, 2006", "2 January 2006", "Jan 2006", "January 2006",
	"2006-01", "2006/01", "20060102 15:04:05", "20060102T150405", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05 MST",
	time.ANSIC, time.UnixDate, time.RFC850, time.RFC822, time.RFC822Z,
}

// maxTimeSuggestions bounds the columns, and maxReadings the layouts of
// one value, that a missing time column suggests.
const (
	maxTimeSuggestions = 3
	maxReadings        = 2
)

// layoutReading is one layout in which a value reads, and what it reads as.
type layoutReading struct {
	layout string
	t      time.Time
}

// readLayouts returns the suggestLayouts in which v reads (at most
// maxReadings, and only one per instant: "1/2/2006" adds nothing to
// "01/02/2006").
func readLayouts(v string, loc *time.Location) []layoutReading {
	var out []layoutReading
	v = strings.TrimSpace(v)
next:
	for _, l := range suggestLayouts {
		t, err := time.ParseInLocation(l, v, loc)
		if err != nil {
			continue
		}
		for _, r := range out {
			if r.t.Equal(t) {
				continue next
			}
		}
		out = append(out, layoutReading{l, t})
		if len(out) == maxReadings {
			break
		}
	}
	return out
}

// shellArg quotes s for a shell when it holds more than letters, digits
// and _ . / : - characters.
func shellArg(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_./:-,", c)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// timeSuggestions returns, when no time column was found, the columns that
// could be one and the flags that would take each: a text column of
// timestamps among other values, a text column whose values read in a
// layout inference leaves alone (with that --time-format and a sample), an
// integer column named like time whose values are plausible epochs. Names
// like time come first, then the leftmost; at most maxTimeSuggestions
// columns.
func (n *normalizer) timeSuggestions() []Suggestion {
	type cand struct {
		rank int
		s    []Suggestion
	}
	var cands []cand
	for _, c := range n.in.Columns {
		st := c.Stats
		if st == nil || n.declared(c.Name) {
			continue
		}
		rank := timeNameRank(c.Name)
		if yearName(c.Name) && rank > len(timeNames) {
			rank = len(timeNames)
		}
		flag := "--time-column " + shellArg(c.Name)
		var ss []Suggestion
		switch c.Kind {
		case frame.KindText, frame.KindMixed:
			var other frame.Sample // the first cell that is no timestamp
			for _, k := range []frame.CellKind{frame.CellBool, frame.CellInt, frame.CellFloat, frame.CellText} {
				if f := st.First[k]; st.Count(k) > 0 && (other.Line == 0 || f.Line < other.Line) {
					other = f
				}
			}
			switch {
			case st.Count(frame.CellTime) > 0:
				ss = append(ss, Suggestion{Code: SuggestTimeColumn, Column: c.Name, Flag: flag,
					Message: fmt.Sprintf("%d of its cells are timestamps (%s, first %q at line %d); the rows of the %d others (first %q at line %d) would be rejected",
						st.Count(frame.CellTime), timefmt.DescribeLayouts(st.Layouts), st.First[frame.CellTime].Value, st.First[frame.CellTime].Line,
						nonEmpty(st)-st.Count(frame.CellTime), other.Value, other.Line)})
			case st.First[frame.CellText].Line > 0:
				f := st.First[frame.CellText]
				for _, r := range readLayouts(f.Value, n.opts.Location) {
					ss = append(ss, Suggestion{Code: SuggestTimeColumn, Column: c.Name, Flag: flag + " --time-format " + shellArg(r.layout),
						Message: fmt.Sprintf("%q (line %d) reads as %s in layout %q", f.Value, f.Line, r.t.UTC().Format(time.RFC3339), r.layout)})
				}
			}
		case frame.KindInt:
			if rank > len(timeNames) {
				break
			}
			if fits := timefmt.PlausibleEpochs(st.IntMin, st.IntMax); len(fits) == 1 {
				for _, r := range readings(st.IntMin, st.IntMax) {
					if r.format == fits[0] {
						ss = append(ss, Suggestion{Code: SuggestTimeColumn, Column: c.Name, Flag: flag + " --time-format " + r.format,
							Message: fmt.Sprintf("its integers %s read %s", span(st.IntMin, st.IntMax), r)})
					}
				}
			}
		}
		if len(ss) > 0 {
			cands = append(cands, cand{rank, ss})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].rank < cands[b].rank })
	var out []Suggestion
	for i, c := range cands {
		if i == maxTimeSuggestions {
			break
		}
		out = append(out, c.s...)
	}
	return out
}

// nonEmpty returns the number of non-empty cells of a column.
func nonEmpty(st *frame.Stats) int64 {
	var t int64
	for k := frame.CellBool; k <= frame.CellText; k++ {
		t += st.Count(k)
	}
	return t
}

// maxTracked is how many dropped text columns duplicate detection
// watches: each has 16 bits of the 64-bit fingerprint kept per key.
const maxTracked = 4

// trackDropped chooses the dropped text columns (at most maxTracked, the
// leftmost) whose values duplicate detection fingerprints, to tell which
// of them differ between rows with the same tags and time.
func (n *normalizer) trackDropped() {
	for i, c := range n.in.Columns {
		if len(n.track) == maxTracked {
			break
		}
		cr := n.report.Columns[n.colRep[i]]
		if c.Kind == frame.KindText && cr.Role == RoleDropped && strings.HasPrefix(cr.Action, "dropped: text") || n.contract != nil && c.Kind == frame.KindText && cr.Role == RoleDropped {
			n.track = append(n.track, i)
		}
	}
	n.trackDup = make([]int64, len(n.track))
}

// fingerprint returns 16 bits of FNV-1a hash of each tracked column's
// value in row i, packed. Two different values have the same 16 bits with
// a probability of 1/65536: a duplicate they tell apart then goes
// uncounted in a suggestion, nothing more.
func (n *normalizer) fingerprint(rec arrow.Record, i int) uint64 {
	var fp uint64
	for j, c := range n.track {
		arr := rec.Column(c)
		h := uint64(14695981039346656037)
		if arr.IsNull(i) {
			h ^= 1 // null is not ""
			h *= 1099511628211
		} else {
			v := frame.FormatValue(arr, i)
			for k := 0; k < len(v); k++ {
				h ^= uint64(v[k])
				h *= 1099511628211
			}
		}
		fp |= ((h ^ h>>16 ^ h>>32 ^ h>>48) & 0xffff) << (16 * j)
	}
	return fp
}

// countDiffering counts, for a duplicate row whose fingerprint is fp, the
// tracked columns whose value differs from the first row's (first).
func (n *normalizer) countDiffering(first, fp uint64) {
	d := first ^ fp
	for j := range n.track {
		if d>>(16*j)&0xffff != 0 {
			n.trackDup[j]++
		}
	}
}

// dupSuggestions suggests keeping as tags the dropped text columns that
// tell the most duplicates apart.
func (n *normalizer) dupSuggestions() []Suggestion {
	order := make([]int, 0, len(n.track))
	for j, c := range n.trackDup {
		if c > 0 {
			order = append(order, j)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return n.trackDup[order[a]] > n.trackDup[order[b]] })
	var out []Suggestion
	for _, j := range order {
		name := n.in.Columns[n.track[j]].Name
		s := Suggestion{Code: SuggestTags, Column: name, Count: n.trackDup[j],
			Message: fmt.Sprintf("the dropped text column %q differs in %d of the %d duplicate rows (rows with the same tags and time as an earlier one): it tells them apart; keep it as a tag",
				name, n.trackDup[j], n.report.Duplicates)}
		if n.contract != nil {
			s.Message += " (role tag in the schema contract)"
		} else {
			var tags []string
			for _, t := range n.tags {
				if t.in >= 0 {
					tags = append(tags, t.name)
				}
			}
			s.Flag = "--tags " + shellArg(strings.Join(append(tags, name), ","))
		}
		out = append(out, s)
	}
	return out
}
