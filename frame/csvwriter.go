package frame

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// csvWriter writes records as CSV text with a header row. Nulls are empty
// cells. Call Flush at the end and check its error.
type csvWriter struct {
	out    io.Writer
	w      *csv.Writer
	schema *arrow.Schema
	header bool
	row    []string
}

// newCSVWriter returns a writer of records with the given Arrow schema.
func newCSVWriter(w io.Writer, schema *arrow.Schema) *csvWriter {
	return &csvWriter{out: w, w: csv.NewWriter(w), schema: schema, row: make([]string, schema.NumFields())}
}

// Write writes the rows of rec, after the header on the first call.
func (w *csvWriter) Write(rec arrow.Record) error {
	if !sameFields(rec.Schema(), w.schema) {
		return fmt.Errorf("frame: record schema %s does not match writer schema", rec.Schema())
	}
	if !w.header {
		if err := w.writeHeader(); err != nil {
			return fmt.Errorf("frame: writing CSV: %w", err)
		}
	}
	cols := rec.Columns()
	for r := 0; r < int(rec.NumRows()); r++ {
		for c, col := range cols {
			w.row[c] = FormatValue(col, r)
		}
		if len(w.row) == 1 && w.row[0] == "" {
			// A lone empty cell would be a blank line, which readers
			// skip: quote it so the row survives.
			w.w.Flush()
			if _, err := io.WriteString(w.out, "\"\"\n"); err != nil {
				return fmt.Errorf("frame: writing CSV: %w", err)
			}
			continue
		}
		if err := w.w.Write(w.row); err != nil {
			return fmt.Errorf("frame: writing CSV: %w", err)
		}
	}
	return nil
}

// Flush writes any buffered data and returns the first error met.
func (w *csvWriter) Flush() error {
	if !w.header {
		w.writeHeader() // its error is the writer's
	}
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return fmt.Errorf("frame: writing CSV: %w", err)
	}
	return nil
}

// writeHeader writes the column names. A first name that begins with a
// byte order mark is quoted, with the others: a reader drops a BOM at the
// start of a file, so it would lose the name's first character.
func (w *csvWriter) writeHeader() error {
	w.header = true
	for i, f := range w.schema.Fields() {
		w.row[i] = f.Name
	}
	if len(w.row) == 0 || !strings.HasPrefix(w.row[0], "\ufeff") {
		return w.w.Write(w.row)
	}
	quoted := make([]string, len(w.row))
	for i, name := range w.row {
		quoted[i] = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	_, err := io.WriteString(w.out, strings.Join(quoted, ",")+"\n")
	return err
}
