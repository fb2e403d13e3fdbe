package frame

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// shardCases are the files TestShards reads in 1 to 5 shards.
var shardCases = []struct {
	name string
	csv  string
	opts CSVOptions
}{
	{name: "plain", csv: plainCSV(40)},
	{name: "quoted lines across cuts", csv: quotedCSV(30)},
	{name: "BOM", csv: "\ufeff" + plainCSV(12)},
	{name: "no final newline", csv: strings.TrimSuffix(plainCSV(13), "\n")},
	{name: "no final newline, quoted", csv: "a,b\n1,\"x\ny\"\n2,\"z\r\nw\""},
	{name: "fewer records than shards", csv: "a,b\n1,x\n2,y\n"},
	{name: "one record", csv: "a,b\n1,\"only\nrecord\"\n"},
	{name: "header only", csv: "a,b\n"},
	{name: "header without line end", csv: "a,b"},
	{name: "record longer than a shard", csv: "a,b\n1,x\n2,\"" + strings.Repeat("long\nline,\"\"q\"\"\r\n", 60) + "\"\n3,y\n4,z\n"},
	{name: "blank lines", csv: "\n\na,b\n\n1,x\n\n\n2,y\r\n\r\n3,z\n\n\n\n4,w\n\n"},
	{name: "comments", csv: "a,b\n#c\n1,x\n# 2,y\n3,\"#z\n#w\"\n#\n4,v\n#end", opts: CSVOptions{Comment: '#'}},
	{name: "lone CR", csv: "a,b\r1,x\r2,\"y\rz\"\r3,w\r"},
	{name: "CR LF", csv: "a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n3,\"\r\n\r\n\"\r\n"},
	{name: "semicolons", csv: "a;b\n1;\"x;\ny\"\n2;z\n3;w\n", opts: CSVOptions{Comma: ';'}},
}

// plainCSV returns a header and rows data rows of several kinds.
func plainCSV(rows int) string {
	var b strings.Builder
	b.WriteString("time,host,v,ok\n")
	for i := range rows {
		fmt.Fprintf(&b, "2024-01-01T00:%02d:00Z,h%d,%d.5,%t\n", i%60, i%3, i, i%2 == 0)
	}
	return b.String()
}

// quotedCSV returns rows records most of whose bytes are in quoted cells
// that span lines (LF and CR LF) and hold what looks like records, blank
// lines and comments: a cut there is inside a quoted cell, and the next
// line is not where a record starts.
func quotedCSV(rows int) string {
	var b strings.Builder
	b.WriteString("id,note,v\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, "%d,\"line one, %d\r\n%d,\"\"fake\"\",row\n\n#x,y,z\r\n\",%d.5\r\n", i, i, i+100, i)
	}
	return b.String()
}

// shardRead is what reading an input, or a shard of it, gave.
type shardRead struct {
	rows  [][]string // every cell's text, "" for an empty cell
	lines []int64
	total int64 // TotalRows
}

// readShard reads data with opts, every column kept as text, so that
// shards that infer different kinds still compare cell by cell.
func readShard(t testing.TB, data []byte, opts CSVOptions) (shardRead, error) {
	opts.Allocator = checkedMem(t)
	opts.ChunkSize = 3
	r, err := NewCSVReader(bytes.NewReader(data), "s.csv", opts)
	if err != nil {
		return shardRead{}, err
	}
	defer r.Release()
	if err := r.KeepText(r.FrameSchema().Names()...); err != nil {
		t.Fatal(err)
	}
	out := shardRead{total: r.TotalRows()}
	for r.Next() {
		rec := r.Record()
		for i := range int(rec.NumRows()) {
			row := make([]string, rec.NumCols())
			for j := range row {
				row[j] = rec.Column(j).(*array.String).Value(i)
			}
			out.rows = append(out.rows, row)
		}
		out.lines = append(out.lines, r.Lines()...)
	}
	return out, r.Err()
}

// spansOf returns the spans of data's n shards.
func spansOf(t testing.TB, data []byte, opts CSVOptions, n int) []shardSpan {
	if opts.Comma == 0 {
		opts.Comma = ','
	}
	r := &CSVReader{name: "s.csv", opts: opts}
	spans, err := r.shardSpans(bytes.NewReader(data), int64(len(data)), n)
	if err != nil {
		t.Fatal(err)
	}
	return spans
}

