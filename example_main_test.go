package influxframe_test

import (
	"bytes"
	"flag"
	"go/doc"
	"go/parser"
	"go/token"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

// TestMain shares one server of each kind between the tests, and leaves
// the package Example out when no server can run here (it talks to a real
// one, and an example cannot skip itself); with CI=true it always runs.
func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("CI") != "true" {
		for _, k := range testserver.Kinds {
			if _, err := os.Stat(testserver.Binary(k)); err != nil {
				flag.Set("test.skip", "^Example$")
			}
		}
	}
	os.Exit(testserver.Main(m))
}

// TestExample runs the package Example against each real server and
// compares what it prints with its Output comment. The 1.8 server goes
// last, and the environment is left pointing at it: `go test` runs the
// Example once more after the tests, as the documentation shows it.
func TestExample(t *testing.T) {
	want := exampleOutput(t, "example_test.go", "")
	for _, kind := range []testserver.Kind{testserver.V2, testserver.V1} {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			pointEnvAt(srv, srv.NewBucket(t))
			if got := captureStdout(t, Example); strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("the example printed:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// pointEnvAt sets the INFLUXDB_V2_* environment to a server's bucket, as
// a user's shell would.
func pointEnvAt(srv *testserver.Server, bucket string) {
	os.Setenv("INFLUXDB_V2_URL", srv.URL)
	os.Setenv("INFLUXDB_V2_TOKEN", srv.Token)
	os.Setenv("INFLUXDB_V2_ORG", srv.Org)
	os.Setenv("INFLUXDB_V2_BUCKET", bucket)
}

// exampleOutput returns the Output comment of the example called name in
// a test file of this package.
func exampleOutput(t *testing.T, file, name string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range doc.Examples(f) {
		if ex.Name == name {
			return ex.Output
		}
	}
	t.Fatalf("no example %q in %s", name, file)
	return ""
}

// captureStdout runs f and returns what it printed on os.Stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	out := make(chan string)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, r)
		out <- b.String()
	}()
	defer func() {
		os.Stdout = old
	}()
	f()
	w.Close()
	os.Stdout = old
	return <-out
}
