package frame

import (
	"errors"
	"fmt"
)

// Sentinel causes that a *ParseError unwraps to.
var (
	ErrFieldCount = errors.New("wrong number of fields")
	ErrBadValue   = errors.New("value does not fit the column's kind")
	ErrNoHeader   = errors.New("no header row")
	ErrDupColumn  = errors.New("duplicate column name")
	ErrEmptyName  = errors.New("empty column name")
)

// ParseError is an error about input at a position in a file. Line and
// Column are 1-based; Column is 0 when the error is about a whole line, and
// Line is 0 when it is about the whole file.
type ParseError struct {
	File       string // file name as given, "-" for stdin
	Line       int64
	Column     int    // 1-based column index
	ColumnName string // the column's header name, when known
	Value      string // the offending value, when it helps
	Err        error  // the cause, often one of the sentinels above
}

func (e *ParseError) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos = fmt.Sprintf("%s:%d", pos, e.Line)
	}
	if e.Column > 0 {
		if e.ColumnName != "" {
			pos = fmt.Sprintf("%s: column %d (%s)", pos, e.Column, e.ColumnName)
		} else {
			pos = fmt.Sprintf("%s: column %d", pos, e.Column)
		}
	}
	if e.Value != "" {
		return fmt.Sprintf("frame: %s: %v: %q", pos, e.Err, e.Value)
	}
	return fmt.Sprintf("frame: %s: %v", pos, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
