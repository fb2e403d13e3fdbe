package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/internal/influx"
	"github.com/influxframe/influxframe/internal/pipeline"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

const importUsage = `Usage: influxframe import [flags] FILE...

Load CSV files ('-' for stdin, .gz, http(s) URLs), Arrow (.arrow, .feather,
.arrows) or Parquet files into InfluxDB. Every CSV column's type is inferred
over every row before anything is written; rows that cannot be written go
to the rejects file, never silently away. A line-protocol file (.lp, such as
a rejects file) is posted as it is.

Examples:
  $ influxframe import --bucket taxi --tags dispatching_base_num trips.csv
  $ influxframe import --config config.ini --mixed drop --report report.json trips.csv.gz
  $ zcat trips.csv.gz | influxframe import --bucket taxi --measurement trips -
  $ influxframe import --bucket taxi trips.csv.rejected.lp
`

type importOptions struct {
	conn         connFlags
	schema       schemaFlags
	createBucket bool
	mode         string
	workers      int
	batchSize    int
	flush        time.Duration
	jitter       time.Duration
	retryInt     time.Duration
	maxRetries   int
	maxDelay     time.Duration
	maxTime      time.Duration
	expBase      float64
	precision    string
	gzip         bool
	rejects      string
	dryRun       bool
	verify       bool
	progress     string
}

func runImport(ctx context.Context, args []string, s *streams) error {
	o := &importOptions{}
	c := newCommand("import", importUsage)
	fs := c.fs
	o.conn.register(fs)
	fs.BoolVar(&o.createBucket, "create-bucket", false, "create the bucket (2.x) or database (1.x) if it is missing")
	o.schema.register(fs)
	fs.StringVar(&o.mode, "mode", "batching", "write mode: sync|async|batching")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "writer goroutines")
	fs.IntVar(&o.batchSize, "batch-size", sink.DefaultBatchSize, "points per write request")
	fs.DurationVar(&o.flush, "flush-interval", sink.DefaultFlushInterval, "longest wait of a partial batch (batching, async)")
	fs.DurationVar(&o.jitter, "jitter-interval", 0, "random delay before each write (batching, async)")
	fs.DurationVar(&o.retryInt, "retry-interval", sink.DefaultRetryInterval, "delay before the first retry")
	fs.IntVar(&o.maxRetries, "max-retries", sink.DefaultMaxRetries, "retries of one request")
	fs.DurationVar(&o.maxDelay, "max-retry-delay", sink.DefaultMaxRetryDelay, "longest delay between retries")
	fs.DurationVar(&o.maxTime, "max-retry-time", sink.DefaultMaxRetryTime, "longest time a request is retried")
	fs.Float64Var(&o.expBase, "exponential-base", sink.DefaultExponentialBase, "growth of the retry delay")
	fs.StringVar(&o.precision, "precision", "", "ns|us|ms|s (default: the coarsest that loses nothing)")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip request bodies")
	fs.StringVar(&o.rejects, "rejects", "", "rejects file (default <input>.rejected.lp; written only if something is rejected)")
	fs.BoolVar(&o.verify, "verify", false, "count every field's values back after writing and fail on any shortfall")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print line protocol on stdout instead of writing")
	fs.StringVar(&o.progress, "progress", "auto", "auto (a bar on a terminal, a line every 10s otherwise), always or never")
	if err := c.parse(args, s); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usagef("import: no input file (use '-' for stdin)")
	}
	if o.rejects != "" && len(files) > 1 {
		return usagef("import: --rejects names one file, but %d inputs were given", len(files))
	}
	topts, err := o.schema.options()
	if err != nil {
		return err
	}
	topts.Precision = o.precision
	mode, err := sink.ParseMode(o.mode)
	if err != nil {
		return usagef("import: --mode: %v", err)
	}
	popts := pipeline.Options{
		Stdin:     s.in,
		Transform: topts,
		Write: sink.Options{
			Mode: mode, Workers: o.workers, BatchSize: o.batchSize, FlushInterval: o.flush,
			JitterInterval: o.jitter, RetryInterval: o.retryInt, MaxRetries: o.maxRetries,
			MaxRetryDelay: o.maxDelay, MaxRetryTime: o.maxTime, ExponentialBase: o.expBase, Gzip: o.gzip,
		},
		RejectsPath: o.rejects,
		OnSchema: func(rep transform.Report) {
			rep.WriteColumns(s.err)
		},
	}
	prog, err := newProgress(o.progress, s.err)
	if err != nil {
		return err
	}
	if prog != nil {
		popts.Watch = prog.watch
	}
	if o.maxRetries == 0 {
		popts.Write.MaxRetries = sink.NoRetries
	}
	if o.dryRun {
		popts.DryRun = s.out
		res, err := pipeline.Import(ctx, nil, "", "", files, popts)
		printSummary(s.err, res)
		return err
	}
	client, settings, srv, err := o.conn.connect(ctx, s.environ)
	if err != nil {
		return err
	}
	defer client.Close()
	if settings.Bucket == "" {
		return usagef("import: no bucket: give --bucket, INFLUXDB_V2_BUCKET or bucket in the config file")
	}
	if srv.Kind == influx.V2 && settings.Org == "" {
		return usagef("import: InfluxDB 2.x needs an organization: give --org, INFLUXDB_V2_ORG or org in the config file")
	}
	popts.Transform.DefaultTags = settings.DefaultTags
	if o.createBucket {
		created, err := influx.EnsureBucket(ctx, client, srv, settings.Org, settings.Bucket)
		if err != nil {
			return fmt.Errorf("creating bucket %q: %w", settings.Bucket, err)
		}
		if created {
			fmt.Fprintf(s.err, "created bucket %q on %s\n", settings.Bucket, srv)
		}
	}
	res, err := pipeline.Import(ctx, client, settings.Org, settings.Bucket, files, popts)
	printSummary(s.err, res)
	if o.verify {
		if verr := verify(ctx, s, client, settings.Org, settings.Bucket, res); verr != nil && err == nil {
			err = verr
		}
	}
	if o.schema.report != "" && len(res) > 0 {
		if werr := writeReport(o.schema.report, res); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		var se *transform.SchemaError
		if errors.As(err, &se) {
			return fmt.Errorf("nothing written: %w", err)
		}
	}
	return err
}