// checkShards reads data whole and in n shards: the shards' rows, one
// after another, must be the whole input's rows with the same lines, each
// shard's TotalRows its number of rows, and the spans must tile the data
// after the header.
func checkShards(t testing.TB, data []byte, opts CSVOptions, n int) {
	whole, err := readShard(t, data, opts)
	if err != nil {
		t.Fatalf("whole: %v", err)
	}
	var union shardRead
	for k := 1; k <= n; k++ {
		o := opts
		o.Shard = Shard{K: k, N: n}
		part, err := readShard(t, data, o)
		if err != nil {
			t.Fatalf("shard %d/%d: %v", k, n, err)
		}
		if part.total != int64(len(part.rows)) {
			t.Errorf("shard %d/%d: TotalRows %d, read %d rows", k, n, part.total, len(part.rows))
		}
		union.rows = append(union.rows, part.rows...)
		union.lines = append(union.lines, part.lines...)
		union.total += part.total
	}
	if !reflect.DeepEqual(union.rows, whole.rows) {
		t.Errorf("%d shards: rows\n%q\nwant\n%q", n, union.rows, whole.rows)
	}
	if !reflect.DeepEqual(union.lines, whole.lines) {
		t.Errorf("%d shards: lines %v, want %v", n, union.lines, whole.lines)
	}
	if union.total != whole.total {
		t.Errorf("%d shards: TotalRows add up to %d, want %d", n, union.total, whole.total)
	}
	spans := spansOf(t, data, opts, n)
	for i, sp := range spans {
		if sp.start > sp.end || (i > 0 && sp.start != spans[i-1].end) {
			t.Errorf("%d shards: spans %+v do not follow one another", n, spans)
		}
	}
	if last := spans[n-1].end; last != int64(len(data)) {
		t.Errorf("%d shards: the last span ends at %d, want %d", n, last, len(data))
	}
}

func TestShards(t *testing.T) {
	for _, tc := range shardCases {
		for n := 1; n <= 5; n++ {
			t.Run(fmt.Sprintf("%s/%d", tc.name, n), func(t *testing.T) {
				checkShards(t, []byte(tc.csv), tc.opts, n)
			})
		}
	}
}

// TestShardCutsInQuotes checks that quotedCSV tests what it is for: some
// cut falls inside a quoted cell that spans lines, so that the first line
// after the cut is not where the shard starts.
func TestShardCutsInQuotes(t *testing.T) {
	data := []byte(quotedCSV(30))
	h := int64(bytes.IndexByte(data, '\n') + 1)
	inQuotes := 0
	for n := 2; n <= 5; n++ {
		spans := spansOf(t, data, CSVOptions{}, n)
		for i := 1; i < n; i++ {
			cut := h + int64(i)*(int64(len(data))-h)/int64(n)
			naive := cut
			if data[cut-1] != '\n' {
				naive = cut + int64(bytes.IndexByte(data[cut:], '\n')) + 1
			}
			if naive != spans[i].start {
				inQuotes++
			}
		}
	}
	if inQuotes < 5 {
		t.Errorf("only %d of 10 cuts fall inside quoted cells", inQuotes)
	}
}

// TestShardSpans checks the spans of a small file by hand: the cuts of
// "a\n" + 4 records of 3 bytes in 2 shards fall at 2 (the header's end),
// 8 and 14, and a cut inside a record moves to the next.
func TestShardSpans(t *testing.T) {
	tests := []struct {
		csv  string
		n    int
		want []shardSpan
	}{
		{"a\n11\n22\n33\n44\n", 2, []shardSpan{{2, 8, 1}, {8, 14, 3}}},
		// The cut at 7 is inside the quoted cell: it moves to 10.
		{"a\n1\n\"2\n2\"\n3\n", 2, []shardSpan{{2, 10, 1}, {10, 12, 4}}},
		{"a\n1\n\"2\n2\"\n3\n", 3, []shardSpan{{2, 10, 1}, {10, 10, 4}, {10, 12, 4}}},
		{"\ufeffa\r\n1\r\n2\r\n", 2, []shardSpan{{6, 9, 1}, {9, 12, 2}}},
		// Cuts at 2 and 3: the first shard is empty.
		{"a\n1\n", 3, []shardSpan{{2, 2, 1}, {2, 4, 1}, {4, 4, 0}}},
		{"a\n\"1\n\n\n\n\n\n\"\n2\n", 3, []shardSpan{{2, 12, 1}, {12, 12, 8}, {12, 14, 8}}},
		{"a", 2, []shardSpan{{1, 1, 0}, {1, 1, 0}}},
	}
	for _, tt := range tests {
		if got := spansOf(t, []byte(tt.csv), CSVOptions{}, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("spans of %q in %d = %v, want %v", tt.csv, tt.n, got, tt.want)
		}
	}
}

