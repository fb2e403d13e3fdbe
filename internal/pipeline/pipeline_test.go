package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/transform"
)

const messy = "time,host,v\n" +
	"2020-01-01T00:00:00Z,a,1\n" +
	"2020-01-01T00:00:01Z,b,\n" + // no field: rejected
	"soon,c,3\n" + // bad timestamp: rejected
	"2020-01-01T00:00:02Z,\"d e\",4\n"

func TestValidateAccountsForEveryRow(t *testing.T) {
	res, err := Validate(context.Background(), []string{"-"}, Options{
		Stdin:     strings.NewReader(messy),
		Transform: transform.Options{Tags: []string{"host"}, TimeColumn: "time"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Report.RowsRead != 4 || r.Report.PointsBuilt != 2 || r.RowsRejected != 2 {
		t.Errorf("read %d, built %d, rejected %d; want 4, 2, 2", r.Report.RowsRead, r.Report.PointsBuilt, r.RowsRejected)
	}
	var lines []int64
	for _, s := range r.Samples {
		lines = append(lines, s.Line)
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 4 {
		t.Errorf("reject lines %v, want [3 4]", lines)
	}
}

func TestDryRunWritesRejectsAndLineProtocol(t *testing.T) {
	dir := t.TempDir()
	rej := filepath.Join(dir, "messy.rejected.lp")
	var out bytes.Buffer
	res, err := Import(context.Background(), nil, "", "", []string{"-"}, Options{
		Stdin:       strings.NewReader(messy),
		Transform:   transform.Options{Tags: []string{"host"}, TimeColumn: "time", Measurement: "m"},
		RejectsPath: rej,
		DryRun:      &out,
	})
	var ie *IncompleteError
	if !errors.As(err, &ie) || ie.Fatal != nil || ie.Lost != 2 {
		t.Fatalf("err = %v, want 2 rows lost and no fatal error", err)
	}
	want := "m,host=a v=1 1577836800\nm,host=d\\ e v=4 1577836802\n"
	if out.String() != want {
		t.Errorf("line protocol:\n%s\nwant:\n%s", out.String(), want)
	}
	r := res[0]
	if r.Write.Written != 2 || r.Report.RowsRead != r.Write.Written+r.Lost() {
		t.Errorf("counts do not add up: read %d, written %d, lost %d", r.Report.RowsRead, r.Write.Written, r.Lost())
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

func TestRejectsPathFor(t *testing.T) {
	for in, want := range map[string]string{
		"data/taxi.csv":                "data/taxi.csv.rejected.lp",
		"-":                            "stdin.rejected.lp",
		"https://example.com/t.csv.gz": "t.rejected.lp",
	} {
		if got := RejectsPathFor(in); got != want {
			t.Errorf("RejectsPathFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRejectsFileIsNeverTheInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.rejected.lp")
	if err := os.WriteFile(in, []byte("m v=1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Import(context.Background(), nil, "", "b", []string{in}, Options{RejectsPath: filepath.Join(dir, ".", "x.rejected.lp")})
	if err == nil || !strings.Contains(err.Error(), "cannot be the input") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(in); string(data) != "m v=1 1\n" {
		t.Errorf("input changed: %q", data)
	}
}
