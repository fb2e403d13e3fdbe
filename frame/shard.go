package frame

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"strconv"
	"strings"
)

// Shard selects the K-th (1-based) of N parts of a CSV file, so that N
// processes given the same file and K = 1 to N (a Kubernetes Indexed Job,
// a Slurm array, GNU parallel) read each record exactly once between them,
// in byte ranges that every process computes alike from the file alone.
// The zero value means the whole input; any other value needs
// 1 <= K <= N.
//
// The parts. Let H be the offset just past the header record (past a BOM
// and blank lines before it, and its line end; 0 for a file without a
// header) and S the size of the file.
// The data bytes [H, S) are cut at the N-1 points
//
//	c_i = H + floor(i*(S-H)/N), i = 1 .. N-1    (c_0 = H, c_N = S)
//
// and shard K holds the records whose first byte lies in
// [c_(K-1), c_K). A record's first byte is the first byte of its first
// field, past the blank lines and comments before it. A cut inside a
// record, even inside a quoted cell that spans lines, leaves the record
// whole to the shard it starts in: in effect each cut moves forward to the
// start of the next record. So the shards follow one another in file
// order, every record is in exactly one, and a shard may be empty (a file
// with fewer records than shards, or a record longer than (S-H)/N), which
// is no error: it has zero rows.
//
// Where records start depends on the quote state at each cut, which the
// bytes around a cut cannot tell. Reading a shard therefore first scans
// the whole file from its start with the CSV tokenizer alone (no
// conversion, a few hundred MB/s), then seeks to the shard's first record
// and reads only up to the next shard's. The scan reads every record, so a
// syntax error or a record with the wrong number of fields anywhere in the
// file is the error of every shard, naming its line, as it is the error of
// the whole file.
//
// Every shard sniffs the dialect (see CSVOptions) from the first bytes of
// the file, so all decide alike. Each shard reads the header from the
// start of the file, infers its
// kinds over the header and its own rows only, and keeps the file's line
// numbers: Lines, the lines of Stats samples and of a *ParseError are those
// of the whole file. TotalRows counts the shard's rows. Since each shard
// infers alone, two shards may give a column different kinds (integers in
// one, floats in another); CSVOptions.Kinds forces them alike.
//
// The input must be a seekable file that does not change while it is
// read: an io.ReadSeeker, and when it is an *os.File, a regular file.
// Offsets count from where it is positioned when the reader is made (the
// start of the file, for Open). A .gz file, standard input and a URL are
// streams, refused with an error wrapping ErrNotSeekable; Open refuses
// shards of Arrow and Parquet inputs.
type Shard struct {
	K, N int
}

// ErrNotSeekable is the cause of the error about a Shard of an input that
// is not a seekable file.
var ErrNotSeekable = errors.New("shards need a seekable file, whose byte offsets every process computes alike")

// ParseShard parses "K/N", as String writes it; "" is the zero Shard.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("frame: invalid shard %q: want K/N, such as 2/8", s)
	}
	sh := Shard{K: k, N: n}
	return sh, sh.check()
}

// String returns "K/N", or "" for the zero Shard.
func (s Shard) String() string {
	if s == (Shard{}) {
		return ""
	}
	return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N)
}

// check refuses a Shard other than the zero value whose K is not 1 to N.
func (s Shard) check() error {
	if s == (Shard{}) || (s.N >= 1 && s.K >= 1 && s.K <= s.N) {
		return nil
	}
	if s.N < 1 {
		return fmt.Errorf("frame: invalid shard %d/%d: the number of shards N must be at least 1", s.K, s.N)
	}
	return fmt.Errorf("frame: invalid shard %d/%d: K must be 1 to %d", s.K, s.N, s.N)
}

