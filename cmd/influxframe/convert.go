package main

import (
	"context"
)

const convertUsage = `Usage: influxframe convert [flags] FILE --out OUT

Normalise a file offline (no server) to .arrow/.feather, .parquet, .lp or .csv.
`

func runConvert(ctx context.Context, args []string, s *streams) error {
	c := newCommand("convert", convertUsage)
	if err := c.parse(args, s); err != nil {
		return err
	}
	return usagef("convert: not implemented yet")
}
