package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// softMemoryLimit is the heap the garbage collector is asked to stay
// under while what influxframe holds is smaller.
const softMemoryLimit = 200 << 20

// memoryLimit returns the soft memory limit for a live heap of live bytes:
// softMemoryLimit, or a quarter above live once live outgrows it.
//
// Go's default collector lets the heap grow to twice what is live before
// it collects; an import holds little besides its chunks in flight and the
// keys of duplicate detection (3 to 17 bytes a point), so twice that is
// most of its peak memory. A soft limit keeps a 10M-row import near 256
// MiB. A fixed limit would make an import that holds more than the limit
// (the keys of tens of millions of points in hundreds of thousands of
// series) collect all the time; raising it with the live heap costs such
// an import a few more collections, not half its CPU.
func memoryLimit(live uint64) int64 {
	return max(softMemoryLimit, int64(live+live/4))
}

// limitMemory applies memoryLimit every half second until the returned
// function is called, unless GOMEMLIMIT sets a limit of its own.
func limitMemory() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(softMemoryLimit)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 {
					debug.SetMemoryLimit(memoryLimit(sample[0].Value.Uint64()))
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		debug.SetMemoryLimit(prev)
	}
}
