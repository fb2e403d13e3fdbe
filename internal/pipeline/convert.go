package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
)

// FormatLP is the line-protocol output format of Convert.
const FormatLP = "lp"

// ConvertFormat returns the output format an output file name asks for:
// csv, arrow, arrows, parquet or lp.
func ConvertFormat(out string) (string, error) {
	if strings.EqualFold(filepath.Ext(out), ".lp") {
		return FormatLP, nil
	}
	if f := frame.FormatOfPath(out); f != "" {
		return f, nil
	}
	return "", fmt.Errorf("%s: unknown output format (want .csv, .arrow/.feather, .arrows, .parquet or .lp)", out)
}

// Convert normalises one input offline and writes the normalised rows to
// out, in the format its extension names. Line protocol is written in
// nanoseconds unless Transform.Precision says otherwise. Rows that cannot become points
// go to the rejects file, as in Import. The output is written to a
// temporary file beside out and renamed at the end, so that a failed
// conversion leaves no half file.
func Convert(ctx context.Context, name, out string, opts Options) (*FileResult, error) {
	format, err := ConvertFormat(out)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, name, &opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	res := &FileResult{File: name}
	rejects, rpath, err := openRejects(name, &opts)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	bw := bufio.NewWriterSize(tmp, 1<<20)
	err = convert(ctx, s, name, format, bw, rejects, res)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if cerr := rejects.Close(); err == nil {
		err = cerr
	}
	res.Report = s.norm.Report()
	res.RowsRejected = res.Report.RowsRejected
	res.Skipped = res.Write.Skipped
	if rejects.Created() {
		res.RejectsPath = rpath
	}
	if err != nil {
		return res, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return res, fmt.Errorf("convert: %w", err)
	}
	if res.Lost() > 0 {
		return res, &IncompleteError{File: name, Lost: res.Lost(), RejectsPath: res.RejectsPath}
	}
	return res, nil
}

func convert(ctx context.Context, s *source, name, format string, w io.Writer, rejects *sink.Rejects, res *FileResult) error {
	var (
		rw  frame.RecordWriter
		enc *sink.Encoder
		buf []byte
		err error
	)
	if format == FormatLP {
		// Nanoseconds unless asked otherwise, like rejects files, so that
		// importing the file needs no --precision.
		prec := s.prec
		if prec == "" {
			prec = "ns"
		}
		p, err := sink.ParsePrecision(prec)
		if err != nil {
			return err
		}
		if enc, err = sink.NewEncoder(sink.EncodeOptions{Precision: p}); err != nil {
			return err
		}
	} else if rw, err = frame.NewRecordWriter(w, format, s.norm.Schema().Arrow()); err != nil {
		return err
	}
	ch := make(chan sink.Chunk, 2)
	perr := make(chan error, 1)
	go func() { perr <- produce(s, name, ch, rejects, res) }()
	var werr error
	for c := range ch {
		if werr == nil {
			werr = ctx.Err()
		}
		if werr == nil {
			if enc != nil {
				werr = encodeAll(enc, c, &buf, w, rejects, &res.Write)
			} else if werr = rw.Write(c.Record); werr == nil {
				res.Write.Rows += c.Record.NumRows()
				res.Write.Written += c.Record.NumRows()
			}
		}
		c.Record.Release()
	}
	if err := <-perr; err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	if rw != nil {
		return rw.Close()
	}
	return nil
}
