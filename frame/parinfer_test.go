package frame

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// readWith reads data whole with opts, with inference in one goroutine
// (parallel false) or on four workers of any input size, and returns
// everything the reader says: the schema with its Stats, the chunk starts,
// every cell and line, and the error.
func readWith(t *testing.T, data []byte, opts CSVOptions, parallel bool) string {
	t.Helper()
	if parallel {
		return readHow(t, data, opts, readMode{procs: 4, ranges: true})
	}
	return readHow(t, data, opts, readMode{procs: 1})
}

// readMode is how readHow reads.
type readMode struct {
	procs  int  // GOMAXPROCS, as the reader sees it
	ranges bool // infer in byte ranges, from any input size
	stream bool // give the reader a stream, which it spools
}

// readHow is readWith in any mode.
func readHow(t *testing.T, data []byte, opts CSVOptions, m readMode) string {
	t.Helper()
	defer func(m int64, p int) { minRangeBytes, testProcs = m, p }(minRangeBytes, testProcs)
	minRangeBytes, testProcs = 1<<62, m.procs
	if m.ranges {
		minRangeBytes = 1
		opts.HoldBytes = -1 // else an input that fits is read in one goroutine
	}
	var in io.Reader = bytes.NewReader(data)
	if m.stream {
		in = onlyReader{in}
		opts.TempDir = t.TempDir()
	}
	if opts.Allocator == nil {
		opts.Allocator = checkedMem(t) // no chunk held is leaked
	}
	var b strings.Builder
	r, err := NewCSVReader(in, "p.csv", opts)
	if err != nil {
		return "error: " + err.Error()
	}
	defer r.Release()
	fmt.Fprintf(&b, "dialect %v, %d rows, end %d\n", r.Dialect(), r.TotalRows(), r.end)
	for _, c := range r.FrameSchema().Columns {
		fmt.Fprintf(&b, "column %q %v %+v\n", c.Name, c.Kind, *c.Stats)
	}
	for _, s := range r.starts {
		fmt.Fprintf(&b, "chunk at %d after line %d\n", s.offset, s.line)
	}
	for r.Next() {
		rec := r.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Fprintf(&b, "%d:", r.Lines()[i])
			for j := 0; j < int(rec.NumCols()); j++ {
				fmt.Fprintf(&b, " %q", FormatValue(rec.Column(j), i))
			}
			b.WriteByte('\n')
		}
	}
	if err := r.Err(); err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// checkParallelInference checks that inference on several workers reads
// data exactly as inference in one goroutine does.
func checkParallelInference(t *testing.T, data []byte, opts CSVOptions) {
	t.Helper()
	seq := readWith(t, data, opts, false)
	par := readWith(t, data, opts, true)
	sameTranscript(t, "parallel inference", seq, par, data)
	// Inference in one goroutine holds what it converts (HoldBytes):
	// the same as holding nothing, with or without conversion workers.
	opts.HoldBytes = -1
	sameTranscript(t, "holding nothing", seq, readWith(t, data, opts, false), data)
	opts.HoldBytes = 1
	sameTranscript(t, "holding a chunk, workers", seq, readHow(t, data, opts, readMode{procs: 3}), data)
}

// sameTranscript fails the test when the transcripts of two readings of
// data differ, showing the first line that does.
func sameTranscript(t *testing.T, what string, seq, par string, data []byte) {
	t.Helper()
	if seq != par {
		a, b := strings.Split(seq, "\n"), strings.Split(par, "\n")
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		at := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return "(end)"
		}
		t.Fatalf("%s differs at line %d of the transcript:\none goroutine %.300s\n%-13s %.300s\ninput (%d bytes) %.300q", what, i+1, at(a), what, at(b), len(data), data)
	}
}

// parallelInput writes rows rows of CSV whose quoted cells span lines now
// and then, with blank lines, comments, CR LF and lone CR line ends, and
// an error when asked.
func parallelInput(seed uint64, rows int, header bool, lineEnd string, spoil string) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	if header {
		b.WriteString("time,host,v,note" + lineEnd)
	}
	for i := range rows {
		if rng.IntN(40) == 0 {
			b.WriteString(lineEnd) // a blank line
		}
		if rng.IntN(60) == 0 {
			b.WriteString("# a comment" + lineEnd)
		}
		note := "ok"
		switch rng.IntN(8) {
		case 0:
			note = fmt.Sprintf("\"spans\nlines,%s\r\n\"\"%d\"\"\n\"", lineEnd, i)
		case 1:
			note = "\"" + strings.Repeat("long,\n", rng.IntN(300)) + "\""
		case 2:
			note = ""
		}
		v := fmt.Sprintf("%.3f", rng.Float64()*100)
		if i%97 == 5 {
			v = fmt.Sprint(rng.IntN(1000))
		}
		fmt.Fprintf(&b, "2024-01-%02dT%02d:%02d:%02dZ,h%d,%s,%s%s", 1+i/86400%28, i/3600%24, i/60%60, i%60, rng.IntN(50), v, note, lineEnd)
		if spoil != "" && i == rows*2/3 {
			b.WriteString(spoil + lineEnd)
		}
	}
	return b.Bytes()
}

