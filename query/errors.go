package query

import (
	"errors"
	"fmt"
)

// Sentinel causes that a *ParseError unwraps to, besides frame.ErrFieldCount
// (a row whose number of cells differs from its table's header),
// frame.ErrBadValue (a cell that does not parse as its column's #datatype)
// and frame.ErrDupColumn (a header naming a column twice).
var (
	// ErrNoDatatype: a header row came without a #datatype annotation
	// before it, so the columns have no types.
	ErrNoDatatype = errors.New("no #datatype annotation before the header row")
	// ErrAnnotationColumn: a data row has text in the first (annotation)
	// column, which is empty on every data row of annotated CSV.
	ErrAnnotationColumn = errors.New("text in the annotation column of a data row")
	// ErrAnnotationCount: an annotation row has a different number of
	// cells than the others of its table.
	ErrAnnotationCount = errors.New("annotation rows of different lengths")
)

// ParseError is an annotated-CSV response that could not be decoded. Line
// and Column are 1-based positions in the response text; Column counts the
// annotation column as column 1 and is 0 when the error is about a whole
// row.
type ParseError struct {
	Line       int64
	Column     int
	ColumnName string // the column's name from the header row, when known
	Value      string // the offending cell, when it helps
	Err        error  // the cause, often one of the sentinels above
}

func (e *ParseError) Error() string {
	pos := fmt.Sprintf("response line %d", e.Line)
	if e.Column > 0 {
		if e.ColumnName != "" {
			pos = fmt.Sprintf("%s, column %d (%s)", pos, e.Column, e.ColumnName)
		} else {
			pos = fmt.Sprintf("%s, column %d", pos, e.Column)
		}
	}
	if e.Value != "" {
		return fmt.Sprintf("query: %s: %v: %q", pos, e.Err, e.Value)
	}
	return fmt.Sprintf("query: %s: %v", pos, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// ServerError is an error that the server reported inside a response whose
// HTTP status was a success: the "error,reference" table of annotated CSV
// that Flux writes when a query fails after it started streaming.
type ServerError struct {
	Message   string // the server's message
	Reference string // the server's error reference (code), often empty
}

func (e *ServerError) Error() string {
	if e.Reference != "" {
		return fmt.Sprintf("query: server error: %s (reference %s)", e.Message, e.Reference)
	}
	return "query: server error: " + e.Message
}
