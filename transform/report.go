package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/influxframe/influxframe/frame"
)

// Column roles in a report, beyond frame.Role: a dropped column has none.
const (
	RoleDropped = "dropped"
)

// ColumnReport says what normalisation did with one input column.
type ColumnReport struct {
	Name   string     `json:"name"`
	Kind   frame.Kind `json:"kind"`
	Role   string     `json:"role"`   // time, tag, field or dropped
	Action string     `json:"action"` // kept, cast from int, dropped: mixed ..., ...
	Nulls  int64      `json:"nulls"`
	NaN    int64      `json:"nan"`
	// Offending holds, for a mixed column, the first cells of the minority
	// kind (numbers among text, or text among numbers).
	Offending []frame.Sample `json:"offending,omitempty"`
}

// Report is everything normalisation did: per column and in total. The
// writer's counts (points written, rejected by the server) are not here:
// the import summary adds them.
type Report struct {
	File string `json:"file"`
	// Dialect is the CSV dialect the input was read in, given or sniffed
	// (frame.DialectReader); nil for other inputs.
	Dialect     *frame.Dialect  `json:"dialect,omitempty"`
	Measurement string          `json:"measurement"`
	TimeColumn  string          `json:"time_column"`
	TimeFormat  string          `json:"time_format"`
	Precision   frame.Precision `json:"precision"`
	Columns     []ColumnReport  `json:"columns"`
	RowsRead    int64           `json:"rows_read"`
	PointsBuilt int64           `json:"points_built"`
	// RowsRejected counts rows that could not become points; Rejects
	// breaks it down by reason.
	RowsRejected int64            `json:"rows_rejected"`
	Rejects      map[string]int64 `json:"rejects,omitempty"`
	Duplicates   int64            `json:"duplicates"`
	// DuplicatesAction says what happened to the duplicates under the
	// policy in force.
	DuplicatesAction string `json:"duplicates_action,omitempty"`
	NaN              int64  `json:"nan_as_null"`
	// Suggestions say what would fix what the report found: the flag to
	// name a time column, to read its values, to keep a dropped column
	// that tells duplicates apart. Those about the schema come with the
	// first report (or the *SchemaError's); those about duplicates grow
	// as rows are read.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Suggestion codes.
const (
	SuggestTimeColumn = "time-column" // a column that could be the time column
	SuggestTimeFormat = "time-format" // a reading of the time column's values
	SuggestTags       = "tags"        // a dropped text column that tells duplicates apart
)

// Suggestion is one thing the user could do about what the report found.
type Suggestion struct {
	Code    string `json:"code"`             // SuggestTimeColumn, SuggestTimeFormat or SuggestTags
	Column  string `json:"column,omitempty"` // the column it is about
	Message string `json:"message"`          // what was found, and what the flag would do
	// Flag is the command-line flag that does it ("--tags source"), or
	// empty when the fix is an edit of the schema contract.
	Flag string `json:"flag,omitempty"`
	// Count is how many rows it concerns (the duplicates a column tells
	// apart), when that is a count.
	Count int64 `json:"count,omitempty"`
}

// String returns the suggestion as a line of the text report, without the
// "suggestion: " prefix.
func (s Suggestion) String() string {
	if s.Flag == "" {
		return s.Message
	}
	return s.Flag + ": " + s.Message
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("transform: writing report: %w", err)
	}
	return nil
}

// WriteText writes the report as an aligned text table, a totals block
// and the suggestions, one "suggestion: " line each.
func (r *Report) WriteText(w io.Writer) error {
	if err := r.writeColumns(w); err != nil {
		return err
	}
	if err := r.writeTotals(w); err != nil {
		return err
	}
	return r.writeSuggestions(w)
}

// WriteColumns writes the part of the report decided before any row is
// converted: the input, the time column, what each column becomes, and the
// suggestions so far.
func (r *Report) WriteColumns(w io.Writer) error {
	if err := r.writeColumns(w); err != nil {
		return err
	}
	return r.writeSuggestions(w)
}

func (r *Report) writeColumns(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	file := r.File + dialectNote(r.Dialect)
	switch {
	case r.TimeColumn == "":
		fmt.Fprintf(tw, "file %s -> measurement %q, no time column\n", file, r.Measurement)
	case r.TimeFormat == "":
		fmt.Fprintf(tw, "file %s -> measurement %q, time column %q (format undecided)\n", file, r.Measurement, r.TimeColumn)
	default:
		fmt.Fprintf(tw, "file %s -> measurement %q, time column %q (%s), precision %s\n",
			file, r.Measurement, r.TimeColumn, r.TimeFormat, r.Precision)
	}
	fmt.Fprintln(tw, "COLUMN\tKIND\tROLE\tNULLS\tNAN\tACTION")
	for _, c := range r.Columns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", c.Name, c.Kind, c.Role, c.Nulls, c.NaN, c.Action)
	}
	return tw.Flush()
}

func (r *Report) writeSuggestions(w io.Writer) error {
	for _, s := range r.Suggestions {
		if _, err := fmt.Fprintf(w, "suggestion: %s\n", s); err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) writeTotals(w io.Writer) error {
	fmt.Fprintf(w, "rows read %d, points built %d, rows rejected %d, duplicate keys %d",
		r.RowsRead, r.PointsBuilt, r.RowsRejected, r.Duplicates)
	if r.Duplicates > 0 && r.DuplicatesAction != "" {
		fmt.Fprintf(w, " (%s)", r.DuplicatesAction)
	}
	if r.NaN > 0 {
		fmt.Fprintf(w, ", NaN/Inf as null %d", r.NaN)
	}
	fmt.Fprintln(w)
	reasons := make([]string, 0, len(r.Rejects))
	for k := range r.Rejects {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(w, "  rejected %d: %s\n", r.Rejects[k], k)
	}
	return nil
}

// dialectNote names, for the report's first line, what a CSV dialect
// does not share with frame.DefaultDialect: ` (delimiter ";", decimal ",";
// sniffed)`, or nothing for the default dialect or another input.
func dialectNote(d *frame.Dialect) string {
	if d == nil || d.IsDefault() {
		return ""
	}
	parts := d.Differences()
	note := " (" + strings.Join(parts, ", ")
	if d.Sniffed {
		note += "; sniffed"
	}
	return note + ")"
}

// withDialect returns what newNormalizer returned, with the dialect of
// src, when it reads one (frame.DialectReader), in the report, and in the
// report of a *SchemaError. NewReader passes newNormalizer's results
// through it.
func withDialect(src frame.ChunkReader) func(*normalizer, error) (*normalizer, error) {
	return func(n *normalizer, err error) (*normalizer, error) {
		dr, ok := src.(frame.DialectReader)
		if !ok {
			return n, err
		}
		d := dr.Dialect()
		if n != nil {
			n.report.Dialect = &d
		}
		var se *SchemaError
		if errors.As(err, &se) {
			se.Report.Dialect = &d
		}
		return n, err
	}
}

func describeSamples(s []frame.Sample) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = fmt.Sprintf("line %d: %q", x.Line, x.Value)
	}
	return strings.Join(parts, ", ")
}