func TestParallelInference(t *testing.T) {
	defer func(m int64, p int) { maxSpeculated, maxPieceRows = m, p }(maxSpeculated, maxPieceRows)
	for _, tc := range []struct {
		name   string
		data   []byte
		opts   CSVOptions
		spec   int64 // maxSpeculated, when not 0
		pieces int   // maxPieceRows, when not 0
	}{
		{name: "LF", data: parallelInput(1, 3000, true, "\n", ""), opts: CSVOptions{Comment: '#'}},
		{name: "CR LF", data: parallelInput(2, 3000, true, "\r\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 100}},
		{name: "lone CR", data: parallelInput(3, 2000, true, "\r", ""), opts: CSVOptions{Comment: '#', ChunkSize: 7}},
		{name: "no header", data: parallelInput(4, 2000, false, "\n", ""), opts: CSVOptions{Comment: '#', NoHeader: true, ChunkSize: 64}},
		{name: "small chunks", data: parallelInput(5, 1000, true, "\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 2}},
		{name: "bare quote", data: parallelInput(6, 3000, true, "\n", "2024-01-01T00:00:00Z,h,1,x\"y"), opts: CSVOptions{Comment: '#'}},
		{name: "field count", data: parallelInput(7, 3000, true, "\n", "2024-01-01T00:00:00Z,h,1"), opts: CSVOptions{Comment: '#'}},
		{name: "quote left open", data: parallelInput(8, 3000, true, "\n", "2024-01-01T00:00:00Z,h,1,\"open"), opts: CSVOptions{Comment: '#'}},
		{name: "mixed column", data: parallelInput(9, 3000, true, "\n", "2024-01-01T00:00:00Z,h,N/A,x"), opts: CSVOptions{Comment: '#'}},
		{name: "aborted speculation", data: parallelInput(10, 2000, true, "\n", ""), opts: CSVOptions{Comment: '#'}, spec: 500},
		{name: "forced kinds", data: parallelInput(11, 2000, true, "\n", ""), opts: CSVOptions{Comment: '#', Kinds: map[string]Kind{"v": KindInt}}},
		{name: "pieces", data: parallelInput(12, 3000, true, "\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 100}, pieces: 16},
		{name: "pieces of uneven chunks", data: parallelInput(13, 3000, true, "\r\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 77}, pieces: 24},
		{name: "pieces, no header", data: parallelInput(14, 2000, false, "\n", ""), opts: CSVOptions{Comment: '#', NoHeader: true, ChunkSize: 300}, pieces: 8},
		{name: "pieces, field count", data: parallelInput(15, 3000, true, "\n", "2024-01-01T00:00:00Z,h,1"), opts: CSVOptions{Comment: '#'}, pieces: 40},
		{name: "pieces, forced text", data: parallelInput(16, 3000, true, "\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 1000,
			Kinds: map[string]Kind{"v": KindText, "time": KindText}}, pieces: 64},
		{name: "pieces, forced int", data: parallelInput(17, 3000, true, "\n", ""), opts: CSVOptions{Comment: '#', ChunkSize: 1000,
			Kinds: map[string]Kind{"v": KindInt}}, pieces: 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			maxSpeculated, maxPieceRows = 8<<20, 4096
			if tc.spec != 0 {
				maxSpeculated = tc.spec
			}
			if tc.pieces != 0 {
				maxPieceRows = tc.pieces
			}
			checkParallelInference(t, tc.data, tc.opts)
		})
	}
}

// FuzzParallelInference checks that inference on several workers, each
// starting at a line end that may lie inside a quoted cell, reads any
// input exactly as inference in one goroutine does.
func FuzzParallelInference(f *testing.F) {
	f.Add([]byte(parallelInput(1, 40, true, "\n", "")), uint8(0))
	f.Add([]byte(parallelInput(2, 40, true, "\r\n", "x,\"y")), uint8(1))
	f.Add([]byte("a,b\n\"1\n2\n3\",4\n5,6\n"), uint8(2))
	f.Add([]byte("a\n\n\n1\n\n2\n"), uint8(3))
	f.Add([]byte(parallelInput(3, 60, true, "\n", "")), uint8(64+4))
	f.Add([]byte(parallelInput(4, 60, true, "\r\n", "x,\"y")), uint8(64+16+7))
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		opts := CSVOptions{ChunkSize: 1 + int(sel%5), Comment: '#', NoSniff: sel&8 != 0}
		if sel&16 != 0 {
			opts.NoHeader = true
		}
		defer func(m int64, p int) { maxSpeculated, maxPieceRows = m, p }(maxSpeculated, maxPieceRows)
		if sel&32 != 0 {
			maxSpeculated = 16
		}
		if sel&64 != 0 {
			// Chunks of several pieces, converted by several workers.
			maxPieceRows = 8
			opts.ChunkSize = 9 + int(sel%23)
		}
		checkParallelInference(t, data, opts)
	})
}
