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
