package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/sink"
	"github.com/influxframe/influxframe/transform"
)

const messy = "time,host,v\n" +
	"2020-01-01T00:00:00Z,a,1\n" +
	"2020-01-01T00:00:01Z,b,\n" + // no field: rejected
	"soon,c,3\n" + // bad timestamp: rejected
	"2020-01-01T00:00:02Z,\"d e\",4\n"

func TestValidateAccountsForEveryRow(t *testing.T) {
	ctx := context.Background()
	r, err := Open(ctx, "-", frame.OpenOptions{Stdin: strings.NewReader(messy)}, transform.Options{Tags: []string{"host"}, TimeColumn: "time"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	samples, err := Validate(ctx, r, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := r.Report()
	if rep.RowsRead != 4 || rep.PointsBuilt != 2 || rep.RowsRejected != 2 {
		t.Errorf("read %d, built %d, rejected %d; want 4, 2, 2", rep.RowsRead, rep.PointsBuilt, rep.RowsRejected)
	}
	var lines []int64
	for _, s := range samples {
		lines = append(lines, s.Line)
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 4 {
		t.Errorf("reject lines %v, want [3 4]", lines)
	}
}

// TestDryRunWritesRejectsAndLineProtocol is the dry run of the import
// command: the same stages, ending in line protocol on a writer.
func TestDryRunWritesRejectsAndLineProtocol(t *testing.T) {
	dir := t.TempDir()
	rej := filepath.Join(dir, "messy.rejected.lp")
	var out bytes.Buffer
	ctx := context.Background()
	r, err := Open(ctx, "-", frame.OpenOptions{Stdin: strings.NewReader(messy)}, transform.Options{Tags: []string{"host"}, TimeColumn: "time", Measurement: "m"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	st, err := sink.WriteFile(ctx, &out, "lp", r, sink.Options{Rejects: rej})
	var ie *sink.IncompleteError
	if !errors.As(err, &ie) || ie.Cause != nil || ie.Lost != 2 || ie.Rejects != rej {
		t.Fatalf("err = %v, want 2 rows lost in %s and no cause", err, rej)
	}
	want := "m,host=a v=1 1577836800\nm,host=d\\ e v=4 1577836802\n"
	if out.String() != want {
		t.Errorf("line protocol:\n%s\nwant:\n%s", out.String(), want)
	}
	if st.Written != 2 || st.Rows != st.Written+st.Lost() || st.Rows != 4 {
		t.Errorf("counts do not add up: %+v", st)
	}
	data, err := os.ReadFile(rej)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# -:3: no field values: 2020-01-01T00:00:01Z,b,", "# -:4: bad timestamp"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("rejects file lacks %q:\n%s", w, data)
		}
	}
}

// TestConvertLeavesNoHalfFile converts into a file that appears only when
// the conversion is complete.
func TestConvertLeavesNoHalfFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	out := filepath.Join(dir, "out.csv")
	r, err := Open(ctx, "-", frame.OpenOptions{Stdin: strings.NewReader(messy)}, transform.Options{Tags: []string{"host"}, TimeColumn: "time", Measurement: "m"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Convert(ctx, r, out, sink.Options{Rejects: filepath.Join(dir, "r.lp")})
	r.Release()
	if !errors.Is(err, sink.ErrIncomplete) || st.Written != 2 {
		t.Fatalf("Convert: %v, %+v", err, st)
	}
	data, err := os.ReadFile(out)
	if err != nil || strings.Count(string(data), "\n") != 3 {
		t.Errorf("output %q, %v", data, err)
	}
	if _, err := Convert(ctx, r, filepath.Join(dir, "out.xlsx"), sink.Options{}); err == nil {
		t.Error("no error for an unknown format")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".out*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
