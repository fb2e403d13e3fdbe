package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/influxframe/influxframe/internal/pipeline"
	"github.com/influxframe/influxframe/transform"
)

const validateUsage = `Usage: influxframe validate [flags] FILE...

Infer every column's type over every row, normalise as import would, and
report what would happen. Writes nothing. Exit code 3 when some rows or
columns would be rejected.

Examples:
  $ influxframe validate --tags dispatching_base_num trips.csv
  $ influxframe validate --mixed drop --report report.json trips.csv
`

// maxSamples is how many rejected rows validate shows per input.
const maxSamples = 5

func runValidate(ctx context.Context, args []string, s *streams) error {
	var sf schemaFlags
	c := newCommand("validate", validateUsage)
	sf.register(c.fs)
	if err := c.parse(args, s); err != nil {
		return err
	}
	files := c.fs.Args()
	if len(files) == 0 {
		return usagef("validate: no input file (use '-' for stdin)")
	}
	topts, err := sf.options()
	if err != nil {
		return err
	}
	var res []result
	var bad int64
	for _, name := range files {
		r, err := validateOne(ctx, s, name, topts)
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

// validateOne reads one input as import would and prints its report.
func validateOne(ctx context.Context, s *streams, name string, topts transform.Options) (result, error) {
	r := result{file: name}
	if pipeline.IsLineProtocol(name) {
		return r, fmt.Errorf("%s: validate reads tables; line protocol is checked by the server on import", name)
	}
	in, err := pipeline.Open(ctx, name, s.in, topts)
	if err != nil {
		if rep := schemaReport(err); rep != nil {
			r.report = rep
			rep.WriteText(s.err)
		}
		return r, err
	}
	defer in.Release()
	samples, err := pipeline.Validate(ctx, in, maxSamples)
	rep := in.Report()
	r.report = &rep
	rep.WriteText(s.err)
	for _, sm := range samples {
		fmt.Fprintf(s.err, "  %s: %s\n", sm.Position(), sm.Reason)
	}
	return r, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
