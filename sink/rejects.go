package sink

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
)

// rejects is the rejects file: line protocol that, imported, completes an
// import. Points the server refused, or that were never sent because the
// import stopped, are written as lines, each group following a comment line
// "# <reason>". Rows that never became points are comment lines
// "# <file>:<line>: <reason>: <csv row>".
//
// Timestamps are always written in nanoseconds, whatever precision the
// points were posted with, so the file imports with the default precision.
// In a comment, backslashes, double quotes and control characters are
// escaped (\\, \", \n, \r, \t, \xNN): InfluxDB's parser looks for quotes
// before it sees that a line is a comment, and an unescaped quote would
// make it read the following points as part of the comment.
//
// A rejects made by newRejects creates its file only when something is
// first rejected. It is safe for concurrent use. Call close when done.
type rejects struct {
	mu     sync.Mutex
	path   string
	create func() (io.Writer, error)
	w      *bufio.Writer
	c      io.Closer
	last   string // reason of the last group written
	points int64
	rows   int64
	err    error
	closed bool
	scr    []byte
}

// newRejects returns a rejects that writes to the file at path, creating
// (or truncating) it when the first rejected point or row arrives.
func newRejects(path string) *rejects {
	r := &rejects{path: path}
	r.create = func() (io.Writer, error) {
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		r.c = f
		return f, nil
	}
	return r
}

// newRejectsWriter returns a rejects that writes to w. close does not
// close w.
func newRejectsWriter(w io.Writer) *rejects {
	return &rejects{create: func() (io.Writer, error) { return w, nil }}
}

// created reports whether anything has been written.
func (r *rejects) created() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w != nil
}

// open makes sure the output exists. It is called with r.mu held.
func (r *rejects) open() error {
	if r.err != nil {
		return r.err
	}
	if r.closed {
		return fmt.Errorf("sink: rejects file: %w", os.ErrClosed)
	}
	if r.w != nil {
		return nil
	}
	w, err := r.create()
	if err != nil {
		r.err = fmt.Errorf("sink: rejects file: %w", err)
		return r.err
	}
	r.w = bufio.NewWriterSize(w, 64<<10)
	return nil
}

// addLines writes points after the comment "# reason". Each element of
// lines is one point in line protocol at precision p, with or without its
// final newline, as this package encodes it: the timestamp is the text
// after the last space (a string field may hold spaces and newlines). The
// timestamps are rewritten in nanoseconds.
func (r *rejects) addLines(reason string, p frame.Precision, lines ...[]byte) error {
	if len(lines) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.open(); err != nil {
		return err
	}
	if reason != r.last {
		r.comment(reason)
		r.last = reason
	}
	for _, line := range lines {
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) == 0 {
			continue
		}
		r.scr = lineproto.AppendNanoLine(r.scr[:0], line, p)
		r.note(r.w.Write(r.scr))
		r.points++
	}
	// A group of points is flushed at once, so that a killed import
	// leaves them in the file.
	r.note(0, r.w.Flush())
	return r.err
}

// addRow writes a row that never became a point as the comment
// "# position: reason: csv row" (see frame.Reject.Position).
func (r *rejects) addRow(rj *frame.Reject) error {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(rj.Cells)
	cw.Flush()
	text := strings.TrimSuffix(b.String(), "\n")
	pos := rj.Position()
	if pos != "" {
		pos += ": "
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.open(); err != nil {
		return err
	}
	r.comment(pos + rj.Reason + ": " + text)
	r.last = "" // the next group of lines needs its own comment
	r.rows++
	return r.err
}

// comment writes "# text" as one line. It is called with r.mu held.
func (r *rejects) comment(text string) {
	r.scr = lineproto.AppendComment(r.scr[:0], text)
	r.note(r.w.Write(r.scr))
}

// note keeps the first write error. It is called with r.mu held.
func (r *rejects) note(_ int, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("sink: rejects file: %w", err)
	}
}

// flush writes buffered data to the file.
func (r *rejects) flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		return r.err
	}
	r.note(0, r.w.Flush())
	return r.err
}

// close flushes and closes the file. A rejects that never received
// anything creates no file.
func (r *rejects) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.w == nil {
		r.closed = true
		return r.err
	}
	r.closed = true
	r.note(0, r.w.Flush())
	if r.c != nil {
		r.note(0, r.c.Close())
		r.c = nil
	}
	return r.err
}

var lineBreaks = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

// oneLine replaces line breaks so that text fits on one comment line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return lineBreaks.Replace(s)
}
