package query

import (
	"errors"
	"fmt"
)

// Sentinel causes that a *ParseError unwraps to, besides frame.ErrFieldCount
// (a row whose number of cells differs from its table's header, or an
// InfluxQL row whose number of values differs from its columns),
// frame.ErrBadValue (a cell that does not parse as its column's #datatype,
// an InfluxQL time that is not a time) and frame.ErrDupColumn (a header or
// an InfluxQL series naming a column twice).
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
	// ErrJSON: an InfluxQL response is not valid JSON.
	ErrJSON = errors.New("invalid JSON")
	// ErrInfluxQLShape: an InfluxQL response is valid JSON but not the
	// shape InfluxQL's answers have (an object of results, each with
	// series of name, tags, columns and rows of values).
	ErrInfluxQLShape = errors.New("not an InfluxQL response")
)

// ParseError is a response that could not be decoded. Line and Column are
// 1-based positions in the response text. In annotated CSV, Column counts
// the annotation column as column 1 and is 0 when the error is about a
// whole row; in an InfluxQL (JSON) response it counts bytes from the start
// of the line, and ColumnName is the InfluxQL column of the value, if any.
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

// InfluxQLError is an error that the server reported about an InfluxQL
// query: in the "error" of one statement's result, in a top-level "error"
// of the response, or as the answer of an HTTP 400 (a query that does not
// parse).
type InfluxQLError struct {
	// Statement is the statement_id of the failed statement, counting
	// from 0; -1 when the error is about the whole query.
	Statement int
	// Message is the server's message, e.g. "database not found: db".
	Message string
	// Hint says what to do about it, when known: how to create a missing
	// database, retention policy or (InfluxDB 2.x) DBRP mapping.
	Hint string
	// Err is the client library's *http.Error when the server answered
	// with an error status (400), nil for an error inside a successful
	// response.
	Err error
}

func (e *InfluxQLError) Error() string {
	var s string
	if e.Statement >= 0 {
		s = fmt.Sprintf("query: InfluxQL statement %d: %s", e.Statement, e.Message)
	} else {
		s = "query: InfluxQL: " + e.Message
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Unwrap returns the HTTP error, if any.
func (e *InfluxQLError) Unwrap() error { return e.Err }
