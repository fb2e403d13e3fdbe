// Command naiveimport imports a CSV file the way a Go user first writes it
// with the official client library, as the baseline of
// scripts/bench-compare.sh:
//
//	naiveimport -url URL -bucket B [-org O] [-measurement taxi] [-tags A,B] [-string-fields C,D]
//	    [-time-column pickup_datetime] [-time-layout '2006-01-02 15:04:05'] [-batch-size 5000] FILE.csv
//
// encoding/csv reads the file row by row; each row becomes a write.Point
// from influxdb2.NewPoint, with the -tags columns as tags, the
// -string-fields columns as string fields, every other column parsed with
// strconv.ParseFloat as a float field (empty cells are left out), and the
// time from time.Parse(-time-layout) of -time-column (UTC). The points go
// to the library's non-blocking WriteAPI (batch size -batch-size, precision
// -precision, everything else at the library's defaults), then Flush and
// Close. Its Errors channel is read from the start, so that failed writes
// are counted rather than dropped.
//
// The connection defaults to INFLUXDB_V2_URL, INFLUXDB_V2_ORG,
// INFLUXDB_V2_BUCKET and INFLUXDB_V2_TOKEN. It prints the seconds of the
// whole import on stdout (one number) and the rows written on stderr, and
// exits 0; 1 when the file cannot be read, a cell is not a number, or any
// write failed; 2 on bad usage.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	url, org, bucket, token                   string
	measurement, timeColumn, timeLayout, prec string
	tags, stringFields                        string
	batchSize                                 uint
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("naiveimport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", envOr("INFLUXDB_V2_URL", "http://localhost:8086"), "server URL (default: $INFLUXDB_V2_URL)")
	fs.StringVar(&o.org, "org", os.Getenv("INFLUXDB_V2_ORG"), "organization (default: $INFLUXDB_V2_ORG)")
	fs.StringVar(&o.bucket, "bucket", os.Getenv("INFLUXDB_V2_BUCKET"), "bucket (default: $INFLUXDB_V2_BUCKET)")
	fs.StringVar(&o.measurement, "measurement", "taxi", "measurement")
	fs.StringVar(&o.tags, "tags", "PULocationID,DOLocationID,payment_type", "columns written as tags")
	fs.StringVar(&o.stringFields, "string-fields", "dispatching_base_num,dropoff_datetime,store_and_fwd_flag", "columns written as string fields")
	fs.StringVar(&o.timeColumn, "time-column", "pickup_datetime", "time column")
	fs.StringVar(&o.timeLayout, "time-layout", "2006-01-02 15:04:05", "time.Parse layout of the time column")
	fs.StringVar(&o.prec, "precision", "ns", "write precision: ns|us|ms|s")
	fs.UintVar(&o.batchSize, "batch-size", 5000, "points per write request")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.token = os.Getenv("INFLUXDB_V2_TOKEN")
	prec, ok := map[string]time.Duration{"ns": time.Nanosecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[o.prec]
	switch {
	case !ok:
		fmt.Fprintf(stderr, "naiveimport: -precision %q: want ns, us, ms or s\n", o.prec)
		return 2
	case fs.NArg() != 1:
		fmt.Fprintln(stderr, "naiveimport: want one CSV file")
		return 2
	case o.bucket == "":
		fmt.Fprintln(stderr, "naiveimport: no -bucket (or INFLUXDB_V2_BUCKET)")
		return 2
	}
	start := time.Now()
	rows, err := importFile(fs.Arg(0), o, prec)
	secs := time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintf(stderr, "naiveimport: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%.3f\n", secs)
	fmt.Fprintf(stderr, "naiveimport: %d rows written in %.2f s: %.0f rows/s\n", rows, secs, float64(rows)/secs)
	return 0
}

// importFile writes every row of name and returns the rows handed to the
// WriteAPI; any write error the WriteAPI reported makes it an error.
func importFile(name string, o options, prec time.Duration) (rows int, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("%s: header: %w", name, err)
	}
	isTag := set(o.tags)
	isString := set(o.stringFields)
	timeIdx := -1
	for i, h := range header {
		if h == o.timeColumn {
			timeIdx = i
		}
	}
	if timeIdx < 0 {
		return 0, fmt.Errorf("%s: no column %q", name, o.timeColumn)
	}

	client := influxdb2.NewClientWithOptions(o.url, o.token,
		influxdb2.DefaultOptions().SetBatchSize(o.batchSize).SetPrecision(prec))
	defer client.Close()
	writeAPI := client.WriteAPI(o.org, o.bucket)
	errs := writeAPI.Errors()
	var wg sync.WaitGroup
	var firstErr error
	nerrs := 0 // read after wg.Wait
	wg.Go(func() {
		for err := range errs {
			nerrs++
			if firstErr == nil {
				firstErr = err
			}
		}
	})

	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, err
		}
		t, err := time.Parse(o.timeLayout, rec[timeIdx])
		if err != nil {
			line, _ := r.FieldPos(timeIdx)
			return rows, fmt.Errorf("%s:%d: %s: %w", name, line, o.timeColumn, err)
		}
		tags := map[string]string{}
		fields := map[string]interface{}{}
		for i, v := range rec {
			switch {
			case i == timeIdx || v == "":
			case isTag[header[i]]:
				tags[header[i]] = v
			case isString[header[i]]:
				fields[header[i]] = v
			default:
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					line, col := r.FieldPos(i)
					return rows, fmt.Errorf("%s:%d:%d: %s: %w", name, line, col, header[i], err)
				}
				fields[header[i]] = x
			}
		}
		writeAPI.WritePoint(influxdb2.NewPoint(o.measurement, tags, fields, t))
		rows++
	}
	writeAPI.Flush()
	client.Close() // closes the Errors channel
	wg.Wait()
	if firstErr != nil {
		return rows, fmt.Errorf("%d write errors, the first: %w", nerrs, firstErr)
	}
	return rows, nil
}

func set(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
