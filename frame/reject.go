package frame

import "fmt"

// Reject is an input row that did not become a point: the transform stage
// could not normalise it (no field value, a bad timestamp, a duplicate), or
// the sink could not encode it. It keeps the row's cells as text so that
// the rejects file shows the row as it was read.
type Reject struct {
	File   string   // the input's name, as its reader gives it ("" for a frame)
	Line   int64    // 1-based source line; 0 when the input has no lines
	Row    int64    // 1-based data row of the input; 0 when unknown
	Reason string   // why, in a few words
	Cells  []string // the row's cells as text (nulls empty)
}

// Position returns where the row was: "taxi.csv:12", "taxi.parquet: row
// 12", "row 12", or the file name alone.
func (r *Reject) Position() string {
	switch {
	case r.Line > 0 && r.File != "":
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	case r.Line > 0:
		return fmt.Sprintf("line %d", r.Line)
	case r.Row > 0 && r.File != "":
		return fmt.Sprintf("%s: row %d", r.File, r.Row)
	case r.Row > 0:
		return fmt.Sprintf("row %d", r.Row)
	}
	return r.File
}
