package frame

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzObserve checks the CSV reader's inference on bytes (colInfer, and
// the loops that observe and convert at once while chunks are held)
// against Stats.observeIn, which reads one string at a time: for a column
// of arbitrary cells, with either decimal separator, and with or without
// holding, the column's Stats are the same.
func FuzzObserve(f *testing.F) {
	for _, s := range []string{
		"2019-01-01 00:00:02\x002019-01-01 00:33:29\x002019-01-01 24:00:00\x002019-01-01 23:59:60\x002019-01-01 0a:00:00",
		"2024-01-01T00:00:00.123Z\x002024-01-01T00:00:01.456Z\x002024-01-01T00:00:0x.456Z\x002024-01-01T23:59:59.999Z",
		"1\x00-0\x002.5\x00\x00 \x00-3\x0099999999999999999999\x001e3\x00NaN",
		"1,5\x00-0,25\x00,5\x005,\x00-\x00+1",
		"B02800\x00B02512\x00B02800\x00N\x00N\x00Y\x00true\x00T",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, sel uint8) {
		cells := strings.Split(strings.NewReplacer("\r", "", "\n", "").Replace(in), "\x00")
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
		opts := CSVOptions{Comma: ';', Quote: '"', Decimal: dec, Header: true, ChunkSize: 1 + int(sel>>2)%8, Allocator: checkedMem(t)}
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
