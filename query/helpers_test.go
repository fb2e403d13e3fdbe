package query_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/influxframe/influxframe/frame"
	goldenfile "github.com/influxframe/influxframe/internal/golden"
)

// golden compares got with testdata/golden/name (see package golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), []byte(got))
}

// dump renders frames as text: per frame its columns (name, Arrow type,
// kind, role), then its rows as CSV.
func dump(t testing.TB, frames []*frame.Frame) string {
	t.Helper()
	var b strings.Builder
	for i, f := range frames {
		fmt.Fprintf(&b, "== frame %d: %d rows\n", i, f.NumRows())
		for j, c := range f.Schema().Columns {
			fmt.Fprintf(&b, "%s %s %s %s\n", c.Name, f.Schema().Arrow().Field(j).Type, c.Kind, roleName(c.Role))
		}
		if err := frame.WriteFile(&b, frame.FormatCSV, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func roleName(r frame.Role) string {
	if r == frame.RoleNone {
		return "-"
	}
	return r.String()
}

func release(frames []*frame.Frame) {
	for _, f := range frames {
		f.Release()
	}
}

// annotate encodes frames as Flux annotated CSV, one table per frame, so
// that decoding it gives the frames back.
func annotate(t testing.TB, frames []*frame.Frame) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, f := range frames {
		if i > 0 {
			w.Write([]string{""})
		}
		n := f.NumCols()
		types := append(make([]string, 0, n+1), "#datatype")
		groups := append(make([]string, 0, n+1), "#group")
		defaults := append(make([]string, 0, n+1), "#default")
		names := append(make([]string, 0, n+1), "")
		for j, c := range f.Schema().Columns {
			types = append(types, datatypeOf(f.Schema().Arrow().Field(j).Type))
			groups = append(groups, fmt.Sprint(c.Role == frame.RoleTag))
			defaults = append(defaults, "")
			names = append(names, c.Name)
		}
		w.Write(types)
		w.Write(groups)
		w.Write(defaults)
		w.Write(names)
		row := make([]string, n+1)
		for _, rec := range f.Chunks() {
			for r := 0; r < int(rec.NumRows()); r++ {
				for j := 0; j < n; j++ {
					a := rec.Column(j)
					switch {
					case a.IsNull(r):
						row[j+1] = ""
					case a.DataType().ID() == arrow.DURATION:
						row[j+1] = fmt.Sprint(int64(a.(*array.Duration).Value(r)))
					default:
						row[j+1] = frame.FormatValue(a, r)
					}
				}
				w.Write(row)
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func datatypeOf(t arrow.DataType) string {
	switch t.ID() {
	case arrow.FLOAT64:
		return "double"
	case arrow.INT64:
		return "long"
	case arrow.UINT64:
		return "unsignedLong"
	case arrow.BOOL:
		return "boolean"
	case arrow.TIMESTAMP:
		return "dateTime:RFC3339Nano"
	case arrow.DURATION:
		return "duration"
	case arrow.BINARY:
		return "base64Binary"
	default:
		return "string"
	}
}
