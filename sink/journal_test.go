package sink

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.journal")
	j, ack, err := openJournal(path, "k1", true) // nothing to resume yet
	if err != nil || len(ack) != 0 {
		t.Fatalf("new journal: %v, %v", ack, err)
	}
	j.add([]rowRef{{0, 0}, {0, 1}, {0, 2}, {1, 5}, {0, 3}, {2, 0}})
	j.add([]rowRef{{1, 6}, {1, 7}})
	if err := j.close(false); err != nil {
		t.Fatal(err)
	}
	// A kill may cut the last line short.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("3 0 1")
	f.Close()

	j, ack, err = openJournal(path, "k1", true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(ack), "map[0:[{0 4}] 1:[{5 8}] 2:[{0 1}]]"; got != want {
		t.Errorf("acked %s, want %s", got, want)
	}
	if n := covers(ack[1], 7); n != 2 {
		t.Errorf("covers %d of 7 rows, want 2", n)
	}
	j.close(true)
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "influxframe-journal 1 k1\n") || !strings.HasSuffix(string(data), "done\n") {
		t.Errorf("journal:\n%s", data)
	}

	if _, _, err := openJournal(path, "k2", true); !errors.Is(err, ErrJournal) || !strings.Contains(err.Error(), "another input, or with other options") {
		t.Errorf("another key: %v", err)
	}
	os.WriteFile(path, []byte("influxframe-journal 1 k1\n0 x 1\n"), 0o644)
	if _, _, err := openJournal(path, "k1", true); !errors.Is(err, ErrJournal) {
		t.Errorf("a bad line: %v", err)
	}
	// Without Resume, a journal starts over.
	j, ack, err = openJournal(path, "k2", false)
	if err != nil || len(ack) != 0 {
		t.Fatalf("start over: %v, %v", ack, err)
	}
	j.close(false)
	if data, _ := os.ReadFile(path); string(data) != "influxframe-journal 1 k2\n" {
		t.Errorf("journal after starting over: %q", data)
	}
}

func TestContains(t *testing.T) {
	rs := []rowRange{{2, 4}, {6, 7}}
	var got []int32
	at := 0
	for i := int32(0); i < 9; i++ {
		var in bool
		if in, at = contains(rs, i, at); in {
			got = append(got, i)
		}
	}
	if fmt.Sprint(got) != "[2 3 6]" {
		t.Errorf("contains: %v", got)
	}
}
