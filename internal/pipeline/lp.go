package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
)

// IsLineProtocol reports whether an input is read as line protocol rather
// than CSV: its name ends in .lp (or .lp.gz), as rejects files do.
func IsLineProtocol(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(n, ".lp")
}

// importLP posts the points of a line-protocol file (a rejects file, say)
// as they are. Comment lines are skipped and counted in
// FileResult.Comments: in a rejects file they are the reasons, and the CSV
// rows that never became points, which cannot be replayed as they are.
// Timestamps are read at the precision of Transform.Precision, default ns
// (rejects files are written in nanoseconds).
func importLP(ctx context.Context, client influxdb2.Client, org, bucket, name string, opts Options) (*FileResult, error) {
	src, err := frame.Open(ctx, name, opts.Stdin)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	res := &FileResult{File: name}
	res.Report.File = name
	res.Report.Rejects = map[string]int64{}
	prec := opts.Transform.Precision
	if prec == "" {
		prec = "ns"
	}
	res.Report.Precision = prec
	wo := opts.Write
	if wo.Precision, err = sink.ParsePrecision(prec); err != nil {
		return nil, err
	}
	rejects, rpath, err := openRejects(name, &opts)
	if err != nil {
		return nil, err
	}
	wo.Rejects = rejects
	w, err := sink.NewWriter(client, org, bucket, wo)
	if err != nil {
		return nil, err
	}
	if opts.Watch != nil {
		done := opts.Watch(name, -1, w.Stats)
		defer done()
	}
	batch := w.Options().BatchSize
	ch := make(chan sink.Chunk, 2*w.Options().Workers)
	perr := make(chan error, 1)
	go func() {
		defer close(ch)
		perr <- readLP(src, name, batch, ch, res)
	}()
	werr := w.Run(ctx, ch)
	rerr := <-perr
	res.Write = w.Stats()
	if cerr := rejects.Close(); cerr != nil && werr == nil {
		werr = cerr
	}
	res.Report.PointsBuilt = res.Report.RowsRead
	res.PointsRejected, res.Skipped = res.Write.Rejected, res.Write.Skipped
	if rejects.Created() {
		res.RejectsPath = rpath
	}
	if rerr != nil {
		// Lines not read were never sent: the file is still the record.
		return res, rerr
	}
	if werr != nil && !errors.Is(werr, sink.ErrRejected) {
		return res, &IncompleteError{File: name, Lost: res.Lost(), RejectsPath: res.RejectsPath, Fatal: werr}
	}
	if res.Lost() > 0 {
		return res, &IncompleteError{File: name, Lost: res.Lost(), RejectsPath: res.RejectsPath}
	}
	return res, nil
}

// readLP sends the point lines of r to out in chunks of n lines.
func readLP(r io.Reader, name string, n int, out chan<- sink.Chunk, res *FileResult) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var buf []byte
	lines := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			t := bytes.TrimSpace(line)
			switch {
			case len(t) == 0:
			case t[0] == '#':
				res.Comments++
			default:
				res.Report.RowsRead++
				buf = append(append(buf, t...), '\n')
				lines++
				if lines == n {
					out <- sink.Chunk{LP: buf, Source: name}
					buf, lines = nil, 0
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
	if lines > 0 {
		out <- sink.Chunk{LP: buf, Source: name}
	}
	return nil
}
