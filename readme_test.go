package influxframe_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

// readmeProgram returns the Go program of the README's "From Go" section.
func readmeProgram(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "## From Go")
	if i < 0 {
		t.Fatal(`README.md has no "## From Go" section`)
	}
	s = s[i:]
	start := strings.Index(s, "```go\npackage main\n")
	if start < 0 {
		t.Fatal("the From Go section has no complete program")
	}
	s = s[start+len("```go\n"):]
	end := strings.Index(s, "\n```")
	if end < 0 {
		t.Fatal("the program's code block does not end")
	}
	return s[:end+1]
}

// TestREADMEProgram builds the README's program from the README's own text
// and runs it against each real server, as a reader who pastes it would:
// connection from the environment, the file as its argument.
func TestREADMEProgram(t *testing.T) {
	src := readmeProgram(t)
	checkProgramShape(t, src)

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// The program is built as a package of this module that exists only in
	// an overlay, so that it imports this checkout's packages.
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(root, "internal", "readmeprogram", "main.go"): filepath.Join(dir, "main.go"),
	}})
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "prog")
	build := exec.Command("go", "build", "-overlay", filepath.Join(dir, "overlay.json"), "-o", bin, "./internal/readmeprogram")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the README program: %v\n%s", err, out)
	}
	csv, err := os.ReadFile("testdata/weather.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			in := filepath.Join(t.TempDir(), "weather.csv")
			if err := os.WriteFile(in, csv, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, in)
			cmd.Env = append(os.Environ(), "INFLUXDB_V2_URL="+srv.URL, "INFLUXDB_V2_TOKEN="+srv.Token,
				"INFLUXDB_V2_ORG="+srv.Org, "INFLUXDB_V2_BUCKET="+bucket)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the README program: %v\n%s", err, out)
			}
			text := string(out)
			// Four rows written, and read back with their values: the
			// table has a line holding each row's cells.
			if !strings.Contains(text, in+": 4 rows read, 4 written") || !strings.Contains(text, "[4x7] DataFrame") {
				t.Errorf("output:\n%s", text)
			}
			for _, row := range [][]string{
				{"2024-03-01T00:00:00Z", "Oslo", "80.000000", "clear", "1.500000"},
				{"2024-03-01T00:00:00Z", "Bergen", "95.000000", "rain", "4.000000"},
				{"2024-03-01T01:00:00Z", "Oslo", "82.000000", "clear", "0.500000"},
				{"2024-03-01T01:00:00Z", "Bergen", "NaN", "rain", "4.500000"},
			} {
				if !hasRow(text, row) {
					t.Errorf("output lacks the row %v:\n%s", row, text)
				}
			}
		})
	}
}

// checkProgramShape checks what the README promises of its program: only
// public packages, and a main of about twenty lines that are not blank,
// comments or error checks.
func checkProgramShape(t *testing.T, src string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("the README program does not parse: %v", err)
	}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); strings.Contains(p, "/internal") {
			t.Errorf("the README program imports %s, which a reader cannot", p)
		}
	}
	var main *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "main" {
			main = fd
		}
	}
	if main == nil {
		t.Fatal("the README program has no main")
	}
	lines := strings.Split(src, "\n")
	first, last := fset.Position(main.Body.Lbrace).Line, fset.Position(main.Body.Rbrace).Line
	n := 0
	for _, l := range lines[first : last-1] {
		l = strings.TrimSpace(l)
		switch {
		case l == "", l == "}", strings.HasPrefix(l, "//"), l == "if err != nil {", strings.HasPrefix(l, "log.Fatal(err)"):
		default:
			n++
		}
	}
	if n > 24 {
		t.Errorf("main has %d lines of logic; the README promises about 20", n)
	}
	t.Logf("main: %d lines of logic", n)
}

// hasRow reports whether a line of text holds every cell of row.
func hasRow(text string, row []string) bool {
	for _, line := range strings.Split(text, "\n") {
		cells := map[string]bool{}
		for _, f := range strings.Fields(line) {
			cells[f] = true
		}
		all := true
		for _, c := range row {
			all = all && cells[c]
		}
		if all {
			return true
		}
	}
	return false
}
