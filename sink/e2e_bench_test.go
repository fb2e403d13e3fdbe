package sink_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/gentaxi"
	"github.com/influxframe/influxframe/internal/testserver"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

// BenchmarkImportE2E imports a generated taxi-like file into a real server
// and reports rows/s and peak memory. INFLUXFRAME_BENCH_ROWS sets the file
// size (default 200000 rows); each iteration imports it into a new
// measurement.
//
// It runs the public stages as a script would: frame.Open, then
// transform.NewReader, then Write.
//
//	go test -run '^$' -bench ImportE2E -benchtime 1x ./sink/
func BenchmarkImportE2E(b *testing.B) {
	rows := 200000
	if v := os.Getenv("INFLUXFRAME_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("INFLUXFRAME_BENCH_ROWS: %v", err)
		}
		rows = n
	}
	path := filepath.Join(b.TempDir(), "taxi.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := gentaxi.Generate(f, rows, 1, false); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	for _, kind := range testserver.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			s := testserver.Run(b, kind)
			client := s.Client()
			defer client.Close()
			b.SetBytes(st.Size())
			runtime.GC()
			peak := watchHeap()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				ctx := context.Background()
				r, err := frame.Open(ctx, path, frame.OpenOptions{})
				if err != nil {
					b.Fatal(err)
				}
				in, err := transform.NewReader(r, transform.Options{
					Measurement:  "bench" + strconv.Itoa(i),
					Tags:         []string{"dispatching_base_num", "store_and_fwd_flag"},
					StringFields: []string{"dropoff_datetime"},
				})
				if err != nil {
					b.Fatal(err)
				}
				st, err := sink.Write(ctx, client, s.Org, s.Bucket, in, sink.Options{Mode: sink.ModeSync, Rejects: filepath.Join(b.TempDir(), "rej.lp")})
				in.Release()
				if err != nil {
					b.Fatal(err)
				}
				if st.Written != int64(rows) {
					b.Fatalf("wrote %d of %d rows", st.Written, rows)
				}
			}
			elapsed := time.Since(start)
			heap := peak()
			b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
			}
		})
	}
}

// watchHeap samples the heap in use every 5ms until the returned function
// is called, which returns the largest value seen.
func watchHeap() func() uint64 {
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			if ms.HeapInuse > max {
				max = ms.HeapInuse
			}
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return max
	}
}
