package sink

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/influxframe/influxframe/frame"
)

func TestOptionsDefaults(t *testing.T) {
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{
		Mode: ModeBatching, Workers: runtime.NumCPU(), BatchSize: 5000, FlushInterval: time.Second,
		RetryInterval: 5 * time.Second, MaxRetries: 5, MaxRetryDelay: 125 * time.Second,
		MaxRetryTime: 180 * time.Second, ExponentialBase: 2, ProgressInterval: time.Second,
	}
	if fmt.Sprintf("%+v", o) != fmt.Sprintf("%+v", want) {
		t.Errorf("defaults\n got %+v\nwant %+v", o, want)
	}
	o, err = Options{MaxRetries: NoRetries, Mode: ModeSync, Workers: 3}.withDefaults()
	if err != nil || o.MaxRetries != 0 || o.Mode != ModeSync || o.Workers != 3 {
		t.Errorf("NoRetries: %+v, %v", o, err)
	}
}

func TestOptionsInvalid(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		text string
	}{
		{"mode", Options{Mode: "fast"}, `mode "fast"`},
		{"workers", Options{Workers: -1}, "workers -1"},
		{"batch size", Options{BatchSize: -5}, "batch size -5"},
		{"flush interval", Options{FlushInterval: -time.Second}, "flush interval"},
		{"jitter", Options{JitterInterval: -1}, "jitter interval"},
		{"retry interval", Options{RetryInterval: -1}, "retry interval"},
		{"max retries", Options{MaxRetries: -2}, "max retries -2"},
		{"max retry delay", Options{MaxRetryDelay: -1}, "max retry delay"},
		{"max retry time", Options{MaxRetryTime: -1}, "max retry time"},
		{"base below 1", Options{ExponentialBase: 0.5}, "exponential base 0.5"},
		{"precision", Options{Precision: 9}, "precision 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.opts.withDefaults()
			if err == nil || !strings.Contains(err.Error(), tc.text) || !strings.HasPrefix(err.Error(), "sink: invalid option: ") {
				t.Errorf("got %v, want an error containing %q", err, tc.text)
			}
		})
	}
	// Every invalid option is named, not only the first.
	_, err := Options{Workers: -1, BatchSize: -1}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), "workers") || !strings.Contains(err.Error(), "batch size") {
		t.Errorf("two invalid options: %v", err)
	}
	if _, err := Write(context.Background(), nil, "", "b", (&frame.Frame{}).Reader(), Options{}); err == nil {
		t.Error("Write(nil client): no error")
	}
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"sync", "async", "batching"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	if _, err := ParseMode("Sync"); err == nil {
		t.Error("ParseMode(Sync): no error")
	}
}

func TestRetryDelay(t *testing.T) {
	o := Options{RetryInterval: 5 * time.Second, ExponentialBase: 2, MaxRetryDelay: 125 * time.Second}
	low := func(int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	tests := []struct {
		name       string
		opts       Options
		n          int
		retryAfter time.Duration
		rnd        func(int64) int64
		want       time.Duration
	}{
		{"first, low end", o, 1, 0, low, 5 * time.Second},
		{"first, high end", o, 1, 0, high, 10 * time.Second},
		{"second, low end", o, 2, 0, low, 10 * time.Second},
		{"second, high end", o, 2, 0, high, 20 * time.Second},
		{"fifth, low end", o, 5, 0, low, 80 * time.Second},
		{"fifth, high end capped", o, 5, 0, high, 125 * time.Second},
		{"sixth, low end capped", o, 6, 0, low, 125 * time.Second},
		{"huge n capped", o, 5000, 0, high, 125 * time.Second},
		{"retry-after wins", o, 1, 30 * time.Second, high, 30 * time.Second},
		{"retry-after above the cap", o, 1, 300 * time.Second, low, 300 * time.Second},
		{"base 1 is constant", Options{RetryInterval: time.Second, ExponentialBase: 1, MaxRetryDelay: time.Minute}, 7, 0, high, time.Second},
		{"base 3", Options{RetryInterval: time.Second, ExponentialBase: 3, MaxRetryDelay: time.Minute}, 3, 0, low, 9 * time.Second},
		{"n 0 taken as 1", o, 0, 0, low, 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.opts.retryDelay(tc.n, tc.retryAfter, tc.rnd); got != tc.want {
				t.Errorf("retryDelay(%d) = %s, want %s", tc.n, got, tc.want)
			}
		})
	}
	// With a real random source every delay stays in its range.
	for n := 1; n <= 8; n++ {
		lo := o.retryDelay(n, 0, low)
		hi := o.retryDelay(n, 0, high)
		for range 100 {
			d := o.retryDelay(n, 0, func(m int64) int64 { return time.Now().UnixNano() % m })
			if d < lo || d > hi {
				t.Fatalf("retry %d: %s outside [%s, %s]", n, d, lo, hi)
			}
		}
	}
}
