package main

import (
	"context"
	"fmt"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/pipeline"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

const convertUsage = `Usage: influxframe convert [flags] FILE --out OUT

Normalise a file offline (no server) as import would, and write the
normalised rows to OUT: .arrow/.feather, .arrows, .parquet, .lp or .csv.
Rows that cannot become points go to the rejects file.

Examples:
  $ influxframe convert --tags dispatching_base_num --mixed drop trips.csv --out trips.parquet
  $ influxframe convert --measurement trips trips.csv.gz --out trips.lp
`

func runConvert(ctx context.Context, args []string, s *streams) error {
	var (
		sf        schemaFlags
		out       string
		rejects   string
		precision string
		progMode  string
	)
	c := newCommand("convert", convertUsage)
	sf.register(c.fs)
	c.fs.StringVar(&out, "out", "", "output file: .arrow/.feather, .arrows, .parquet, .lp or .csv")
	c.fs.StringVar(&precision, "precision", "", "ns|us|ms|s (default: the coarsest that loses nothing; .lp is written in ns unless given)")
	c.fs.StringVar(&rejects, "rejects", "", "rejects file (default <input>.rejected.lp; written only if something is rejected)")
	c.fs.StringVar(&progMode, "progress", "auto", "auto (a bar on a terminal, a line every 10s otherwise), always or never")
	if err := c.parse(args, s); err != nil {
		return err
	}
	if c.fs.NArg() != 1 || out == "" {
		return usagef("convert: want one input FILE and --out OUT")
	}
	if _, err := frame.FormatOf(out); err != nil {
		return usagef("convert: --out %v", err)
	}
	topts, copts, err := sf.options()
	if err != nil {
		return err
	}
	prec, err := parsePrecision(precision)
	if err != nil {
		return err
	}
	topts.Precision = prec
	// Line protocol in nanoseconds unless asked otherwise, like rejects
	// files, so that importing the file needs no --precision.
	wo := sink.Options{Rejects: rejects, Precision: prec.Or(frame.Nanosecond)}
	name := c.fs.Arg(0)
	prog, err := newProgress(progMode, s.err)
	if err != nil {
		return err
	}
	if prog != nil {
		var done func()
		wo.Progress, done = prog.track(name, "written")
		wo.ProgressInterval = prog.interval
		defer done()
	}
	r, err := importTable(ctx, s, name, openOptions(s, copts, prog, name), topts, func(in *transform.Reader) (sink.Stats, error) {
		return pipeline.Convert(ctx, in, out, wo)
	})
	printSummary(s.err, []result{r})
	if sf.report != "" && r.report != nil {
		if werr := writeReport(sf.report, []result{r}); werr != nil && err == nil {
			err = werr
		}
	}
	if r.report != nil && (err == nil || r.st.Lost() > 0) {
		fmt.Fprintf(s.err, "wrote %d rows to %s\n", r.st.Written, out)
	}
	return err
}
