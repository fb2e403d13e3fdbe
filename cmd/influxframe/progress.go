package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/influxframe/influxframe/sink"
)

// progress shows how an import goes: a live bar on a terminal (rows, MB,
// rows/s, ETA), a line every interval otherwise, or nothing.
type progress struct {
	w        io.Writer
	live     bool          // a bar rather than lines
	interval time.Duration // between lines, or bar refreshes
}

// newProgress returns the display for --progress mode, or nil for none.
func newProgress(mode string, w io.Writer) (*progress, error) {
	switch mode {
	case "never":
		return nil, nil
	case "always":
		return &progress{w: w, live: true, interval: 200 * time.Millisecond}, nil
	case "auto":
		if isTerminal(w) {
			return &progress{w: w, live: true, interval: 200 * time.Millisecond}, nil
		}
		return &progress{w: w, interval: 10 * time.Second}, nil
	}
	return nil, usagef("--progress %q: want auto, always or never", mode)
}

// watch starts showing one input's progress; the returned function stops
// the display's goroutine and waits for it.
func (p *progress) watch(file string, rows int64, stats func() sink.Stats) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.run(file, rows, stats, stop)
	}()
	return func() {
		close(stop)
		wg.Wait()
	}
}

func (p *progress) run(file string, rows int64, stats func() sink.Stats, stop <-chan struct{}) {
	start := time.Now()
	var bar *progressbar.ProgressBar
	if p.live {
		bar = progressbar.NewOptions64(rows,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(file),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(p.interval),
			progressbar.OptionClearOnFinish(),
		)
	}
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			if bar != nil {
				bar.Finish()
			}
			return
		case <-t.C:
		}
		st := stats()
		done := st.Written + st.Rejected + st.Skipped
		if bar != nil {
			bar.Describe(fmt.Sprintf("%s %.1f MB", file, float64(st.Bytes)/1e6))
			bar.Set64(done)
			continue
		}
		el := time.Since(start).Seconds()
		of := ""
		if rows >= 0 {
			of = fmt.Sprintf(" of %d", rows)
		}
		fmt.Fprintf(p.w, "%s: %d%s rows (%d written, %d not), %.1f MB, %.0f rows/s\n",
			file, done, of, st.Written, st.Rejected+st.Skipped, float64(st.Bytes)/1e6, float64(done)/el)
	}
}
