package query

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/influxframe/influxframe/frame"
)

// MaxCellWidth is the number of characters PrintTable shows of a value;
// longer ones end in "...".
const MaxCellWidth = 40

// PrintTable writes f as a text table for a terminal: a header of column
// names, the rows with columns aligned, nulls as "<null>", values as
// frame.FormatValue writes them (control characters escaped, at most
// MaxCellWidth characters). When maxRows > 0 and the frame has more rows,
// it shows the first and last maxRows/2 rows around a "..." row. A line
// "[R rows x C columns]" ends the table when rows were left out or there
// are none.
func PrintTable(w io.Writer, f *frame.Frame, maxRows int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	n := f.NumRows()
	ncols := f.NumCols()
	cells := make([]string, ncols)
	line := func() error {
		_, err := io.WriteString(tw, strings.Join(cells, "\t")+"\n")
		return err
	}
	for i, c := range f.Schema().Columns {
		cells[i] = cell(c.Name)
	}
	if err := line(); err != nil {
		return fmt.Errorf("query: printing table: %w", err)
	}
	head, tail := n, int64(0)
	if maxRows > 0 && n > int64(maxRows) {
		tail = int64(maxRows / 2)
		head = int64(maxRows) - tail
	}
	var row int64
	for _, rec := range f.Chunks() {
		rows := rec.NumRows()
		for r := int64(0); r < rows; r, row = r+1, row+1 {
			if row >= head && row < n-tail {
				if row == head {
					for i := range cells {
						cells[i] = "..."
					}
					if err := line(); err != nil {
						return fmt.Errorf("query: printing table: %w", err)
					}
				}
				// Jump to the tail.
				skip := min(rows-r, n-tail-row) - 1
				r += skip
				row += skip
				continue
			}
			for i := 0; i < ncols; i++ {
				cells[i] = formatCell(rec.Column(i), int(r))
			}
			if err := line(); err != nil {
				return fmt.Errorf("query: printing table: %w", err)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("query: printing table: %w", err)
	}
	if n == 0 || head < n {
		if _, err := fmt.Fprintf(w, "[%d rows x %d columns]\n", n, ncols); err != nil {
			return fmt.Errorf("query: printing table: %w", err)
		}
	}
	return nil
}

func formatCell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "<null>"
	}
	return cell(frame.FormatValue(a, i))
}

// cell escapes control characters (tabs and newlines would break the
// table) and shortens s to MaxCellWidth characters.
func cell(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			clean = false
			break
		}
	}
	if !clean {
		q := fmt.Sprintf("%q", s)
		s = q[1 : len(q)-1]
	}
	if utf8.RuneCountInString(s) > MaxCellWidth {
		rs := []rune(s)
		s = string(rs[:MaxCellWidth-3]) + "..."
	}
	return s
}
