package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/pipeline"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

const validateUsage = `Usage: influxframe validate [flags] FILE...

Infer every column's type over every row, normalise as import would, and
report what would happen. Writes nothing but the files asked for. Exit code
3 when some rows or columns would be rejected.

--check-server also asks the server (connection flags as for import) for
the field types the measurement already has, and reports every field whose
type would conflict, with the fix, as import's preflight does.

--schema-out writes the schema decided for the first input (its columns,
kinds and roles, the time column and its reading, the precision), and checks
the other inputs against it; --schema on validate, import or convert
enforces it on later files, so that none comes out with other types.

Examples:
  $ influxframe validate --tags dispatching_base_num trips.csv
  $ influxframe validate --mixed drop --report report.json trips.csv
  $ influxframe validate --tags station --schema-out schema.json jan.csv
  $ influxframe validate --schema schema.json feb.csv
  $ influxframe validate --check-server --bucket taxi --tags dispatching_base_num trips.csv
`

// maxSamples is how many rejected rows validate shows per input.
const maxSamples = 5

func runValidate(ctx context.Context, args []string, s *streams) error {
	var (
		sf          schemaFlags
		schemaOut   string
		checkServer bool
		conn        connFlags
		progMode    string
	)
	c := newCommand("validate", validateUsage)
	sf.register(c.fs)
	c.fs.StringVar(&schemaOut, "schema-out", "", "write the schema decided for the first input as JSON to this file (for --schema)")
	c.fs.BoolVar(&checkServer, "check-server", false, "also check the field types the server already has for the measurement (needs the connection flags)")
	c.fs.StringVar(&progMode, "progress", "auto", "auto (a bar on a terminal, a line every 10s otherwise), always or never")
	conn.register(c.fs)
	if err := c.parse(args, s); err != nil {
		return err
	}
	files := c.fs.Args()
	if len(files) == 0 {
		return usagef("validate: no input file (use '-' for stdin)")
	}
	topts, copts, err := sf.options()
	if err != nil {
		return err
	}
	prog, err := newProgress(progMode, s.err)
	if err != nil {
		return err
	}
	var check func(*transform.Reader) error
	if checkServer {
		client, settings, _, err := conn.connect(ctx, s.environ)
		if err != nil {
			return err
		}
		defer client.Close()
		if settings.Bucket == "" {
			return usagef("validate: --check-server needs a bucket: give --bucket, INFLUXDB_V2_BUCKET or bucket in the config file")
		}
		topts.DefaultTags = settings.DefaultTags
		check = func(in *transform.Reader) error {
			conflicts, err := sink.Preflight(ctx, client, settings.Org, settings.Bucket, in.FrameSchema(), "")
			if err != nil {
				return err
			}
			if len(conflicts) > 0 {
				return &sink.PreflightError{Measurement: in.FrameSchema().Measurement, Conflicts: conflicts}
			}
			fmt.Fprintf(s.err, "%s: the server holds no field of %q with another type\n", in.Name(), in.FrameSchema().Measurement)
			return nil
		}
	}
	var res []result
	var bad int64
	for _, name := range files {
		r, contract, err := validateOne(ctx, s, name, topts, copts, check, prog)
		if schemaOut != "" && contract != nil && err == nil {
			if werr := writeContract(schemaOut, contract); werr != nil {
				return werr
			}
			fmt.Fprintf(s.err, "wrote the schema of %s to %s\n", name, schemaOut)
			topts, schemaOut = topts.WithContract(contract), ""
		}
		res = append(res, r)
		if r.report != nil {
			bad += r.report.RowsRejected
		}
		if err != nil {
			if sf.report != "" {
				writeReport(sf.report, res)
			}
			return err
		}
	}
	if sf.report != "" {
		if err := writeReport(sf.report, res); err != nil {
			return err
		}
	}
	if bad > 0 {
		return &dataError{fmt.Sprintf("validate: %d rows would be rejected", bad)}
	}
	return nil
}

// validateOne reads one input as import would and prints its report. It
// returns the schema decided for the input, nil when there is none.
func validateOne(ctx context.Context, s *streams, name string, topts transform.Options, copts frame.CSVOptions, check func(*transform.Reader) error, prog *progress) (result, *transform.Contract, error) {
	r := result{file: name}
	if pipeline.IsLineProtocol(name) {
		return r, nil, fmt.Errorf("%s: validate reads tables; line protocol is checked by the server on import", name)
	}
	in, err := pipeline.Open(ctx, name, openOptions(s, copts, prog, name), topts)
	if err != nil {
		if rep := schemaReport(err); rep != nil {
			r.report = rep
			rep.WriteText(s.err)
		}
		return r, nil, err
	}
	defer in.Release()
	if check != nil {
		if err := check(in); err != nil {
			rep := in.Report()
			r.report = &rep
			rep.WriteColumns(s.err)
			return r, nil, err
		}
	}
	contract := in.Contract()
	var update func(sink.Stats)
	if prog != nil {
		var done func()
		update, done = prog.track(name, "built")
		defer done()
	}
	samples, err := pipeline.Validate(ctx, in, maxSamples, update)
	rep := in.Report()
	r.report = &rep
	rep.WriteText(s.err)
	for _, sm := range samples {
		fmt.Fprintf(s.err, "  %s: %s\n", sm.Position(), sm.Reason)
	}
	return r, &contract, err
}

// writeContract writes a schema contract to the file path.
func writeContract(path string, c *transform.Contract) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	err = c.WriteJSON(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
