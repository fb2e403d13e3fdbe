package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

const queryUsage = `Usage: influxframe query [flags] FLUX|@FILE

Run a Flux query and print the result as a table, or write it with --out.
Tables with different columns are combined into one whose columns are the
union, in order of first appearance.

Examples:
  $ influxframe query --bucket taxi 'from(bucket:"taxi") |> range(start: 0) |> limit(n: 10)'
  $ influxframe query @trips.flux --pivot --out trips.parquet
  $ influxframe query @trips.flux --out - > trips.csv
`

func runQuery(ctx context.Context, args []string, s *streams) error {
	var (
		conn    connFlags
		out     string
		pivot   bool
		maxRows int
	)
	c := newCommand("query", queryUsage)
	conn.register(c.fs)
	c.fs.StringVar(&out, "out", "", "write the result to FILE (.csv, .arrow/.feather, .arrows, .parquet; '-' = CSV on stdout)")
	c.fs.BoolVar(&pivot, "pivot", false, "pivot _field/_value into one column per field, client side")
	c.fs.IntVar(&maxRows, "max-rows", 50, "rows printed when there is no --out (0 = all)")
	if err := c.parse(args, s); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		return usagef("query: want one Flux query or @FILE, got %d arguments", c.fs.NArg())
	}
	flux := c.fs.Arg(0)
	if strings.HasPrefix(flux, "@") {
		b, err := os.ReadFile(flux[1:])
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		flux = string(b)
	}
	if out != "" && out != "-" {
		if _, err := frame.FormatOf(out); err != nil {
			return usagef("query: --out: %v", err)
		}
	}
	client, settings, _, err := conn.connect(ctx, s.environ)
	if err != nil {
		return err
	}
	defer client.Close()
	frames, err := query.Frames(ctx, client, settings.Org, flux)
	if err != nil {
		return err
	}
	defer releaseAll(frames)
	if pivot {
		p, err := query.Pivot(frames)
		if err != nil {
			return err
		}
		releaseAll(frames)
		frames = p
	}
	switch out {
	case "":
		all, err := query.Combine(frames)
		if err != nil {
			return err
		}
		defer all.Release()
		return query.PrintTable(s.out, all, maxRows)
	case "-":
		return query.ExportTo(s.out, frame.FormatCSV, frames...)
	default:
		if err := query.Export(out, frames...); err != nil {
			return err
		}
		var rows int64
		for _, f := range frames {
			rows += f.NumRows()
		}
		fmt.Fprintf(s.err, "wrote %d rows to %s\n", rows, out)
		return nil
	}
}

func releaseAll(frames []*frame.Frame) {
	for _, f := range frames {
		f.Release()
	}
}
