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

	"github.com/influxframe/influxframe/frame"
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
	noPreflight  bool
	resume       bool
	shard        string
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
	fs.StringVar(&o.precision, "precision", "", "ns|us|ms|s (default: the coarsest that loses nothing; for .lp inputs, ns)")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip request bodies")
	fs.StringVar(&o.rejects, "rejects", "", "rejects file (default <input>.rejected.lp; written only if something is rejected)")
	fs.BoolVar(&o.verify, "verify", false, "count every field's values back after writing and fail on any shortfall")
	fs.BoolVar(&o.resume, "resume", false, "keep a journal beside the rejects file of what the server acknowledged; run again, send only the rest")
	fs.StringVar(&o.shard, "shard", "", "import only the K-th of N byte ranges of the file (K/N), for N machines; needs --schema")
	fs.BoolVar(&o.noPreflight, "no-preflight", false, "skip the check, before writing, of the field types the measurement already has")
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
	topts, copts, err := o.schema.options()
	if err != nil {
		return err
	}
	prec, err := parsePrecision(o.precision)
	if err != nil {
		return err
	}
	topts.Precision = prec
	shard, err := frame.ParseShard(o.shard)
	if err != nil {
		return usagef("import: --shard: %v", err)
	}
	copts.Shard = shard
	if shard.N > 0 {
		if len(files) != 1 || files[0] == "-" || pipeline.IsLineProtocol(files[0]) {
			return usagef("import: --shard reads byte ranges of one CSV file")
		}
		if topts.Contract == nil {
			return usagef("import: --shard needs --schema (from validate --schema-out): every shard infers types from its own rows, and the schema makes them all normalise alike")
		}
		if o.rejects == "" {
			o.rejects = pipeline.ShardPath(sink.RejectsPath(files[0], ""), shard)
		}
	}
	mode, err := sink.ParseMode(o.mode)
	if err != nil {
		return usagef("import: --mode: %v", err)
	}
	wo := sink.Options{
		Mode: mode, Workers: o.workers, BatchSize: o.batchSize, FlushInterval: o.flush,
		JitterInterval: o.jitter, RetryInterval: o.retryInt, MaxRetries: o.maxRetries,
		MaxRetryDelay: o.maxDelay, MaxRetryTime: o.maxTime, ExponentialBase: o.expBase, Gzip: o.gzip,
		Rejects: o.rejects, Verify: o.verify, SkipPreflight: o.noPreflight,
	}
	if o.maxRetries == 0 {
		wo.MaxRetries = sink.NoRetries
	}
	prog, err := newProgress(o.progress, s.err)
	if err != nil {
		return err
	}
	var res []result
	defer func() { printSummary(s.err, res) }()
	if o.dryRun {
		for _, name := range files {
			if pipeline.IsLineProtocol(name) {
				return fmt.Errorf("%s: --dry-run prints the line protocol of tables; this one is line protocol already", name)
			}
			r, err := importTable(ctx, s, name, openOptions(s, copts, prog, name), topts, func(in *transform.Reader) (sink.Stats, error) {
				return sink.WriteFile(ctx, s.out, frame.FormatLineProtocol, in, wo)
			})
			res = append(res, r)
			if err != nil {
				return err
			}
		}
		return nil
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
	topts.DefaultTags = settings.DefaultTags
	if o.createBucket {
		created, err := influx.EnsureBucket(ctx, client, srv, settings.Org, settings.Bucket)
		if err != nil {
			return fmt.Errorf("creating bucket %q: %w", settings.Bucket, err)
		}
		if created {
			fmt.Fprintf(s.err, "created bucket %q on %s\n", settings.Bucket, srv)
		}
		if srv.Kind == influx.V2 {
			// So that InfluxQL (query --influxql) reads the bucket too.
			if created, err := influx.EnsureDBRP(ctx, client, settings.Org, settings.Bucket); err != nil {
				return fmt.Errorf("mapping database %q to its bucket: %w", settings.Bucket, err)
			} else if created {
				fmt.Fprintf(s.err, "mapped database %q to bucket %q for InfluxQL\n", settings.Bucket, settings.Bucket)
			}
		}
	}
	org, bucket := settings.Org, settings.Bucket
	for _, name := range files {
		fo := wo
		var done func()
		if prog != nil {
			fo.Progress, done = prog.track(name, "written")
			fo.ProgressInterval = prog.interval
		}
		if o.resume {
			if err := journalFor(&fo, name, o, topts, settings); err != nil {
				return err
			}
		}
		var r result
		if pipeline.IsLineProtocol(name) {
			fo.Precision = prec
			r, err = importLP(ctx, s, client, org, bucket, name, fo)
		} else {
			r, err = importTable(ctx, s, name, openOptions(s, copts, prog, name), topts, func(in *transform.Reader) (sink.Stats, error) {
				return sink.Write(ctx, client, org, bucket, in, fo)
			})
		}
		if done != nil {
			done()
		}
		res = append(res, r)
		if o.verify && r.st.Rows > 0 {
			printVerify(s.err, r.st)
		}
		if err != nil {
			if o.schema.report != "" {
				writeReport(o.schema.report, res)
			}
			var se *transform.SchemaError
			if errors.As(err, &se) {
				return fmt.Errorf("nothing written: %w", err)
			}
			return err
		}
	}
	if o.schema.report != "" {
		return writeReport(o.schema.report, res)
	}
	return nil
}

