// Command rawpost posts a line-protocol file to InfluxDB as fast as it can,
// to measure what a server takes when the client costs nothing (the
// "ceiling" of scripts/bench-compare.sh):
//
//	rawpost -url URL -bucket DB [-org ORG] [-precision ns] [-workers 2] [-batch-size 5000] FILE.lp
//
// Before the clock starts it reads FILE whole and splits it into batches
// of -batch-size lines (slices of the file's bytes, nothing is copied or
// re-encoded). Then -workers goroutines take the batches in order and POST
// each to /api/v2/write?org=&bucket=&precision= with the Authorization
// header "Token $INFLUXDB_V2_TOKEN" (none when the variable is empty, as for
// a 1.x server without authentication); every answer must be 204. There
// are no retries: any other answer or a network error stops the run.
//
// On success it prints the seconds of the posting alone on stdout (one
// number) and a summary (lines, requests, bytes, lines/s) on stderr, and
// exits 0; it exits 1 on a failed request or an unreadable file, 2 on bad
// usage. -url, -org and -bucket default to INFLUXDB_V2_URL, INFLUXDB_V2_ORG
// and INFLUXDB_V2_BUCKET. -create-db first creates the bucket as a 1.x
// database (CREATE DATABASE through /query), outside the timing.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	url, org, bucket, precision, token string
	workers, batchSize                 int
	createDB                           bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rawpost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", envOr("INFLUXDB_V2_URL", "http://localhost:8086"), "server URL (default: $INFLUXDB_V2_URL)")
	fs.StringVar(&o.org, "org", os.Getenv("INFLUXDB_V2_ORG"), "organization (2.x; default: $INFLUXDB_V2_ORG)")
	fs.StringVar(&o.bucket, "bucket", os.Getenv("INFLUXDB_V2_BUCKET"), "bucket, or db/rp (1.x; default: $INFLUXDB_V2_BUCKET)")
	fs.StringVar(&o.precision, "precision", "ns", "timestamp precision of the file: ns|us|ms|s")
	fs.IntVar(&o.workers, "workers", 2, "goroutines posting at once")
	fs.IntVar(&o.batchSize, "batch-size", 5000, "lines per request")
	fs.BoolVar(&o.createDB, "create-db", false, "create the bucket as a 1.x database first (not timed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.token = os.Getenv("INFLUXDB_V2_TOKEN")
	switch {
	case fs.NArg() != 1:
		fmt.Fprintln(stderr, "rawpost: want one line-protocol file")
		return 2
	case o.bucket == "":
		fmt.Fprintln(stderr, "rawpost: no -bucket (or INFLUXDB_V2_BUCKET)")
		return 2
	case o.workers < 1 || o.batchSize < 1:
		fmt.Fprintln(stderr, "rawpost: -workers and -batch-size must be at least 1")
		return 2
	case o.precision != "ns" && o.precision != "us" && o.precision != "ms" && o.precision != "s":
		fmt.Fprintf(stderr, "rawpost: -precision %q: want ns, us, ms or s\n", o.precision)
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "rawpost: %v\n", err)
		return 1
	}
	batches, lines := split(data, o.batchSize)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: o.workers, DisableCompression: true, ForceAttemptHTTP2: false,
	}}
	if o.createDB {
		if err := createDB(ctx, client, o); err != nil {
			fmt.Fprintf(stderr, "rawpost: %v\n", err)
			return 1
		}
	}
	writeURL, err := writeURL(o)
	if err != nil {
		fmt.Fprintf(stderr, "rawpost: %v\n", err)
		return 1
	}

	start := time.Now()
	err = post(ctx, client, writeURL, o, batches)
	secs := time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintf(stderr, "rawpost: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%.3f\n", secs)
	fmt.Fprintf(stderr, "rawpost: %d lines in %d requests (%d bytes) in %.2f s: %.0f lines/s\n",
		lines, len(batches), len(data), secs, float64(lines)/secs)
	return 0
}

// split cuts data into batches of n lines each (the last may be shorter),
// as slices of data; empty lines are left out of the count but kept.
func split(data []byte, n int) (batches [][]byte, lines int) {
	start, inBatch := 0, 0
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		end := len(data)
		if j >= 0 {
			end = i + j + 1
		}
		if end-i > 1 || (end-i == 1 && data[i] != '\n') {
			inBatch++
			lines++
		}
		i = end
		if inBatch == n {
			batches = append(batches, data[start:i])
			start, inBatch = i, 0
		}
	}
	if inBatch > 0 {
		batches = append(batches, data[start:])
	}
	return batches, lines
}

// post sends every batch with o.workers goroutines and returns the first
// failure; the others stop at their next batch.
func post(ctx context.Context, client *http.Client, u string, o options, batches [][]byte) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range o.workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(batches) || ctx.Err() != nil {
					return
				}
				if err := postOne(ctx, client, u, o.token, batches[i]); err != nil {
					cancel(fmt.Errorf("batch %d of %d: %w", i+1, len(batches), err))
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// postOne posts one batch and wants 204.
func postOne(ctx context.Context, client *http.Client, u, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("POST /api/v2/write answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// writeURL is the server's /api/v2/write with org, bucket and precision.
func writeURL(o options) (string, error) {
	u, err := url.Parse(o.url)
	if err != nil {
		return "", fmt.Errorf("-url: %w", err)
	}
	u = u.JoinPath("api/v2/write")
	q := url.Values{"bucket": {o.bucket}, "precision": {o.precision}}
	if o.org != "" {
		q.Set("org", o.org)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// createDB creates o.bucket's database on a 1.x server.
func createDB(ctx context.Context, client *http.Client, o options) error {
	u, err := url.Parse(o.url)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	db, _, _ := strings.Cut(o.bucket, "/")
	form := url.Values{"q": {`CREATE DATABASE "` + strings.ReplaceAll(db, `"`, `\"`) + `"`}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.JoinPath("query").String(), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user, pass, ok := strings.Cut(o.token, ":"); ok {
		req.SetBasicAuth(user, pass)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("create database %s: %w", db, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || bytes.Contains(msg, []byte(`"error"`)) {
		return fmt.Errorf("create database %s: %s: %s", db, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
