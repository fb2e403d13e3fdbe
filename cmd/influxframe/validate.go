package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/influxframe/influxframe/internal/pipeline"
)

const validateUsage = `Usage: influxframe validate [flags] FILE...

Infer every column's type over every row, normalise as import would, and
report what would happen. Writes nothing. Exit code 3 when some rows or
columns would be rejected.

Examples:
  $ influxframe validate --tags dispatching_base_num trips.csv
  $ influxframe validate --mixed drop --report report.json trips.csv
`

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
	res, err := pipeline.Validate(ctx, files, pipeline.Options{Stdin: s.in, Transform: topts})
	for _, r := range res {
		r.Report.WriteText(s.err)
		for _, sm := range r.Samples {
			fmt.Fprintf(s.err, "  %s:%d: %s\n", sm.File, sm.Line, sm.Reason)
		}
	}
	if sf.report != "" && len(res) > 0 {
		if werr := writeReport(sf.report, res); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	var bad int64
	for _, r := range res {
		bad += r.RowsRejected
	}
	if bad > 0 {
		return &dataError{fmt.Sprintf("validate: %d rows would be rejected", bad)}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
