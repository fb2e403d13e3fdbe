package frame

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// FuzzChunkConversion checks the CSV reader's conversion of cells into
// buffers (chunkBuilder) against the string converters (converterOf,
// floatConverter), which the DataFrame reader uses: for every column kind
// and both decimal separators, a column of arbitrary cells forced to that
// kind reads as the same values and nulls, or fails at the first cell the
// converter refuses, with its line. The cells are read in chunks of 3
// rows, and after a batch of empty cells in one chunk, which the loops
// that observe and convert held chunks read (observeFloats and the rest).
func FuzzChunkConversion(f *testing.F) {
	for _, s := range []string{
		"1\x002.5\x00\x00 \x00-3",
		"true\x00FALSE\x00 t \x00",
		"1,5\x00-0,25\x001e3\x00NaN\x00inf",
		"00501\x00a\"b\x00x\r\ny\x00 ",
		"9223372036854775807\x00-9223372036854775808\x0099999999999999999999",
		"1\x000.5\x001844674407370955162.1\x0018446744073709551621\x00.5\x005.\x00184467440737095516.21", // one more digit overflows a uint64
		"1\x000,5\x001844674407370955162,1\x00,5\x005,\x00184467440737095516,21",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cells := strings.Split(in, "\x00")
		for _, k := range []Kind{KindBool, KindInt, KindFloat, KindText} {
			for _, dec := range []rune{'.', ','} {
				checkConversion(t, cells, k, dec, 0)
				checkConversion(t, cells, k, dec, batchRows)
			}
		}
	})
}

// checkConversion checks the cells, after pad empty cells, forced to
// kind k; with pad, in one chunk.
func checkConversion(t *testing.T, cells []string, k Kind, dec rune, pad int) {
	t.Helper()
	cells = append(make([]string, pad), cells...)
	chunk := 3
	if pad > 0 {
		chunk = len(cells)
	}
	var csv strings.Builder
	csv.WriteString("v\n")
	for _, c := range cells {
		csv.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + "\"\n")
	}
	// The reference: the string converter, cell by cell.
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ref := array.NewBuilder(mem, arrowTypeOf(k))
	defer ref.Release()
	conv := converterOf(k)
	if k == KindFloat {
		conv = floatConverter(dec == ',')
	}
	bad := -1
	for i, c := range cells {
		if err := conv(ref, c); err != nil {
			bad = i
			break
		}
	}
	want := ref.NewArray()
	defer want.Release()

	r, err := NewCSVReader(strings.NewReader(csv.String()), "c.csv", CSVOptions{
		Comma: ';', Quote: '"', Decimal: dec, Header: true, ChunkSize: chunk,
		Kinds: map[string]Kind{"v": k}, Allocator: mem,
	})
	if err != nil {
		t.Fatalf("%s %c: %v", k, dec, err)
	}
	defer r.Release()
	row := 0
	for r.Next() {
		got := r.Record().Column(0)
		for i := range got.Len() {
			if !sameValue(got, i, want, row+i) {
				t.Fatalf("%s %c: cell %q: got %v, want %v", k, dec, cells[row+i], got.ValueStr(i), want.ValueStr(row+i))
			}
		}
		row += got.Len()
	}
	err = r.Err()
	if bad < 0 {
		if err != nil {
			t.Fatalf("%s %c: %v", k, dec, err)
		}
		if row != len(cells) {
			t.Fatalf("%s %c: %d rows of %d", k, dec, row, len(cells))
		}
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrBadValue) || pe.Value != cells[bad] {
		t.Fatalf("%s %c: cell %d %q refused by the converter; reader: %v", k, dec, bad, cells[bad], err)
	}
}

// sameValue reports whether a[i] and b[j], arrays of one type, hold the
// same value (NaN equal to NaN, -0 not equal to 0) or are both null.
func sameValue(a arrow.Array, i int, b arrow.Array, j int) bool {
	if a.IsNull(i) || b.IsNull(j) {
		return a.IsNull(i) && b.IsNull(j)
	}
	switch a := a.(type) {
	case *array.Float64:
		return math.Float64bits(a.Value(i)) == math.Float64bits(b.(*array.Float64).Value(j)) ||
			math.IsNaN(a.Value(i)) && math.IsNaN(b.(*array.Float64).Value(j))
	case *array.Int64:
		return a.Value(i) == b.(*array.Int64).Value(j)
	case *array.Boolean:
		return a.Value(i) == b.(*array.Boolean).Value(j)
	case *array.String:
		return a.Value(i) == b.(*array.String).Value(j)
	}
	return false
}
