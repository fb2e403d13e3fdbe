// Command csvloop is the plain-Go floor of scripts/bench-compare.sh: the
// least work that turns a CSV file into line protocol, with nothing else
// (no type inference, no batching goroutines, no network):
//
//	csvloop [-measurement taxi] [-tags A,B] [-string-fields C,D] [-time-column pickup_datetime]
//	    [-time-layout '2006-01-02 15:04:05'] [-precision ns] [-batch-size 5000] FILE.csv
//
// encoding/csv reads with ReuseRecord; per row the time cell goes through
// time.Parse, the -tags columns become tags (in lexical order, empty ones
// left out), the -string-fields columns string fields and every other
// non-empty cell a float from strconv.ParseFloat, all appended by one
// lineprotocol.Encoder into its reused buffer, which is written to
// io.Discard and reset every -batch-size lines. With -out FILE the line
// protocol goes to FILE instead (to check that it holds the same points as
// another tool's; not for timing).
//
// It prints the seconds of the loop on stdout (one number) and the lines
// and bytes encoded on stderr, and exits 0; 1 when the file cannot be read
// or a cell cannot be encoded, 2 on bad usage.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	measurement, timeColumn, timeLayout string
	tags, stringFields                  string
	precision                           lineprotocol.Precision
	batchSize                           int
	out                                 io.Writer
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("csvloop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.measurement, "measurement", "taxi", "measurement")
	fs.StringVar(&o.tags, "tags", "PULocationID,DOLocationID,payment_type", "columns written as tags")
	fs.StringVar(&o.stringFields, "string-fields", "dispatching_base_num,dropoff_datetime,store_and_fwd_flag", "columns written as string fields")
	fs.StringVar(&o.timeColumn, "time-column", "pickup_datetime", "time column")
	fs.StringVar(&o.timeLayout, "time-layout", "2006-01-02 15:04:05", "time.Parse layout of the time column")
	prec := fs.String("precision", "ns", "timestamp precision: ns|us|ms|s")
	fs.IntVar(&o.batchSize, "batch-size", 5000, "lines encoded between two writes of the buffer")
	outFile := fs.String("out", "", "write the line protocol to this file (default: io.Discard)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p, ok := map[string]lineprotocol.Precision{"ns": lineprotocol.Nanosecond, "us": lineprotocol.Microsecond,
		"ms": lineprotocol.Millisecond, "s": lineprotocol.Second}[*prec]
	switch {
	case !ok:
		fmt.Fprintf(stderr, "csvloop: -precision %q: want ns, us, ms or s\n", *prec)
		return 2
	case fs.NArg() != 1:
		fmt.Fprintln(stderr, "csvloop: want one CSV file")
		return 2
	case o.batchSize < 1:
		fmt.Fprintln(stderr, "csvloop: -batch-size must be at least 1")
		return 2
	}
	o.precision = p
	o.out = io.Discard
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			fmt.Fprintf(stderr, "csvloop: %v\n", err)
			return 1
		}
		defer f.Close()
		o.out = f
	}
	start := time.Now()
	lines, n, err := loop(fs.Arg(0), o)
	secs := time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintf(stderr, "csvloop: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%.3f\n", secs)
	fmt.Fprintf(stderr, "csvloop: %d lines, %d bytes of line protocol in %.2f s: %.0f lines/s\n", lines, n, secs, float64(lines)/secs)
	return 0
}

// column says what one CSV column becomes.
type column struct {
	idx  int
	name string
	text bool // a string field, else a float field
}

// loop encodes every row of name and returns the lines and bytes encoded.
func loop(name string, o options) (lines, n int64, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: header: %w", name, err)
	}
	header = slices.Clone(header)
	isTag, isString := set(o.tags), set(o.stringFields)
	timeIdx := slices.Index(header, o.timeColumn)
	if timeIdx < 0 {
		return 0, 0, fmt.Errorf("%s: no column %q", name, o.timeColumn)
	}
	var tags, fields []column
	for i, h := range header {
		switch {
		case i == timeIdx:
		case isTag[h]:
			tags = append(tags, column{idx: i, name: h})
		default:
			fields = append(fields, column{idx: i, name: h, text: isString[h]})
		}
	}
	// The encoder wants tags in lexical order of their keys.
	slices.SortFunc(tags, func(a, b column) int { return strings.Compare(a.name, b.name) })

	var enc lineprotocol.Encoder
	enc.SetPrecision(o.precision)
	enc.SetBuffer(make([]byte, 0, 2<<20))
	inBatch := 0
	flush := func() error {
		b := enc.Bytes()
		n += int64(len(b))
		_, err := o.out.Write(b)
		enc.Reset()
		inBatch = 0
		return err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return lines, n, err
		}
		t, err := time.Parse(o.timeLayout, rec[timeIdx])
		if err != nil {
			line, _ := r.FieldPos(timeIdx)
			return lines, n, fmt.Errorf("%s:%d: %s: %w", name, line, o.timeColumn, err)
		}
		enc.StartLine(o.measurement)
		for _, c := range tags {
			if v := rec[c.idx]; v != "" {
				enc.AddTag(c.name, v)
			}
		}
		for _, c := range fields {
			v := rec[c.idx]
			if v == "" {
				continue
			}
			if c.text {
				sv, ok := lineprotocol.StringValue(v)
				if !ok {
					line, col := r.FieldPos(c.idx)
					return lines, n, fmt.Errorf("%s:%d:%d: %s: not valid UTF-8", name, line, col, c.name)
				}
				enc.AddField(c.name, sv)
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				line, col := r.FieldPos(c.idx)
				return lines, n, fmt.Errorf("%s:%d:%d: %s: %w", name, line, col, c.name, err)
			}
			fv, ok := lineprotocol.FloatValue(x)
			if !ok {
				line, col := r.FieldPos(c.idx)
				return lines, n, fmt.Errorf("%s:%d:%d: %s: %v is not a finite float", name, line, col, c.name, x)
			}
			enc.AddField(c.name, fv)
		}
		enc.EndLine(t)
		if err := enc.Err(); err != nil {
			line, _ := r.FieldPos(0)
			return lines, n, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		lines++
		if inBatch++; inBatch == o.batchSize {
			if err := flush(); err != nil {
				return lines, n, err
			}
		}
	}
	return lines, n, flush()
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
