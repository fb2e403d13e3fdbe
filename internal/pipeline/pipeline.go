package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

// IsLineProtocol reports whether an input is read as line protocol rather
// than as a table: its name ends in .lp (or .lp.gz), as rejects files do.
func IsLineProtocol(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(n, ".lp")
}

// Open opens a CSV, Arrow or Parquet input by name with frame.Open and
// returns its normalising reader; the caller releases it.
func Open(ctx context.Context, name string, fo frame.OpenOptions, opts transform.Options) (*transform.Reader, error) {
	if IsLineProtocol(name) {
		return nil, fmt.Errorf("%s: line protocol is not a table: import posts it as it is", name)
	}
	// The declared tags and string fields are text from the start, as
	// transform.NewReader would make them after inference, so that the
	// chunks the CSV reader converts while it infers stay right.
	if len(opts.Tags)+len(opts.StringFields) > 0 {
		kinds := maps.Clone(fo.CSVOptions.Kinds)
		if kinds == nil {
			kinds = make(map[string]frame.Kind)
		}
		for _, c := range append(append([]string(nil), opts.Tags...), opts.StringFields...) {
			if _, forced := kinds[c]; !forced {
				kinds[c] = frame.KindText
			}
		}
		fo.CSVOptions.Kinds = kinds
	}
	r, err := frame.Open(ctx, name, fo)
	if err != nil {
		return nil, err
	}
	return transform.NewReader(r, opts)
}

// Validate reads every row of r, as an import would, and returns the first
// max rows that would be rejected; the report has them all. progress, if
// not nil, is called after each chunk with the counts so far: Rows read,
// Written the points built, Rejected the rows that would be rejected.
func Validate(ctx context.Context, r *transform.Reader, max int, progress func(sink.Stats)) ([]frame.Reject, error) {
	var samples []frame.Reject
	st := sink.Stats{Input: r.Name(), Total: r.TotalRows()}
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return samples, err
		}
		for _, rj := range r.Rejects() {
			if len(samples) < max {
				samples = append(samples, rj)
			}
		}
		if progress != nil {
			rep := r.Report()
			st.Rows, st.Written, st.Rejected = rep.RowsRead, rep.PointsBuilt, rep.RowsRejected
			progress(st)
		}
	}
	return samples, r.Err()
}

// Convert writes the normalised records of r to the file out, in the
// format its name says, through sink.WriteFile. The file is written beside
// out under a temporary name and renamed at the end, so that a failed
// conversion leaves no half file; rows that cannot become points are in
// the rejects, and the file is kept (the error says how many).
func Convert(ctx context.Context, r *transform.Reader, out string, opts sink.Options) (sink.Stats, error) {
	format, err := frame.FormatOf(out)
	if err != nil {
		return sink.Stats{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return sink.Stats{}, fmt.Errorf("convert: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	bw := newBuffered(tmp)
	st, err := sink.WriteFile(ctx, bw, format, r, opts)
	if ferr := bw.Flush(); ferr != nil && (err == nil || isIncomplete(err)) {
		return st, fmt.Errorf("convert: %w", ferr)
	}
	if cerr := tmp.Close(); cerr != nil && (err == nil || isIncomplete(err)) {
		return st, fmt.Errorf("convert: %w", cerr)
	}
	if err != nil && !isIncomplete(err) {
		return st, err
	}
	if cerr := os.Chmod(tmp.Name(), 0o644); cerr != nil {
		return st, fmt.Errorf("convert: %w", cerr)
	}
	if rerr := os.Rename(tmp.Name(), out); rerr != nil {
		return st, fmt.Errorf("convert: %w", rerr)
	}
	return st, err
}

// newBuffered returns a 1 MiB buffered writer on w.
func newBuffered(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 1<<20) }

// isIncomplete reports whether err only says that some rows were not
// written (they are in the rejects): the output is still complete for the
// others.
func isIncomplete(err error) bool {
	var ie *sink.IncompleteError
	return errors.As(err, &ie) && ie.Cause == nil
}

// ShardPath returns the file of one shard beside path:
// "taxi.csv.rejected.lp" gives "taxi.csv.shard-2-of-4.rejected.lp".
func ShardPath(path string, shard frame.Shard) string {
	tag := fmt.Sprintf(".shard-%d-of-%d", shard.K, shard.N)
	if base, ok := strings.CutSuffix(path, ".rejected.lp"); ok {
		return base + tag + ".rejected.lp"
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + tag + ext
}

// JournalPath returns the journal of an import beside its rejects file:
// "taxi.csv.rejected.lp" gives "taxi.csv.journal".
func JournalPath(rejects string) string {
	return strings.TrimSuffix(rejects, ".rejected.lp") + ".journal"
}

// JournalKey identifies an import for its journal: the SHA-256 of the
// input file's bytes and of settings, the options that decide which points
// it makes (rendered as JSON). Only a file has a key: standard input and
// URLs cannot be read again alike, so they cannot be resumed.
func JournalKey(name string, settings any) (string, error) {
	if name == "-" || strings.Contains(name, "://") {
		return "", fmt.Errorf("%s: only a file can be resumed (its bytes are read again alike)", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	file := h.Sum(nil)
	js, err := json.Marshal(settings)
	if err != nil {
		return "", fmt.Errorf("journal key: %w", err)
	}
	opts := sha256.Sum256(js)
	return fmt.Sprintf("file=%x options=%x", file, opts), nil
}