// printSummary writes the per-input counts, which always add up.
func printSummary(w io.Writer, res []pipeline.FileResult) {
	for _, r := range res {
		if r.Report.Duplicates > 0 || r.Report.NaN > 0 {
			fmt.Fprintf(w, "%s: %d duplicate keys (%s), %d NaN/Inf values as null\n",
				r.File, r.Report.Duplicates, r.Report.DuplicatesAction, r.Report.NaN)
		}
		fmt.Fprintf(w, "%s: rows read %d = written %d + rejected before writing %d + refused or not sent %d + skipped %d\n",
			r.File, r.Report.RowsRead, r.Written(), r.RowsRejected, r.PointsRejected, r.Skipped)
		if r.Write.Requests > 0 {
			fmt.Fprintf(w, "  %d requests, %d retries, %d splits, %.1f MB of line protocol\n",
				r.Write.Requests, r.Write.Retries, r.Write.Splits, float64(r.Write.Bytes)/1e6)
		}
		if r.Comments > 0 {
			fmt.Fprintf(w, "  %d comment lines skipped (in a rejects file: reasons, and CSV rows that never became points)\n", r.Comments)
		}
		for _, sm := range r.Samples {
			fmt.Fprintf(w, "  %s:%d: %s\n", sm.File, sm.Line, sm.Reason)
		}
		for _, reason := range r.Write.SortedReasons() {
			fmt.Fprintf(w, "  %d: %s\n", r.Write.Reasons[reason], reason)
		}
		if r.RejectsPath != "" {
			fmt.Fprintf(w, "  rejected rows and points are in %s (replay with: influxframe import %s)\n", r.RejectsPath, r.RejectsPath)
		}
	}
}

// writeReport writes the reports of all inputs as JSON: one object for one
// input, an array for several.
func writeReport(path string, res []pipeline.FileResult) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if len(res) == 1 {
		err = res[0].Report.WriteJSON(f)
	} else {
		reps := make([]transform.Report, len(res))
		for i, r := range res {
			reps[i] = r.Report
		}
		err = writeJSON(f, reps)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// verify counts back what each input wrote and prints the comparison.
func verify(ctx context.Context, s *streams, client influxdb2.Client, org, bucket string, res []pipeline.FileResult) error {
	var first error
	for i := range res {
		v, err := pipeline.Verify(ctx, client, org, bucket, &res[i])
		if len(v.Fields) == 0 && err == nil {
			fmt.Fprintf(s.err, "%s: verify: nothing to count (line protocol is not counted on the way in)\n", v.File)
			continue
		}
		for _, f := range v.Fields {
			fmt.Fprintf(s.err, "%s: verify: %s: %d values written, %d on the server\n", v.File, f.Field, f.Built, f.Held)
		}
		if v.Slack > 0 {
			fmt.Fprintf(s.err, "%s: verify: %d points were not written (see the rejects file); counts may fall short by that much\n", v.File, v.Slack)
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}