// TestShardLines checks that a shard's rows, its inference samples and
// its errors name lines of the whole file.
func TestShardLines(t *testing.T) {
	// Lines 1 to 8; the one cut, at 23, is in "3,30", the record of
	// line 5: shard 2 starts at line 6.
	data := "id,v\n1,10\n\"2\n2\",20\n3,30\n4,oops\n5,50\n6,60\n"
	opts := CSVOptions{Shard: Shard{K: 2, N: 2}}
	r, err := NewCSVReader(strings.NewReader(data), "l.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	st := r.FrameSchema().Columns[1].Stats
	if got := st.First[CellText]; got != (Sample{Line: 6, Value: "oops"}) {
		t.Errorf("first text cell %+v, want line 6", got)
	}
	if got := st.First[CellInt]; got != (Sample{Line: 7, Value: "50"}) {
		t.Errorf("first int cell %+v, want line 7", got)
	}
	if r.Next(); !reflect.DeepEqual(r.Lines(), []int64{6, 7, 8}) {
		t.Errorf("lines %v, want [6 7 8]", r.Lines())
	}

	// A forced kind fails in the shard that holds the bad cell, at its
	// line; the other shard reads.
	opts.Kinds = map[string]Kind{"v": KindInt}
	for k, wantLine := range []int64{0, 6} {
		opts.Shard.K = k + 1
		r, err := NewCSVReader(strings.NewReader(data), "l.csv", opts)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
		}
		err = r.Err()
		r.Release()
		var pe *ParseError
		if wantLine == 0 && err != nil || wantLine > 0 && (!errors.As(err, &pe) || pe.Line != wantLine || !errors.Is(err, ErrBadValue)) {
			t.Errorf("shard %v: err %v, want a bad value at line %d (0: none)", opts.Shard, err, wantLine)
		}
	}
}

