// Command influxserver runs a real InfluxDB for the demo and benchmark
// scripts, with internal/testserver:
//
//	influxserver -kind 1.8.10|2.0.9 [-dir DIR] [-auth] [-v] > server.env &
//
// Once the server is ready it prints shell-sourceable lines to stdout:
// INFLUX_KIND, INFLUX_URL, INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN,
// INFLUX_DIR, the same settings as influxframe's environment variables
// (INFLUXDB_V2_URL, INFLUXDB_V2_ORG, INFLUXDB_V2_TOKEN, INFLUXDB_V2_BUCKET),
// and last INFLUX_PID, its own process id, all in one write: a script
// waits for a line, sources the file, and at the end sends SIGTERM (or
// SIGINT) to $INFLUX_PID, on which influxserver stops the server cleanly and
// exits 0. It exits 1 when the server cannot start or dies, 2 on bad usage.
//
// Without -dir the server's data goes to a temporary directory that is
// removed at exit; with -dir it is kept (its log is DIR/influxd.log). -auth
// turns authentication on for 1.8 (the token is then admin:<password>), -v
// copies the server's log to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/influxframe/influxframe/internal/testserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("influxserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kindFlag := fs.String("kind", string(testserver.V1), "server version: 1.8.10 or 2.0.9")
	dirFlag := fs.String("dir", "", "data directory (kept); default: a temporary one, removed at exit")
	auth := fs.Bool("auth", false, "turn authentication on (1.8; 2.x always has it)")
	verbose := fs.Bool("v", false, "copy the server's log to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "influxserver: unexpected arguments %q\n", fs.Args())
		return 2
	}
	kind, ok := parseKind(*kindFlag)
	if !ok {
		fmt.Fprintf(stderr, "influxserver: -kind %q: want 1.8.10 or 2.0.9\n", *kindFlag)
		return 2
	}

	dir := *dirFlag
	if dir == "" {
		tmp, err := os.MkdirTemp("", "influxserver-")
		if err != nil {
			fmt.Fprintf(stderr, "influxserver: %v\n", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "influxserver: %v\n", err)
		return 1
	}

	// A signal during the start cancels it; afterwards it stops the server.
	sigCtx, stopSignals := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stopSignals()
	ctx, cancel := context.WithTimeout(sigCtx, testserver.StartTimeout+time.Minute)
	defer cancel()

	var logw io.Writer
	if *verbose {
		logw = stderr
	}
	srv, err := testserver.StartWithOptions(ctx, kind, dir, logw, testserver.Options{Auth: *auth})
	if err != nil {
		fmt.Fprintf(stderr, "influxserver: %v\n", err)
		return 1
	}
	defer srv.Stop()

	// One write, so that a script polling the file for any line sees all.
	var out strings.Builder
	for _, kv := range [][2]string{
		{"INFLUX_KIND", string(srv.Kind)},
		{"INFLUX_URL", srv.URL},
		{"INFLUX_ORG", srv.Org},
		{"INFLUX_BUCKET", srv.Bucket},
		{"INFLUX_TOKEN", srv.Token},
		{"INFLUX_DIR", srv.Dir},
		{"INFLUXDB_V2_URL", srv.URL},
		{"INFLUXDB_V2_ORG", srv.Org},
		{"INFLUXDB_V2_TOKEN", srv.Token},
		{"INFLUXDB_V2_BUCKET", srv.Bucket},
		{"INFLUX_PID", fmt.Sprint(os.Getpid())},
	} {
		fmt.Fprintf(&out, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}
	if _, err := io.WriteString(stdout, out.String()); err != nil {
		fmt.Fprintf(stderr, "influxserver: %v\n", err)
		return 1
	}

	select {
	case <-sigCtx.Done():
		if err := srv.Stop(); err != nil {
			fmt.Fprintf(stderr, "influxserver: stop: %v\n", err)
			return 1
		}
		return 0
	case <-srv.Done():
		err := srv.Stop()
		if err == nil {
			err = errors.New("exited")
		}
		fmt.Fprintf(stderr, "influxserver: the server died: %v; its log ends with:\n%s\n", err, srv.LogTail())
		return 1
	}
}

// parseKind accepts a version or its major number.
func parseKind(s string) (testserver.Kind, bool) {
	switch strings.TrimPrefix(s, "v") {
	case "1", "1.8", "1.8.10":
		return testserver.V1, true
	case "2", "2.0", "2.0.9":
		return testserver.V2, true
	}
	return "", false
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
