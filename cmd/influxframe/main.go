// Command influxframe moves tabular data in and out of InfluxDB without
// losing any of it. See README.md and `influxframe --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	finished := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			// The first interrupt stops the writes; what was not
			// acknowledged still goes to the rejects file. A second one
			// ends the process.
			stop()
			fmt.Fprintln(os.Stderr, "influxframe: interrupted: saving what was not written to the rejects file (interrupt again to quit at once)")
		case <-finished:
		}
	}()
	unlimit := limitMemory()
	code := run(ctx, os.Args[1:], &streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, environ: os.Environ()})
	unlimit()
	close(finished)
	stop()
	os.Exit(code)
}
