package sink

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrJournal is what the error about a journal that cannot be resumed is
// (errors.Is): written for another input or other options, or unreadable.
var ErrJournal = errors.New("journal does not match this write")

// journalMagic starts the first line of a journal, before its key.
const journalMagic = "influxframe-journal 1"

// journalSync is how often a journal is synced to the disk, for power
// loss; every entry reaches the operating system at once, for a killed
// process.
const journalSync = time.Second

// A journal records, as acknowledgements arrive, which rows of which
// records of a write the server acknowledged, so that the same write,
// stopped by anything (a killed process included) and run again with
// Options.Resume, sends only the rest.
//
// It is text: a first line "influxframe-journal 1 KEY", then a line "SEQ
// LO HI" for each run of rows [LO, HI) of the SEQ-th record (from 0) that
// the server acknowledged, and a last line "done" when the write ended with
// every row written or rejected. A line cut short by a kill is ignored.
type journal struct {
	path string

	mu       sync.Mutex
	f        *os.File
	w        *bufio.Writer
	synced   time.Time
	err      error
	buf      []byte
	complete bool // the journal read said the write was done
}

// rowRange is a run of rows [lo, hi) of one record.
type rowRange struct{ lo, hi int32 }

// acked is what a journal says the server acknowledged: per record, sorted
// disjoint row ranges.
type acked map[int64][]rowRange

// covers returns the number of rows of [0, n) that rs covers.
func covers(rs []rowRange, n int) int {
	c := 0
	for _, r := range rs {
		c += int(min(r.hi, int32(n)) - min(r.lo, int32(n)))
	}
	return c
}

// contains reports whether rs, sorted, covers row i; from is where to start
// looking, and the returned index is where to start for the next row.
func contains(rs []rowRange, i int32, from int) (bool, int) {
	for from < len(rs) && rs[from].hi <= i {
		from++
	}
	return from < len(rs) && rs[from].lo <= i, from
}

// openJournal opens the journal at path for a write identified by key.
// With resume, an existing journal of the same key is read (one of another
// key is an error wrapping ErrJournal, and nothing is sent) and then
// appended to; otherwise, or when there is none, a new one is started.
func openJournal(path, key string, resume bool) (*journal, acked, error) {
	if strings.ContainsAny(key, "\n\r") {
		return nil, nil, fmt.Errorf("sink: journal key holds a line break")
	}
	j := &journal{path: path, synced: time.Now()}
	ack := acked{}
	if resume {
		f, err := os.Open(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			resume = false // nothing to resume: start from the beginning
		case err != nil:
			return nil, nil, fmt.Errorf("sink: journal: %w", err)
		default:
			ack, j.complete, err = readJournal(f, path, key)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
		}
	}
	var err error
	if resume {
		j.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	} else {
		j.f, err = os.Create(path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sink: journal: %w", err)
	}
	j.w = bufio.NewWriterSize(j.f, 4096)
	if !resume {
		j.w.WriteString(journalMagic + " " + key + "\n")
		if err := j.flush(true); err != nil {
			j.f.Close()
			return nil, nil, err
		}
	}
	return j, ack, nil
}

// readJournal reads a journal written for key.
func readJournal(r io.Reader, path, key string) (acked, bool, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, journalMagic+" ") {
		return nil, false, fmt.Errorf("sink: %s: %w: not a journal of influxframe", path, ErrJournal)
	}
	if got := strings.TrimSuffix(strings.TrimPrefix(head, journalMagic+" "), "\n"); got != key {
		return nil, false, fmt.Errorf("sink: %s: %w: it was written for another input, or with other options (the file changed, or the flags did); "+
			"run the same command as before, or remove the journal to start over", path, ErrJournal)
	}
	ack := acked{}
	done := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			break // the end, or a line cut short by a kill
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "done" {
			done = true
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, false, fmt.Errorf("sink: %s: %w: bad line %q", path, ErrJournal, line)
		}
		seq, err1 := strconv.ParseInt(f[0], 10, 64)
		lo, err2 := strconv.ParseInt(f[1], 10, 32)
		hi, err3 := strconv.ParseInt(f[2], 10, 32)
		if err1 != nil || err2 != nil || err3 != nil || lo < 0 || hi < lo {
			return nil, false, fmt.Errorf("sink: %s: %w: bad line %q", path, ErrJournal, line)
		}
		ack[seq] = append(ack[seq], rowRange{int32(lo), int32(hi)})
	}
	for seq, rs := range ack {
		ack[seq] = merge(rs)
	}
	return ack, done, nil
}

// merge sorts ranges and joins those that touch or overlap.
func merge(rs []rowRange) []rowRange {
	slices.SortFunc(rs, func(a, b rowRange) int { return int(a.lo - b.lo) })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// rowRef is a line's record and row, for the journal.
type rowRef struct {
	seq int64
	row int32
}

// add records that the rows of refs were acknowledged.
func (j *journal) add(refs []rowRef) {
	if len(refs) == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	b := j.buf[:0]
	start := 0
	for i := 1; i <= len(refs); i++ {
		if i < len(refs) && refs[i].seq == refs[i-1].seq && refs[i].row == refs[i-1].row+1 {
			continue
		}
		b = strconv.AppendInt(b, refs[start].seq, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(refs[start].row), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(refs[i-1].row)+1, 10)
		b = append(b, '\n')
		start = i
	}
	j.buf = b
	j.w.Write(b)
	j.flush(time.Since(j.synced) >= journalSync)
}

// flush hands what is buffered to the operating system, which a killed
// process cannot lose, and syncs it to the disk when sync is set. It is
// called with j.mu held, or before the journal is shared.
func (j *journal) flush(sync bool) error {
	if err := j.w.Flush(); err != nil && j.err == nil {
		j.err = fmt.Errorf("sink: journal: %w", err)
	}
	if sync {
		if err := j.f.Sync(); err != nil && j.err == nil {
			j.err = fmt.Errorf("sink: journal: %w", err)
		}
		j.synced = time.Now()
	}
	return j.err
}

// close ends the journal, saying "done" when every row was written or
// rejected, and returns the first error met.
func (j *journal) close(done bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if done {
		j.w.WriteString("done\n")
	}
	j.flush(true)
	if err := j.f.Close(); err != nil && j.err == nil {
		j.err = fmt.Errorf("sink: journal: %w", err)
	}
	return j.err
}
