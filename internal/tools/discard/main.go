// Command discard is an HTTP server that takes InfluxDB writes and throws
// them away, for benchmarks that measure a client alone
// (scripts/bench-compare.sh):
//
//	discard [-addr 127.0.0.1:0] [-version 2.0.9] > discard.env &
//
// It answers what an InfluxDB 2.x server would answer to what an importer
// asks before and while it writes:
//
//   - POST /api/v2/write (and 1.x's POST /write): reads the body (gunzipped
//     when Content-Encoding is gzip), counts its lines and bytes, answers
//     204 No Content;
//   - GET /ping: 204 with the X-Influxdb-Version header (-version);
//   - GET /health: 200 with {"status":"pass","version":...};
//   - POST /api/v2/query (Flux): 200 with an empty annotated-CSV answer, as
//     for a bucket that holds nothing (influxframe's preflight asks it for
//     the stored field types on 2.x);
//   - POST or GET /query (InfluxQL): 200 with {"results":[{"statement_id":0}]}
//     (the preflight's SHOW FIELD KEYS when -version is 1.x);
//   - anything else: 404.
//
// It checks no credentials. Once it listens it prints shell-sourceable
// lines to stdout in one write: DISCARD_URL and last DISCARD_PID. On SIGTERM
// or SIGINT it stops listening and prints DISCARD_LINES, DISCARD_REQUESTS
// (write requests) and DISCARD_BYTES (uncompressed body bytes), then exits
// 0. It exits 1 when it cannot listen, 2 on bad usage.
//
// A line is counted for every newline, and for a last line that has none;
// the bodies importers send hold no empty lines.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("discard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0: a free one)")
	version := fs.String("version", "2.0.9", "version reported by /ping and /health (1.x makes clients use InfluxQL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "discard: unexpected arguments %q\n", fs.Args())
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "discard: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	c := &counter{}
	srv := &http.Server{Handler: newHandler(c, *version), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "DISCARD_URL=http://%s\nDISCARD_PID=%d\n", ln.Addr(), os.Getpid())

	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintf(stderr, "discard: %v\n", err)
		return 1
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "discard: shutdown: %v\n", err)
	}
	fmt.Fprintf(stdout, "DISCARD_LINES=%d\nDISCARD_REQUESTS=%d\nDISCARD_BYTES=%d\n",
		c.lines.Load(), c.requests.Load(), c.bytes.Load())
	return 0
}

// counter holds what the write endpoint received.
type counter struct {
	lines, requests, bytes atomic.Int64
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// newHandler returns the server's routes.
func newHandler(c *counter, version string) http.Handler {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, `{"code":"invalid","message":"gzip: `+err.Error()+`"}`, http.StatusBadRequest)
				return
			}
			body = zr
		}
		lines, n, err := countLines(body)
		if err != nil {
			http.Error(w, `{"code":"invalid","message":"reading the body"}`, http.StatusBadRequest)
			return
		}
		c.lines.Add(lines)
		c.bytes.Add(n)
		c.requests.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}
	mux.HandleFunc("POST /api/v2/write", write)
	mux.HandleFunc("POST /write", write)
	ping := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Influxdb-Version", version)
		w.Header().Set("X-Influxdb-Build", "OSS")
		w.WriteHeader(http.StatusNoContent)
	}
	mux.HandleFunc("GET /ping", ping)
	mux.HandleFunc("HEAD /ping", ping)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, `{"name":"influxdb","message":"ready for queries and writes","status":"pass","checks":[],"version":%q,"commit":"discard"}`+"\n", version)
	})
	mux.HandleFunc("POST /api/v2/query", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		_, _ = io.WriteString(w, "\r\n")
	})
	query := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"results":[{"statement_id":0}]}`+"\n")
	}
	mux.HandleFunc("POST /query", query)
	mux.HandleFunc("GET /query", query)
	return mux
}

// countLines reads r to its end and returns its lines (newlines, plus a
// last line without one) and bytes.
func countLines(r io.Reader) (lines, n int64, err error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var last byte = '\n'
	for {
		k, err := r.Read(buf)
		if k > 0 {
			lines += int64(bytes.Count(buf[:k], []byte{'\n'}))
			n += int64(k)
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return lines, n, err
		}
	}
	if last != '\n' {
		lines++
	}
	return lines, n, nil
}
