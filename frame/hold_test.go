package frame

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// holdInput writes rows rows whose columns change kind partway, as the
// held chunks must notice: an integer column that turns float at row
// toFloat, one that turns to text at row toText, a column empty until row
// filled, and columns that keep their kind (floats with a -0 and 19
// digits now and then, text, bools, numbers with spaces), with the
// decimal separator dec in a file delimited by comma.
func holdInput(seed uint64, rows, toFloat, toText, filled int, comma, dec string) []byte {
	rng := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	b.WriteString(strings.Join([]string{"i", "f", "n", "e", "s", "b", "p"}, comma) + "\n")
	for r := range rows {
		i := fmt.Sprint(rng.IntN(2000) - 1000)
		if r >= toFloat {
			i = fmt.Sprintf("%d%s5", rng.IntN(100), dec)
		}
		f := strings.Replace(fmt.Sprintf("%.*f", rng.IntN(5), rng.NormFloat64()*1e3), ".", dec, 1)
		switch rng.IntN(50) {
		case 0:
			f = "-0"
		case 1:
			f = "1234567890" + dec + "123456789"
		case 2:
			f = ""
		case 3:
			f = "12"
		}
		n := fmt.Sprint(rng.IntN(9))
		if r >= toText {
			n = "n/a"
		}
		e := ""
		if r >= filled {
			e = fmt.Sprint(r)
		}
		s := []string{"x", "yy", "", "x"}[rng.IntN(4)]
		bo := []string{"true", "false", "", "T"}[rng.IntN(4)]
		p := fmt.Sprintf(" %d ", rng.IntN(100))
		b.WriteString(strings.Join([]string{i, f, n, e, s, bo, p}, comma) + "\n")
	}
	return []byte(b.String())
}

// TestHolding checks that the chunks inference converts as it reads them
// (holding) read exactly as the conversion pass reads them, whatever
// changes of kind, budget, worker count or input kind.
func TestHolding(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		opts CSVOptions
	}{
		{"steady", holdInput(1, 1000, 1<<30, 1<<30, 0, ",", "."), CSVOptions{ChunkSize: 100}},
		{"int turns float", holdInput(2, 1000, 450, 1<<30, 0, ",", "."), CSVOptions{ChunkSize: 100}},
		{"int turns text", holdInput(3, 1000, 1<<30, 777, 0, ",", "."), CSVOptions{ChunkSize: 64}},
		{"empty, then int", holdInput(4, 1000, 1<<30, 1<<30, 130, ",", "."), CSVOptions{ChunkSize: 64}},
		{"change in a chunk's first batch", holdInput(5, 2000, 512, 1<<30, 0, ",", "."), CSVOptions{ChunkSize: 512}},
		{"decimal comma", holdInput(6, 1000, 600, 1<<30, 0, ";", ","), CSVOptions{ChunkSize: 100}},
		{"chunks of one row", holdInput(7, 300, 150, 200, 0, ",", "."), CSVOptions{ChunkSize: 1}},
		{"one chunk", holdInput(8, 3000, 1<<30, 1<<30, 0, ",", "."), CSVOptions{}},
		{"no header", holdInput(9, 1000, 1<<30, 1<<30, 0, ",", ".")[len("i,f,n,e,s,b,p\n"):], CSVOptions{ChunkSize: 100, NoHeader: true}},
		{"forced int refuses a float", holdInput(10, 1000, 1<<30, 1<<30, 0, ",", "."), CSVOptions{ChunkSize: 100, Kinds: map[string]Kind{"f": KindInt}}},
		{"forced float refuses text", holdInput(11, 1000, 1<<30, 600, 0, ",", "."), CSVOptions{ChunkSize: 100, Kinds: map[string]Kind{"n": KindFloat}}},
		{"forced text", holdInput(12, 1000, 300, 1<<30, 0, ",", "."), CSVOptions{ChunkSize: 100, Kinds: map[string]Kind{"i": KindText, "f": KindText}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.HoldBytes = -1
			want := readHow(t, tc.data, opts, readMode{procs: 1})
			for _, hold := range []int64{0, 1, 20 << 10} {
				for _, m := range []readMode{{procs: 1}, {procs: 2}, {procs: 1, stream: true}, {procs: 3, stream: true}} {
					opts.HoldBytes = hold
					got := readHow(t, tc.data, opts, m)
					sameTranscript(t, fmt.Sprintf("hold %d, %+v", hold, m), want, got, tc.data)
				}
			}
		})
	}
}

// TestHoldingKeepText checks that KeepText, which changes kinds after
// inference, drops the chunks held in the kinds inferred.
func TestHoldingKeepText(t *testing.T) {
	data := holdInput(13, 500, 1<<30, 1<<30, 0, ",", ".")
	read := func(hold int64) string {
		r, err := NewCSVReader(strings.NewReader(string(data)), "k.csv", CSVOptions{ChunkSize: 64, HoldBytes: hold, Allocator: checkedMem(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		if err := r.KeepText("i", "p"); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for r.Next() {
			rec := r.Record()
			fmt.Fprintln(&b, rec.Schema())
			for i := range int(rec.NumRows()) {
				for j := range int(rec.NumCols()) {
					fmt.Fprintf(&b, "%q ", FormatValue(rec.Column(j), i))
				}
				b.WriteByte('\n')
			}
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	sameTranscript(t, "holding", read(-1), read(0), data)
}

// TestHeldChunks checks which chunks a reader holds after inference: all
// of an input that fits, none when HoldBytes is negative, the first one
// when it is 1, those after a column changed kind, and none after KeepText changes a kind, unless Kinds
// made the column text from the start.
func TestHeldChunks(t *testing.T) {
	data := holdInput(14, 1000, 1<<30, 1<<30, 0, ",", ".")
	for _, tc := range []struct {
		name     string
		opts     CSVOptions
		keepText bool
		held     int
	}{
		{"default", CSVOptions{}, false, 10},
		{"none", CSVOptions{HoldBytes: -1}, false, 0},
		{"the first", CSVOptions{HoldBytes: 1}, false, 1},
		{"KeepText", CSVOptions{}, true, 0},
		{"Kinds, then KeepText", CSVOptions{Kinds: map[string]Kind{"i": KindText}}, true, 10},
		{"int turns float in chunk 5", CSVOptions{}, false, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := data
			if tc.name == "int turns float in chunk 5" {
				in = holdInput(14, 1000, 450, 1<<30, 0, ",", ".")
				// Chunks 0 to 3 were converted as integers; chunk 4 is
				// one batch, whose kinds were taken once it was observed.
				tc.held = 6
			}
			opts := tc.opts
			opts.ChunkSize, opts.Allocator = 100, checkedMem(t)
			r, err := NewCSVReader(strings.NewReader(string(in)), "h.csv", opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if tc.keepText {
				if err := r.KeepText("i"); err != nil {
					t.Fatal(err)
				}
			}
			if len(r.held) != tc.held {
				t.Errorf("%d chunks held, want %d", len(r.held), tc.held)
			}
		})
	}
}
