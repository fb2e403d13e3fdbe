package sink

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
)

// Rejects is the rejects file: line protocol that, imported, completes an
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
// A Rejects made by NewRejects creates its file only when something is
// first rejected. It is safe for concurrent use. Call Close when done.
type Rejects struct {
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

// NewRejects returns a Rejects that writes to the file at path, creating
// (or truncating) it when the first rejected point or row arrives.
func NewRejects(path string) *Rejects {
	r := &Rejects{path: path}
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

// NewRejectsWriter returns a Rejects that writes to w. Close does not close
// w.
func NewRejectsWriter(w io.Writer) *Rejects {
	return &Rejects{create: func() (io.Writer, error) { return w, nil }}
}

// Path returns the file's path ("" for a Rejects made by NewRejectsWriter).
func (r *Rejects) Path() string { return r.path }

// Counts returns the number of points and of rows written so far.
func (r *Rejects) Counts() (points, rows int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.points, r.rows
}

// Created reports whether anything has been written.
func (r *Rejects) Created() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w != nil
}

// open makes sure the output exists. It is called with r.mu held.
func (r *Rejects) open() error {
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

// AddLines writes points after the comment "# reason". Each element of
// lines is one point in line protocol at precision p, with or without its
// final newline, as this package encodes it: the timestamp is the text
// after the last space (a string field may hold spaces and newlines). The
// timestamps are rewritten in nanoseconds.
func (r *Rejects) AddLines(reason string, p lineprotocol.Precision, lines ...[]byte) error {
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
		r.scr = appendNanoLine(r.scr[:0], line, p)
		r.note(r.w.Write(r.scr))
		r.points++
	}
	// A group of points is flushed at once, so that a killed import
	// leaves them in the file.
	r.note(0, r.w.Flush())
	return r.err
}

// AddRow writes a row that never became a point as the comment
// "# file:line: reason: csv row". An empty file or a line of 0 is left out
// of the position.
func (r *Rejects) AddRow(file string, line int64, reason string, row []string) error {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(row)
	cw.Flush()
	text := strings.TrimSuffix(b.String(), "\n")

	var pos string
	switch {
	case file != "" && line > 0:
		pos = file + ":" + strconv.FormatInt(line, 10) + ": "
	case file != "":
		pos = file + ": "
	case line > 0:
		pos = "line " + strconv.FormatInt(line, 10) + ": "
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.open(); err != nil {
		return err
	}
	r.comment(pos + reason + ": " + text)
	r.last = "" // the next group of lines needs its own comment
	r.rows++
	return r.err
}

// comment writes "# text" as one line. It is called with r.mu held.
func (r *Rejects) comment(text string) {
	r.note(r.w.WriteString("# " + commentText(text) + "\n"))
}

// note keeps the first write error. It is called with r.mu held.
func (r *Rejects) note(_ int, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("sink: rejects file: %w", err)
	}
}

// Flush writes buffered data to the file.
func (r *Rejects) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		return r.err
	}
	r.note(0, r.w.Flush())
	return r.err
}

// Close flushes and closes the file. A Rejects that never received
// anything creates no file.
func (r *Rejects) Close() error {
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

// commentText escapes text for a comment line: see Rejects.
func commentText(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = c >= 0x20 && c != 0x7f && c != '\\' && c != '"'
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var lineBreaks = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

// oneLine replaces line breaks so that text fits on one comment line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return lineBreaks.Replace(s)
}
