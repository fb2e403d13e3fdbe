package sink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRejectsPath(t *testing.T) {
	for _, tc := range []struct{ in, meas, want string }{
		{"data/taxi.csv", "taxi", "data/taxi.csv.rejected.lp"},
		{"-", "stdin", "stdin.rejected.lp"},
		{"https://example.com/t.csv.gz", "t", "t.rejected.lp"},
		{"", "weather", "weather.rejected.lp"},
	} {
		if got := RejectsPath(tc.in, tc.meas); got != tc.want {
			t.Errorf("RejectsPath(%q, %q) = %q, want %q", tc.in, tc.meas, got, tc.want)
		}
	}
}

func TestRejectsFileIsNeverTheInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.rejected.lp")
	if err := os.WriteFile(in, []byte("m v=1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := openRejects(in, "m", &Options{Rejects: filepath.Join(dir, ".", "x.rejected.lp")})
	if err == nil || !strings.Contains(err.Error(), "cannot be the input") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(in); string(data) != "m v=1 1\n" {
		t.Errorf("input changed: %q", data)
	}
}
