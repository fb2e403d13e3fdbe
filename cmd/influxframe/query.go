package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxframe/influxframe/internal/influx"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/query"
)

const queryUsage = `Usage: influxframe query [flags] QUERY|@FILE|-

Run a Flux query, or an InfluxQL one with --influxql (from the argument, a
file after @, or standard input for '-'), and print the result as a table,
write it with --out, or draw it with --plot. InfluxQL goes to /query (1.x,
and 2.x for v1 compatibility, where a DBRP mapping must map the database to
a bucket: --create-bucket makes it) and comes back as one table per series,
tags as columns, types from the server's field keys. Tables with
different columns are combined into one whose columns are the union, in
order of first appearance; --split writes one file per column set instead.

Examples:
  $ influxframe query --bucket taxi 'from(bucket:"taxi") |> range(start: 0) |> limit(n: 10)'
  $ influxframe query @trips.flux --pivot --index _time --out trips.parquet
  $ influxframe query @trips.flux --out - > trips.csv
  $ influxframe query --split --out trips.csv - < trips.flux
  $ influxframe query @cpu.flux --plot cpu.png
  $ influxframe query --influxql --db telegraf 'SELECT mean(usage_user) FROM cpu WHERE time > now() - 1h GROUP BY time(1m), host' --plot cpu.svg
`

type queryOptions struct {
	conn     connFlags
	influxql bool
	db       string
	create   bool
	out      string
	plot     string
	pivot    bool
	index    string
	split    bool
	maxRows  int
}

func runQuery(ctx context.Context, args []string, s *streams) error {
	var o queryOptions
	c := newCommand("query", queryUsage)
	o.conn.register(c.fs)
	c.fs.BoolVar(&o.influxql, "influxql", false, "the query is InfluxQL, sent to /query")
	c.fs.StringVar(&o.db, "db", "", "with --influxql: the database, db or db/rp (default: --bucket)")
	c.fs.BoolVar(&o.create, "create-bucket", false, "with --influxql: create the database (1.x), or the bucket and its DBRP mapping (2.x), if missing")
	c.fs.StringVar(&o.out, "out", "", "write the result to FILE (.csv, .arrow/.feather, .arrows, .parquet, .lp; '-' = CSV on stdout)")
	c.fs.StringVar(&o.plot, "plot", "", "draw every numeric column against time, one line per series, to FILE (.png or .svg)")
	c.fs.BoolVar(&o.pivot, "pivot", false, "pivot _field/_value into one column per field, client side")
	c.fs.StringVar(&o.index, "index", "", "key the table by this column: first, and its rows in ascending order")
	c.fs.BoolVar(&o.split, "split", false, "with --out, one file per column set (out.1.csv, out.2.csv, ...) instead of their union")
	c.fs.IntVar(&o.maxRows, "max-rows", 50, "rows printed when there is no --out (0 = all)")
	if err := c.parse(args, s); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		return usagef("query: want one query, @FILE or '-', got %d arguments", c.fs.NArg())
	}
	text, err := queryText(c.fs.Arg(0), s.in)
	if err != nil {
		return err
	}
	if o.out != "" && o.out != "-" {
		if _, err := frame.FormatOf(o.out); err != nil {
			return usagef("query: --out: %v", err)
		}
	}
	if o.plot != "" && !strings.HasSuffix(strings.ToLower(o.plot), ".png") && !strings.HasSuffix(strings.ToLower(o.plot), ".svg") {
		return usagef("query: --plot %s: want a .png or .svg file", o.plot)
	}
	if o.split && (o.out == "" || o.out == "-") {
		return usagef("query: --split writes files: give --out FILE")
	}
	if (o.db != "" || o.create) && !o.influxql {
		return usagef("query: --db and --create-bucket go with --influxql")
	}
	client, settings, srv, err := o.conn.connect(ctx, s.environ)
	if err != nil {
		return err
	}
	defer client.Close()
	var frames []*frame.Frame
	if o.influxql {
		db := o.db
		if db == "" {
			db = settings.Bucket
		}
		if o.create {
			if err := ensureInfluxQL(ctx, s, client, srv, settings.Org, db); err != nil {
				return err
			}
		}
		frames, err = query.InfluxQL(ctx, client, db, text)
	} else {
		frames, err = query.Frames(ctx, client, settings.Org, text)
	}
	if err != nil {
		return err
	}
	defer func() { releaseAll(frames) }()
	if o.pivot {
		p, err := query.Pivot(frames)
		if err != nil {
			return err
		}
		releaseAll(frames)
		frames = p
	}
	if o.plot != "" {
		if err := writePlot(s, o.plot, text, frames); err != nil {
			return err
		}
		if o.out == "" {
			return nil
		}
	}
	if o.split {
		return writeSplit(s, o, frames)
	}
	all, err := query.Combine(frames)
	if err != nil {
		return err
	}
	defer func() { all.Release() }()
	if o.index != "" {
		indexed, err := query.Index(all, o.index)
		if err != nil {
			return err
		}
		all.Release()
		all = indexed
	}
	switch o.out {
	case "":
		return query.PrintTable(s.out, all, o.maxRows)
	case "-":
		return frame.WriteFile(s.out, frame.FormatCSV, all)
	}
	if format, _ := frame.FormatOf(o.out); format == frame.FormatLineProtocol {
		// Line protocol from the frames themselves: each keeps its own
		// field types, which their union would turn into strings (and
		// points have no order for --index to keep).
		if err := query.Export(o.out, frames...); err != nil {
			return err
		}
	} else if err := query.Export(o.out, all); err != nil {
		return err
	}
	fmt.Fprintf(s.err, "wrote %d rows to %s\n", all.NumRows(), o.out)
	return nil
}

