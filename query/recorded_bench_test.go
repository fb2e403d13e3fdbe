package query_test

import (
	"bufio"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api"

	"github.com/influxframe/influxframe/query"
)

// BenchmarkDecodeRecorded decodes a Flux response recorded from a real
// server, named by $INFLUXFRAME_FLUX_RESPONSE (scripts/bench-query.sh
// records a pivoted 1,000,000-row one), with the frame decoder and with
// influxdb-client-go's record iteration (QueryTableResult, reading every
// value of every record, building nothing). It reports rows/s and the peak
// heap of each.
//
//	INFLUXFRAME_FLUX_RESPONSE=out/bench/flux-pivot.csv go test -run '^$' -bench DecodeRecorded ./query/
func BenchmarkDecodeRecorded(b *testing.B) {
	path := os.Getenv("INFLUXFRAME_FLUX_RESPONSE")
	if path == "" {
		b.Skip("set INFLUXFRAME_FLUX_RESPONSE to a recorded annotated-CSV response (scripts/bench-query.sh records one)")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("frames", func(b *testing.B) {
		measure(b, st.Size(), func() int64 {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			frames, err := query.Decode(bufio.NewReaderSize(f, 1<<20))
			if err != nil {
				b.Fatal(err)
			}
			defer release(frames)
			var n int64
			for _, fr := range frames {
				n += fr.NumRows()
			}
			return n
		})
	})
	b.Run("client-records", func(b *testing.B) {
		measure(b, st.Size(), func() int64 {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			res := api.NewQueryTableResult(f)
			var n int64
			for res.Next() {
				for _, v := range res.Record().Values() {
					_ = v
				}
				n++
			}
			if err := res.Err(); err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
}

// BenchmarkDecodeRecordedInfluxQL decodes an InfluxQL response recorded
// from a real server, named by $INFLUXFRAME_INFLUXQL_RESPONSE
// (scripts/bench-query.sh records one: SELECT * of a 1,000,000-row
// measurement, chunked, epoch=ns), with DecodeInfluxQL (types from the
// values: a recording has no server to ask for field keys) and with the
// straightforward decode (encoding/json into structs with []any values).
//
//	INFLUXFRAME_INFLUXQL_RESPONSE=out/bench/influxql.json go test -run '^$' -bench DecodeRecordedInfluxQL ./query/
func BenchmarkDecodeRecordedInfluxQL(b *testing.B) {
	path := os.Getenv("INFLUXFRAME_INFLUXQL_RESPONSE")
	if path == "" {
		b.Skip("set INFLUXFRAME_INFLUXQL_RESPONSE to a recorded InfluxQL response (scripts/bench-query.sh records one)")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	open := func() *os.File {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	b.Run("frames", func(b *testing.B) {
		measure(b, st.Size(), func() int64 {
			f := open()
			defer f.Close()
			frames, err := query.DecodeInfluxQL(bufio.NewReaderSize(f, 1<<20), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer release(frames)
			var n int64
			for _, fr := range frames {
				n += fr.NumRows()
			}
			return n
		})
	})
	b.Run("straightforward", func(b *testing.B) {
		measure(b, st.Size(), func() int64 {
			f := open()
			defer f.Close()
			recs, err := straightforwardDecode(bufio.NewReaderSize(f, 1<<20))
			if err != nil {
				b.Fatal(err)
			}
			var n int64
			for _, r := range recs {
				n += r.NumRows()
				r.Release()
			}
			return n
		})
	})
}

// measure runs one decode per iteration and reports rows/s and the peak
// heap in use while it ran.
func measure(b *testing.B, size int64, decode func() int64) {
	b.SetBytes(size)
	b.ReportAllocs()
	runtime.GC()
	peak := watchHeap()
	start := time.Now()
	var rows int64
	for range b.N {
		rows += decode()
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
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
			max = maxOf(max, ms.HeapInuse)
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

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