// TestShardErrors checks that an error anywhere in the file is every
// shard's error, at its line, and that inputs and shards that cannot be
// read are refused.
func TestShardErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		csv   string
		cause error
		line  int64
	}{
		{"empty file", "", ErrNoHeader, 1},
		{"field count in the last shard", plainCSV(20) + "x,y\n" + plainCSV(3)[15:], ErrFieldCount, 22},
		{"bare quote in the first shard", "a,b\n1,x\"\n" + strings.Repeat("2,y\n", 20), csv.ErrBareQuote, 2},
		{"quote left open", "a,b\n" + strings.Repeat("2,y\n", 20) + "3,\"z\n", csv.ErrQuote, 23},
	} {
		for k := 1; k <= 3; k++ {
			_, err := readShard(t, []byte(tc.csv), CSVOptions{Shard: Shard{K: k, N: 3}})
			var pe *ParseError
			if !errors.Is(err, tc.cause) || !errors.As(err, &pe) || pe.Line != tc.line {
				t.Errorf("%s, shard %d/3: err %v, want %v at line %d", tc.name, k, err, tc.cause, tc.line)
			}
		}
	}

	for _, s := range []Shard{{0, 3}, {4, 3}, {-1, 3}, {1, 0}, {0, -1}, {1, -2}} {
		if _, err := NewCSVReader(strings.NewReader("a\n1\n"), "s.csv", CSVOptions{Shard: s}); err == nil {
			t.Errorf("shard %d/%d: no error", s.K, s.N)
		}
		if _, err := Open(context.Background(), "nonexistent.csv", OpenOptions{CSVOptions: CSVOptions{Shard: s}}); err == nil || !strings.Contains(err.Error(), "invalid shard") {
			t.Errorf("Open, shard %d/%d: err %v, want an invalid shard", s.K, s.N, err)
		}
	}

	// Streams are refused, by NewCSVReader and by Open before it opens
	// them.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	sh := CSVOptions{Shard: Shard{K: 1, N: 2}}
	for _, in := range []io.Reader{onlyReader{strings.NewReader("a\n1\n")}, pr} {
		if _, err := NewCSVReader(in, "s.csv", sh); !errors.Is(err, ErrNotSeekable) {
			t.Errorf("NewCSVReader(%T): err %v, want ErrNotSeekable", in, err)
		}
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("a\n1\n"))
	zw.Close()
	gzName := filepath.Join(dir, "s.csv.gz")
	if err := os.WriteFile(gzName, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, inMessage string
		notSeekable     bool
	}{
		{gzName, ".gz file is decompressed as a stream", true},
		{"-", "standard input is a stream", true},
		{"https://example.invalid/s.csv?x=1", "URL is read as a stream", true},
		{filepath.Join(dir, "s.parquet"), "only CSV files are read in shards, not parquet files", false},
		{filepath.Join(dir, "s.arrow"), "only CSV files are read in shards, not arrow files", false},
	} {
		_, err := Open(context.Background(), tc.name, OpenOptions{CSVOptions: sh, Stdin: strings.NewReader("a\n1\n")})
		if err == nil || !strings.Contains(err.Error(), tc.inMessage) || errors.Is(err, ErrNotSeekable) != tc.notSeekable {
			t.Errorf("Open(%s): err %v, want %q", tc.name, err, tc.inMessage)
		}
	}
}

