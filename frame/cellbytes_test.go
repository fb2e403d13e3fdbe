package frame

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzObserve checks the CSV reader's inference on bytes (colInfer, and
// the loops that observe and convert at once while chunks are held)
// against Stats.observeIn, which reads one string at a time: for a column
// of arbitrary cells, with either decimal separator, and with or without
// holding, the column's Stats are the same. The held chunks' loops read
// the batches after a chunk's first: with sel&4, the cells follow a
// batch of copies of the first one, which sets the kind they are
// converted in, in one chunk.
func FuzzObserve(f *testing.F) {
	for _, s := range []string{
		"2019-01-01 00:00:02\x002019-01-01 00:33:29\x002019-01-01 24:00:00\x002019-01-01 23:59:60\x002019-01-01 0a:00:00",
		"2024-01-01T00:00:00.123Z\x002024-01-01T00:00:01.456Z\x002024-01-01T00:00:0x.456Z\x002024-01-01T23:59:59.999Z",
		"1\x00-0\x002.5\x00\x00 \x00-3\x0099999999999999999999\x001e3\x00NaN",
		"1,5\x00-0,25\x00,5\x005,\x00-\x00+1",
		"B02800\x00B02512\x00B02800\x00N\x00N\x00Y\x00true\x00T",
		"7\x00-0\x00+12\x001234567890123456789\x00123456789012345678\x00-9223372036854775808\x001.5\x00x",
		"0.5\x00-0.25\x0012345678901234567.5\x009007199254740993.0\x001e5\x00.\x005.\x00.5\x00NaN",
		"N\x00N\x00Y\x001\x00N\x00\x002019-01-01 00:00:02\x00ab\x00abcdefgh",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
		f.Add(s, uint8(4))
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, in string, sel uint8) {
		cells := strings.Split(strings.NewReplacer("\r", "", "\n", "").Replace(in), "\x00")
		chunk := 1 + int(sel>>3)%8
		if sel&4 != 0 {
			cells = append(slices.Repeat(cells[:1], batchRows), cells...)
			chunk = len(cells)
		}
		dec := '.'
		if sel&1 != 0 {
			dec = ','
		}
		var want Stats
		for i, c := range cells {
			want.observeIn(c, int64(i+2), dec == ',')
		}
		var csv strings.Builder
		csv.WriteString("v\n")
		for _, c := range cells {
			csv.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + "\"\n")
		}
		opts := CSVOptions{Comma: ';', Quote: '"', Decimal: dec, Header: true, ChunkSize: chunk, Allocator: checkedMem(t)}
		if sel&2 != 0 {
			opts.HoldBytes = -1
		}
		r, err := NewCSVReader(strings.NewReader(csv.String()), "o.csv", opts)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		got := *r.FrameSchema().Columns[0].Stats
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("cells %q:\ngot  %+v\nwant %+v", cells, got, want)
		}
		for r.Next() {
		}
		if err := r.Err(); err != nil && !strings.Contains(err.Error(), "o.csv") {
			t.Fatal(err)
		}
	})
}

// TestKnownText checks the text cells a column remembers: a cell is known
// only when it is one remembered (the slots may forget), whatever its
// length, NUL bytes included.
func TestKnownText(t *testing.T) {
	cells := []string{"1\x00", "1", "\x00", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh",
		"a\x00\x00\x00\x00\x00\x00", "B02512", "B02800", "N", "Y", strings.Repeat("x", 32), strings.Repeat("x", 33)}
	for i, text := range cells {
		var ci colInfer
		ci.knowText([]byte(text))
		if got, want := ci.knownText([]byte(text)), len(text) <= 32; got != want {
			t.Errorf("%q remembered alone: known %v, want %v", text, got, want)
		}
		for j, other := range cells {
			if j != i && ci.knownText([]byte(other)) {
				t.Errorf("%q known after remembering only %q", other, text)
			}
		}
	}
	// Remembering them all, the cells known are among them.
	var ci colInfer
	for _, text := range cells[2:] {
		ci.knowText([]byte(text))
	}
	for _, c := range cells[:2] {
		if ci.knownText([]byte(c)) {
			t.Errorf("%q known, never remembered", c)
		}
	}
}
