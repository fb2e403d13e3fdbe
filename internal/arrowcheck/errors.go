package arrowcheck

import (
	"errors"
	"fmt"
)

// Sentinel causes of the errors about the data.
var (
	// ErrCorrupt is the cause of an error about data that is truncated or
	// inconsistent.
	ErrCorrupt = errors.New("corrupt or truncated data")
	// ErrUnsupported is the cause of an error about data that may be valid
	// but that the checks do not cover.
	ErrUnsupported = errors.New("unsupported column type")
)

// ColumnError is an error about one top-level column of the schema.
type ColumnError struct {
	Column int    // 0-based index of the column in the schema
	Name   string // the column's name
	Err    error  // the cause: it wraps ErrCorrupt or ErrUnsupported
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("column %d (%s): %v", e.Column+1, e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *ColumnError) Unwrap() error { return e.Err }

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
