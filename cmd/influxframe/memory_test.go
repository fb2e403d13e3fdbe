package main

import (
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, softMemoryLimit},
		{100 << 20, softMemoryLimit},
		{160 << 20, softMemoryLimit},
		{200 << 20, 250 << 20},
		{1 << 30, 1280 << 20},
	} {
		if got := memoryLimit(c.live); got != c.want {
			t.Errorf("memoryLimit(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

func TestLimitMemory(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	stop := limitMemory()
	if got := debug.SetMemoryLimit(-1); got != softMemoryLimit {
		t.Errorf("limit while running = %d, want %d", got, softMemoryLimit)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after stop = %d, want %d", got, before)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitMemory()()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("with GOMEMLIMIT set, the limit changed to %d", got)
	}
}