// ensureInfluxQL makes what InfluxQL needs to read db: the database (1.x),
// or the bucket and its DBRP mapping (2.x).
func ensureInfluxQL(ctx context.Context, s *streams, client influxdb2.Client, srv influx.Server, org, db string) error {
	created, err := influx.EnsureBucket(ctx, client, srv, org, db)
	if err != nil {
		return fmt.Errorf("creating %q: %w", db, err)
	}
	if created {
		fmt.Fprintf(s.err, "created bucket %q on %s\n", db, srv)
	}
	if srv.Kind != influx.V2 {
		return nil
	}
	created, err = influx.EnsureDBRP(ctx, client, org, db)
	if err != nil {
		return fmt.Errorf("mapping database %q to its bucket: %w", db, err)
	}
	if created {
		fmt.Fprintf(s.err, "mapped database %q to bucket %q for InfluxQL\n", db, db)
	}
	return nil
}

// writePlot draws the frames to path, titled with the query's first line
// (a comment's text, when it is one), and says what was drawn and what was
// left out.
func writePlot(s *streams, path, text string, frames []*frame.Frame) error {
	title, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if t, ok := strings.CutPrefix(title, "//"); ok {
		title = strings.TrimSpace(t)
	}
	info, err := query.PlotFile(path, frames, query.PlotOptions{Title: title})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.err, "drew %d series of %s to %s\n", info.Series, strings.Join(info.Fields, ", "), path)
	if len(info.Omitted) > 0 {
		fmt.Fprintf(s.err, "  %d series left out (more than %d): %s\n", len(info.Omitted), query.DefaultMaxSeries, strings.Join(info.Omitted, "; "))
	}
	for _, sk := range info.Skipped {
		fmt.Fprintf(s.err, "  not drawn: %s\n", sk)
	}
	return nil
}

// writeSplit writes one file per column set.
func writeSplit(s *streams, o queryOptions, frames []*frame.Frame) error {
	for i, f := range frames {
		if o.index == "" {
			continue
		}
		indexed, err := query.Index(f, o.index)
		if err != nil {
			return err
		}
		f.Release()
		frames[i] = indexed
	}
	paths, err := query.ExportEach(o.out, frames...)
	for i, p := range paths {
		fmt.Fprintf(s.err, "wrote %d rows to %s\n", frames[i].NumRows(), p)
	}
	return err
}

// queryText returns the query an argument names: the text itself, a file
// after '@', or standard input for '-'.
func queryText(arg string, stdin io.Reader) (string, error) {
	switch {
	case arg == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", fmt.Errorf("query: reading standard input: %w", err)
		}
		return string(b), nil
	case strings.HasPrefix(arg, "@"):
		b, err := os.ReadFile(arg[1:])
		if err != nil {
			return "", fmt.Errorf("query: %w", err)
		}
		return string(b), nil
	}
	return arg, nil
}

func releaseAll(frames []*frame.Frame) {
	for _, f := range frames {
		f.Release()
	}
}