// checkShard refuses, before it is opened, an input that Open cannot read
// in shards: a stream, or a format other than CSV.
func checkShard(name string, format Format, s Shard) error {
	if err := s.check(); err != nil || s.N == 0 {
		return err
	}
	var why string
	switch lower := strings.ToLower(name); {
	case name == "-":
		why = "standard input is a stream"
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		why = "a URL is read as a stream"
	case strings.HasSuffix(lower, ".gz"):
		why = "a .gz file is decompressed as a stream"
	case format != FormatCSV:
		return fmt.Errorf("frame: %s: shard %v: only CSV files are read in shards, not %s files", name, s, format)
	default:
		return nil
	}
	return fmt.Errorf("frame: %s: shard %v: %s: %w", name, s, why, ErrNotSeekable)
}

// shardInput returns r as the seekable file a shard is read from, where
// it stands (base) and how many bytes follow (size). It leaves r at base.
func shardInput(r io.Reader, name string, s Shard) (rs io.ReadSeeker, base, size int64, err error) {
	refuse := func(why string) error {
		return fmt.Errorf("frame: %s: shard %v: %s: %w", name, s, why, ErrNotSeekable)
	}
	if f, ok := r.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil {
			return nil, 0, 0, fmt.Errorf("frame: %s: %w", name, err)
		}
		if !fi.Mode().IsRegular() {
			return nil, 0, 0, refuse("not a regular file (" + fi.Mode().Type().String() + ")")
		}
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return nil, 0, 0, refuse("the input is a stream")
	}
	base, err = rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, 0, refuse("the input is not seekable")
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, 0, refuse("the input is not seekable")
	}
	if _, err := rs.Seek(base, io.SeekStart); err != nil {
		return nil, 0, 0, fmt.Errorf("frame: rewinding %s: %w", name, err)
	}
	return rs, base, max(end-base, 0), nil
}

// shardSpan is the part of the input that one shard reads.
type shardSpan struct {
	start, end int64 // the byte range [start, end) from the input's base
	line       int   // the number of lines before start
}

// shardSpans scans the first size bytes of in, a CSV text with a header,
// and returns the spans of its n shards, as Shard documents them: shard K
// is spans[K-1]. The start of each span is the first byte of its first
// record, or size when it has none; its end is the start of the next span,
// or size. Reading the span from its start with csvscan's StartAt(line,
// start) reads the shard's records with their lines in the file. Every
// record is read, so that an error anywhere is an error here.
func (r *CSVReader) shardSpans(in io.Reader, size int64, n int) ([]shardSpan, error) {
	c := r.newCSV(io.LimitReader(in, size))
	h := int64(0)
	if r.dial().Header {
		if _, err := c.Read(); err == io.EOF {
			return nil, &ParseError{File: r.name, Line: 1, Err: ErrNoHeader}
		} else if err != nil {
			return nil, r.wrap(err)
		}
		h = c.InputOffset()
	}
	// cut returns c_i = h + floor(i*(size-h)/n), in 128 bits: i*(size-h)
	// may exceed an int64, the quotient cannot.
	cut := func(i int) int64 {
		hi, lo := bits.Mul64(uint64(i), uint64(size-h))
		q, _ := bits.Div64(hi, lo, uint64(n))
		return h + int64(q)
	}
	// starts[i] is the first record at or after c_i, and lines[i] the
	// number of lines before it; starts[n] is size.
	starts := make([]int64, n+1)
	lines := make([]int, n+1)
	next, nextCut := 0, h // the first cut not yet placed
	for {
		if _, err := c.Read(); err == io.EOF {
			break
		} else if err != nil {
			return nil, r.wrap(err)
		}
		if next == n {
			continue // every cut placed: the rest only checks syntax
		}
		at := c.RecordOffset()
		for next < n && at >= nextCut {
			line, _ := c.FieldPos(0)
			starts[next], lines[next] = at, line-1
			next++
			nextCut = cut(next)
		}
	}
	for ; next <= n; next++ {
		starts[next] = size
	}
	spans := make([]shardSpan, n)
	for i := range spans {
		spans[i] = shardSpan{start: starts[i], end: starts[i+1], line: lines[i]}
	}
	return spans, nil
}
