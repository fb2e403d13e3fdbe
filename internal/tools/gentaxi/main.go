// Command gentaxi writes a taxi-like CSV file for demos and benchmarks (see
// package internal/gentaxi).
//
//	go run ./internal/tools/gentaxi -rows 1000000 -mixed=false -out /tmp/taxi.csv
//
// -wide writes 17 columns instead of 14 (gentaxi.WideHeader: three more
// surcharge columns, and payment_type over 1-4), the shape of the
// comparison in scripts/bench-compare.sh.
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
	wide := flag.Bool("wide", false, "17 columns: add extra, improvement_surcharge, airport_fee; payment_type in 1-4")
	flag.Parse()
	o := gentaxi.Options{Rows: *rows, Seed: *seed, Mixed: *mixed, Wide: *wide}
	if err := run(*out, o); err != nil {
		fmt.Fprintln(os.Stderr, "gentaxi:", err)
		os.Exit(1)
	}
}

func run(out string, o gentaxi.Options) error {
	if out == "-" {
		return gentaxi.GenerateWith(os.Stdout, o)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := gentaxi.GenerateWith(f, o); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
