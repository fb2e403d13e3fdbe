// Command gentaxi writes a taxi-like CSV file for demos and benchmarks (see
// package internal/gentaxi).
//
//	go run ./internal/tools/gentaxi -rows 1000000 -mixed=false -out /tmp/taxi.csv
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/influxframe/influxframe/internal/gentaxi"
)

func main() {
	rows := flag.Int("rows", 3000, "number of data rows")
	seed := flag.Int64("seed", 1, "random seed")
	mixed := flag.Bool("mixed", true, "make congestion_surcharge a mixed-type column (numbers and a few 'N/A')")
	out := flag.String("out", "-", "output file ('-' for stdout)")
	flag.Parse()
	if err := run(*out, *rows, *seed, *mixed); err != nil {
		fmt.Fprintln(os.Stderr, "gentaxi:", err)
		os.Exit(1)
	}
}

func run(out string, rows int, seed int64, mixed bool) error {
	if out == "-" {
		return gentaxi.Generate(os.Stdout, rows, seed, mixed)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := gentaxi.Generate(f, rows, seed, mixed); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
