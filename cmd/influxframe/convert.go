package main

import (
	"context"
	"fmt"

	"github.com/influxframe/influxframe/internal/pipeline"
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
	)
	c := newCommand("convert", convertUsage)
	sf.register(c.fs)
	c.fs.StringVar(&out, "out", "", "output file: .arrow/.feather, .arrows, .parquet, .lp or .csv")
	c.fs.StringVar(&precision, "precision", "", "ns|us|ms|s for .lp (default: the coarsest that loses nothing)")
	c.fs.StringVar(&rejects, "rejects", "", "rejects file (default <input>.rejected.lp; written only if something is rejected)")
	if err := c.parse(args, s); err != nil {
		return err
	}
	if c.fs.NArg() != 1 || out == "" {
		return usagef("convert: want one input FILE and --out OUT")
	}
	if _, err := pipeline.ConvertFormat(out); err != nil {
		return usagef("convert: --out %v", err)
	}
	topts, err := sf.options()
	if err != nil {
		return err
	}
	topts.Precision = precision
	res, err := pipeline.Convert(ctx, c.fs.Arg(0), out, pipeline.Options{
		Stdin: s.in, Transform: topts, RejectsPath: rejects,
		OnSchema: func(rep transform.Report) { rep.WriteColumns(s.err) },
	})
	if res != nil {
		printSummary(s.err, []pipeline.FileResult{*res})
		if sf.report != "" {
			if werr := writeReport(sf.report, []pipeline.FileResult{*res}); werr != nil && err == nil {
				err = werr
			}
		}
		if err == nil || res.Lost() > 0 {
			fmt.Fprintf(s.err, "wrote %d rows to %s\n", res.Write.Written, out)
		}
	}
	return err
}