// journalFor sets the journal of one input's import, with its key: the
// file's bytes and every setting that decides its points.
func journalFor(wo *sink.Options, name string, o *importOptions, topts transform.Options, settings influx.Settings) error {
	rejects := wo.Rejects
	if rejects == "" {
		rejects = sink.RejectsPath(name, "")
	}
	key, err := pipeline.JournalKey(name, struct {
		Schema                              transform.Options
		Zone, Org, Bucket, Precision, Shard string
		Delimiter, Decimal, Quote           string
		NoHeader, Header                    bool
	}{topts, topts.Location.String(), settings.Org, settings.Bucket, o.precision, o.shard,
		o.schema.delimiter, o.schema.decimal, o.schema.quote, o.schema.noHeader, o.schema.header})
	if err != nil {
		return usagef("import: --resume: %v", err)
	}
	wo.Journal, wo.JournalKey, wo.Resume = pipeline.JournalPath(rejects), key, true
	return nil
}

// result is what happened to one input.
type result struct {
	file   string
	report *transform.Report // nil for line protocol, or when the input could not be opened
	st     sink.Stats
}

// importTable opens a table input, shows its column decisions, and writes
// it with write.
func importTable(ctx context.Context, s *streams, name string, fo frame.OpenOptions, topts transform.Options, write func(*transform.Reader) (sink.Stats, error)) (result, error) {
	r := result{file: name}
	if shard := fo.Shard; shard.N > 0 {
		r.file = name + " (shard " + shard.String() + ")"
	}
	in, err := pipeline.Open(ctx, name, fo, topts)
	if err != nil {
		if rep := schemaReport(err); rep != nil {
			r.report = rep
			rep.WriteColumns(s.err)
		}
		return r, err
	}
	defer in.Release()
	rep := in.Report()
	rep.WriteColumns(s.err)
	r.st, err = write(in)
	rep = in.Report()
	r.report = &rep
	return r, err
}

// openOptions are the options of frame.Open for one input: standard input,
// the CSV options of the flags (dialect, shard), and the display of the
// inference pass.
func openOptions(s *streams, csv frame.CSVOptions, prog *progress, name string) frame.OpenOptions {
	fo := frame.OpenOptions{Stdin: s.in, CSVOptions: csv}
	if prog != nil {
		fo.Inferring = prog.inferring(name)
	}
	return fo
}

// schemaReport returns the report a schema refusal carries, or nil.
func schemaReport(err error) *transform.Report {
	var se *transform.SchemaError
	if errors.As(err, &se) {
		return &se.Report
	}
	return nil
}

// importLP posts a line-protocol input as it is.
func importLP(ctx context.Context, s *streams, client influxdb2.Client, org, bucket, name string, wo sink.Options) (result, error) {
	r := result{file: name}
	src, err := frame.OpenInput(ctx, name, s.in)
	if err != nil {
		return r, err
	}
	defer src.Close()
	r.st, err = sink.WriteLineProtocol(ctx, client, org, bucket, src, name, wo)
	return r, err
}

// parsePrecision parses --precision; "" is unset.
func parsePrecision(s string) (frame.Precision, error) {
	if s == "" {
		return 0, nil
	}
	p, err := frame.ParsePrecision(s)
	if err != nil {
		return 0, usagef("--precision: %v", err)
	}
	return p, nil
}

// printSummary writes the per-input counts, which always add up.
func printSummary(w io.Writer, res []result) {
	for _, r := range res {
		st := r.st
		if rep := r.report; rep != nil && (rep.Duplicates > 0 || rep.NaN > 0) {
			fmt.Fprintf(w, "%s: %d duplicate keys (%s), %d NaN/Inf values as null\n",
				r.file, rep.Duplicates, rep.DuplicatesAction, rep.NaN)
		}
		if st.Rows == 0 && r.report == nil && st.Comments == 0 {
			continue // never opened
		}
		resumed := ""
		if st.Resumed > 0 {
			resumed = fmt.Sprintf(" + written by an earlier run %d", st.Resumed)
		}
		fmt.Fprintf(w, "%s: rows read %d = written %d%s + rejected before writing %d + refused or not sent %d + skipped %d\n",
			r.file, st.Rows, st.Written, resumed, st.Rejected, st.Refused+st.NotSent, st.Skipped)
		if st.Requests > 0 {
			fmt.Fprintf(w, "  %d requests, %d retries, %d splits, %.1f MB of line protocol\n",
				st.Requests, st.Retries, st.Splits, float64(st.Bytes)/1e6)
		}
		if st.Comments > 0 {
			fmt.Fprintf(w, "  %d comment lines skipped (in a rejects file: reasons, and CSV rows that never became points)\n", st.Comments)
		}
		for _, sm := range st.Samples {
			fmt.Fprintf(w, "  %s: %s\n", sm.Position(), sm.Reason)
		}
		for _, reason := range st.SortedReasons() {
			fmt.Fprintf(w, "  %d: %s\n", st.Reasons[reason], reason)
		}
		if st.RejectsPath != "" {
			fmt.Fprintf(w, "  rejected rows and points are in %s (replay with: influxframe import %s)\n", st.RejectsPath, st.RejectsPath)
		}
	}
}

// writeReport writes the reports of all inputs as JSON: one object for one
// input, an array for several.
func writeReport(path string, res []result) error {
	var reps []transform.Report
	for _, r := range res {
		if r.report != nil {
			reps = append(reps, *r.report)
		}
	}
	if len(reps) == 0 {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if len(reps) == 1 {
		err = reps[0].WriteJSON(f)
	} else {
		err = writeJSON(f, reps)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// printVerify shows what --verify counted.
func printVerify(w io.Writer, st sink.Stats) {
	if st.Fields == nil {
		fmt.Fprintf(w, "%s: verify: nothing to count (line protocol is not counted on the way in)\n", st.Input)
		return
	}
	for _, f := range st.Verified {
		fmt.Fprintf(w, "%s: verify: %s: %d values written, %d on the server\n", st.Input, f.Field, f.Written, f.Held)
	}
}
