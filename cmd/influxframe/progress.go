package main

import (
	"fmt"
	"io"
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

// track returns the function that shows one input's counts, for
// sink.Options.Progress, and the one that ends its display. verb says what
// became of the rows that did not fail ("written", "built").
func (p *progress) track(file, verb string) (update func(sink.Stats), done func()) {
	start := time.Now()
	last := start
	var bar *progressbar.ProgressBar
	update = func(st sink.Stats) {
		n := st.Written + st.Lost()
		if !p.live {
			// A line per interval; the summary says the rest.
			if time.Since(last) < p.interval {
				return
			}
			last = time.Now()
			of := ""
			if st.Total >= 0 {
				of = fmt.Sprintf(" of %d", st.Total)
			}
			fmt.Fprintf(p.w, "%s: %d%s rows (%d %s, %d not), %.1f MB, %.0f rows/s\n",
				file, n, of, st.Written, verb, st.Lost(), float64(st.Bytes)/1e6, float64(n)/time.Since(start).Seconds())
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions64(st.Total,
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
		bar.Describe(fmt.Sprintf("%s %.1f MB", file, float64(st.Bytes)/1e6))
		bar.Set64(n)
	}
	done = func() {
		if bar != nil {
			bar.Finish()
		}
	}
	return update, done
}

// inferring returns the function that shows the inference pass over one
// input (frame.CSVOptions.Inferring): bytes read, MB/s and, for a file,
// the size and the time left.
func (p *progress) inferring(file string) func(read, size int64) {
	start := time.Now()
	last := start
	var bar *progressbar.ProgressBar
	return func(read, size int64) {
		if p.live {
			if bar == nil {
				bar = progressbar.NewOptions64(size,
					progressbar.OptionSetWriter(p.w),
					progressbar.OptionSetDescription(file+": inferring types"),
					progressbar.OptionShowBytes(true),
					progressbar.OptionSetPredictTime(true),
					progressbar.OptionThrottle(p.interval),
					progressbar.OptionClearOnFinish(),
				)
			}
			bar.Set64(read)
			if size >= 0 && read >= size {
				bar.Finish()
			}
			return
		}
		if time.Since(last) < p.interval {
			return
		}
		last = time.Now()
		el := time.Since(start).Seconds()
		of := ""
		if size > 0 {
			left := time.Duration(float64(size-read) / (float64(read) / el) * float64(time.Second))
			of = fmt.Sprintf(" of %.1f MB, %s left", float64(size)/1e6, left.Round(time.Second))
		}
		fmt.Fprintf(p.w, "%s: inferring types: %.1f MB read%s, %.1f MB/s\n", file, float64(read)/1e6, of, float64(read)/1e6/el)
	}
}
