package lineproto

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/influxframe/influxframe/frame"
)

// splitPoints splits text into the points the splitter finds.
func splitPoints(text string) []string {
	var s PointSplitter
	var out []string
	var cur []byte
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		cur = append(cur, line...)
		if s.Feed([]byte(line)) || !strings.HasSuffix(line, "\n") {
			out = append(out, string(cur))
			cur = nil
		}
	}
	return out
}

func TestPointSplitter(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "m f=1 1\nm f=2 2\n", []string{"m f=1 1\n", "m f=2 2\n"}},
		{"newline in a string", "m s=\"a\nb\" 1\nm f=2 2\n", []string{"m s=\"a\nb\" 1\n", "m f=2 2\n"}},
		{"CR LF in a string", "m s=\"a\r\nb\" 1\n", []string{"m s=\"a\r\nb\" 1\n"}},
		{"escaped quote", "m s=\"a\\\"\nb\" 1\n", []string{"m s=\"a\\\"\nb\" 1\n"}},
		{"escaped backslash before quote", "m s=\"a\\\\\" 1\nm f=1 2\n", []string{"m s=\"a\\\\\" 1\n", "m f=1 2\n"}},
		{"quote in a tag", "m,t=say\"hi f=1 1\nm f=2 2\n", []string{"m,t=say\"hi f=1 1\n", "m f=2 2\n"}},
		{"escaped space in a tag", "m,t=a\\ \"b f=1 1\n", []string{"m,t=a\\ \"b f=1 1\n"}},
		{"comment with a quote", "# say \"hi\n m f=1 1\n", []string{"# say \"hi\n", " m f=1 1\n"}},
		{"blank lines", "\n  \nm f=1 1\n", []string{"\n", "  \n", "m f=1 1\n"}},
		{"two strings", "m a=\"x\",b=\"y\nz\" 1\n", []string{"m a=\"x\",b=\"y\nz\" 1\n"}},
		{"no final newline", "m f=1 1", []string{"m f=1 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitPoints(tc.in); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzPointSplitter checks the splitter against what the Encoder writes:
// every line an Encoder writes is one point, whatever its string values.
func FuzzPointSplitter(f *testing.F) {
	f.Add("a\nb", `x"y`, "t")
	f.Add("\r\n", `\`, `"`)
	f.Fuzz(func(t *testing.T, s1, s2, tag string) {
		var buf bytes.Buffer
		enc := NewEncoder(Options{})
		rec := makeRecord(t, nil, "m", []col{
			{Name: "time", Role: frame.RoleTime},
			{Name: "t", Role: frame.RoleTag},
			{Name: "s1", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
			{Name: "s2", Role: frame.RoleField, Type: arrow.BinaryTypes.String},
		}, [][]any{{int64(1), tag, s1, s2}, {int64(2), tag, s2, s1}})
		defer rec.Release()
		if err := enc.Reset(rec); err != nil {
			t.Skip()
		}
		b, n := enc.AppendRows(nil, 0, 2, nil)
		buf.Write(b)
		if got := len(splitPoints(buf.String())); got != n {
			t.Fatalf("%d points found in %d lines:\n%q", got, n, buf.String())
		}
	})
}