// TestShardOpen reads a file in shards through Open, which passes the
// shard on to the CSV reader.
func TestShardOpen(t *testing.T) {
	data := quotedCSV(25)
	name := filepath.Join(t.TempDir(), "q.csv")
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var lines []int64
	var total int64
	for k := 1; k <= 4; k++ {
		r, err := Open(context.Background(), name, OpenOptions{CSVOptions: CSVOptions{Shard: Shard{K: k, N: 4}, ChunkSize: 4}})
		if err != nil {
			t.Fatal(err)
		}
		total += r.(RowCounter).TotalRows()
		for r.Next() {
			lines = append(lines, r.Lines()...)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	if total != 25 || len(lines) != 25 {
		t.Fatalf("4 shards hold %d rows (TotalRows %d), want 25", len(lines), total)
	}
	for i, l := range lines {
		if want := int64(2 + 5*i); l != want {
			t.Errorf("row %d at line %d, want %d", i, l, want)
		}
	}
}

// TestShardFromOffset checks that offsets count from where the input
// stands: what comes before it is not part of the file.
func TestShardFromOffset(t *testing.T) {
	data := plainCSV(10)
	whole, err := readShard(t, []byte(data), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := strings.NewReader("junk\n\"" + data)
	in.Seek(6, io.SeekStart)
	var lines []int64
	for k := 1; k <= 3; k++ {
		r, err := NewCSVReader(in, "o.csv", CSVOptions{Shard: Shard{K: k, N: 3}})
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			lines = append(lines, r.Lines()...)
		}
		r.Release()
		in.Seek(6, io.SeekStart)
	}
	if !reflect.DeepEqual(lines, whole.lines) {
		t.Errorf("lines %v, want %v", lines, whole.lines)
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"", Shard{}, true},
		{"1/1", Shard{1, 1}, true},
		{"3/8", Shard{3, 8}, true},
		{"0/8", Shard{}, false},
		{"9/8", Shard{}, false},
		{"1/0", Shard{}, false},
		{"1", Shard{}, false},
		{"a/b", Shard{}, false},
		{"1/2/3", Shard{}, false},
	} {
		got, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("Shard%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
}

// FuzzShards writes random records with encoding/csv (data split into
// records at \x1e and fields at \x1f, padded or cut to the header's
// columns) and reads them in 1 to 8 shards: the shards' rows, in order,
// must be the whole file's, with the same lines. With the raw flag data is
// the file as it is: then whole and shards must also fail alike.
//
// flags: bit 0 UseCRLF, bit 1 a BOM, bit 2 no final line end, bit 3 raw.
func FuzzShards(f *testing.F) {
	f.Add("1\x1fx\x1e2\x1fy\nz\x1e3\x1f\"q\"", uint8(2), uint8(3), uint8(0))
	f.Add("a\r\nb\x1fc\x1e\r\x1f\n\x1ed\x1fe", uint8(2), uint8(2), uint8(1))
	f.Add("\x1e\x1e1\x1e\x1e2", uint8(1), uint8(5), uint8(6))
	f.Add(quotedCSV(4)[10:], uint8(3), uint8(4), uint8(0))
	f.Add("h\n1\n\"2\n\"\n3", uint8(1), uint8(3), uint8(8))
	f.Add("a,b\n1,\"x\r\"\r2,\"\"\"\n", uint8(1), uint8(2), uint8(8))
	f.Fuzz(func(t *testing.T, data string, cols, n, flags uint8) {
		ncols := 1 + int(cols)%4
		nshards := 1 + int(n)%8
		var file []byte
		if flags&8 != 0 {
			file = []byte(data)
		} else {
			var buf bytes.Buffer
			if flags&2 != 0 {
				buf.WriteString("\ufeff")
			}
			w := csv.NewWriter(&buf)
			w.UseCRLF = flags&1 != 0
			header := make([]string, ncols)
			for i := range header {
				header[i] = fmt.Sprint("c", i)
			}
			w.Write(header)
			for _, rec := range strings.Split(data, "\x1e") {
				fields := strings.Split(rec, "\x1f")
				fields = append(fields, make([]string, ncols)...)[:ncols]
				w.Write(fields)
			}
			w.Flush()
			file = buf.Bytes()
			if flags&4 != 0 {
				file = bytes.TrimSuffix(file, []byte("\n"))
			}
		}
		whole, werr := readShard(t, file, CSVOptions{})
		var union shardRead
		for k := 1; k <= nshards; k++ {
			part, err := readShard(t, file, CSVOptions{Shard: Shard{K: k, N: nshards}})
			if (err == nil) != (werr == nil) {
				t.Fatalf("shard %d/%d: err %v; whole file: err %v", k, nshards, err, werr)
			}
			union.rows = append(union.rows, part.rows...)
			union.lines = append(union.lines, part.lines...)
		}
		if werr != nil {
			return
		}
		if !reflect.DeepEqual(union.rows, whole.rows) {
			t.Fatalf("%d shards of %q: rows\n%q\nwant\n%q", nshards, file, union.rows, whole.rows)
		}
		if !reflect.DeepEqual(union.lines, whole.lines) {
			t.Fatalf("%d shards of %q: lines %v, want %v", nshards, file, union.lines, whole.lines)
		}
	})
}

// shardBenchCSV returns about size bytes of CSV: timestamps, tags,
// numbers, and every tenth record a quoted note that spans lines.
func shardBenchCSV(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("time,host,region,usage,note\n")
	for i := 0; b.Len() < size; i++ {
		note := "ok"
		if i%10 == 0 {
			note = fmt.Sprintf("\"restarted, %d\nafter \"\"%d\"\"\r\nchecks\"", rng.IntN(1000), rng.IntN(100))
		}
		fmt.Fprintf(&b, "2024-01-%02dT%02d:%02d:%02dZ,host-%d,eu-%d,%.3f,%s\n",
			1+i/86400%28, i/3600%24, i/60%60, i%60, rng.IntN(500), rng.IntN(4), rng.Float64()*100, note)
	}
	return b.Bytes()
}

// BenchmarkShardScan measures the boundary scan that every shard's reader
// makes over the whole file before reading its own part.
func BenchmarkShardScan(b *testing.B) {
	data := shardBenchCSV(20 << 20)
	r := &CSVReader{name: "bench.csv", opts: CSVOptions{Comma: ','}}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := r.shardSpans(bytes.NewReader(data), int64(len(data)), 8); err != nil {
			b.Fatal(err)
		}
	}
}
