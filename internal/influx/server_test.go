package influx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/internal/testserver"
)

// The tests below run against real servers (internal/testserver), shared
// by the package's tests; each test uses its own bucket or measurement.

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// connect loads settings for srv the way the CLI does (a config file in
// influxdb-client-python's format, overridden by flags) and builds a client.
func connect(t *testing.T, srv *testserver.Server, flags Settings, set Field) (Settings, influxdb2.Client) {
	t.Helper()
	ini := fmt.Sprintf("[influx2]\nurl = %s\norg = %s\ntoken = %s\nbucket = %s\ntimeout = 5000\n\n[tags]\nsource = ${env.SOURCE}\n",
		srv.URL, srv.Org, srv.Token, srv.Bucket)
	s, err := Load(Sources{ConfigFile: writeFile(t, "config.ini", ini), Environ: []string{"SOURCE=test"}, Flags: flags, Set: set})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return s, c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestDetect(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			_, c := connect(t, srv, Settings{}, 0)
			got, err := Detect(ctxT(t), c)
			if err != nil {
				t.Fatal(err)
			}
			want := map[testserver.Kind]ServerKind{testserver.V1: V1, testserver.V2: V2}[kind]
			if got.Kind != want {
				t.Errorf("Detect = %v, want kind %v", got, want)
			}
			t.Logf("detected %v (build %q)", got, got.Build)
		})
	}
}

func TestDetectUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := NewClient(Settings{URL: "http://" + addr, Token: testToken, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = Detect(ctxT(t), c)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error shows the token: %v", err)
	}
	t.Log(err)
}

func TestEnsureBucketV1(t *testing.T) {
	srv := testserver.Shared(t, testserver.V1)
	// Auth is disabled on the test server: a user:password token is accepted
	// and sent as basic authentication.
	_, c := connect(t, srv, Settings{Token: "admin:secret"}, FieldToken)
	ctx := ctxT(t)
	server, err := Detect(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	db := fmt.Sprintf(`we"ird db'%d ${x}`, time.Now().UnixNano())
	tests := []struct {
		name, bucket string
		created      bool
		err          error
	}{
		{"create", db, true, nil},
		{"exists", db, false, nil},
		{"exists with rp", db + "/autogen", false, nil},
		{"create with rp", db + "2/autogen", true, nil},
		{"missing rp", db + "/nope", false, ErrNotFound},
		{"no db", "/autogen", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created, err := EnsureBucket(ctx, c, server, "ignored", tt.bucket)
			if tt.name == "no db" {
				if err == nil {
					t.Fatal("no error for a bucket without database")
				}
				return
			}
			if (tt.err == nil) != (err == nil) || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if created != tt.created {
				t.Errorf("created %v, want %v", created, tt.created)
			}
		})
	}
	// The database is usable under its exact name.
	w := c.WriteAPIBlocking("", db+"/autogen")
	if err := w.WriteRecord(ctx, "m v=1 1700000000000000000"); err != nil {
		t.Fatalf("write to the created database: %v", err)
	}
}

func TestEnsureBucketV2(t *testing.T) {
	srv := testserver.Shared(t, testserver.V2)
	s, c := connect(t, srv, Settings{}, 0)
	ctx := ctxT(t)
	server, err := Detect(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("new bucket %d", time.Now().UnixNano())
	tests := []struct {
		name, org, bucket string
		created           bool
		err               error
	}{
		{"existing", s.Org, srv.Bucket, false, nil},
		{"create", s.Org, name, true, nil},
		{"exists", s.Org, name, false, nil},
		{"org by id", srv.OrgID, name, false, nil},
		{"create in org by id", srv.OrgID, name + "-2", true, nil},
		{"missing org", "no-such-org", name, false, ErrNotFound},
		{"no org", "", name, false, errors.New("an org is needed")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created, err := EnsureBucket(ctx, c, server, tt.org, tt.bucket)
			if err != nil {
				t.Log(err)
			}
			switch {
			case tt.err == nil && err != nil:
				t.Fatal(err)
			case tt.err != nil && err == nil:
				t.Fatalf("no error, want %v", tt.err)
			case tt.err != nil && !errors.Is(err, tt.err) && !strings.Contains(err.Error(), tt.err.Error()):
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if created != tt.created {
				t.Errorf("created %v, want %v", created, tt.created)
			}
		})
	}

	t.Run("bad token", func(t *testing.T) {
		_, bad := connect(t, srv, Settings{Token: testToken}, FieldToken)
		_, err := EnsureBucket(ctx, bad, server, s.Org, name)
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v, want ErrUnauthorized", err)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Fatalf("error shows the token: %v", err)
		}
		t.Log(err)
		werr := bad.WriteAPIBlocking(s.Org, srv.Bucket).WriteRecord(ctx, "m v=1")
		if werr = Classify(werr); !errors.Is(werr, ErrUnauthorized) {
			t.Fatalf("write with a bad token: %v, want ErrUnauthorized", werr)
		}
		t.Log(werr)
		_, qerr := bad.QueryAPI(s.Org).QueryRaw(ctx, `buckets()`, nil)
		if qerr = Classify(qerr); !errors.Is(qerr, ErrUnauthorized) {
			t.Fatalf("query with a bad token: %v, want ErrUnauthorized", qerr)
		}
	})
}

// TestRoundTrip writes through a client built from a config file (default
// tag from ${env.SOURCE}) and reads back with a Flux query that splices a
// hostile measurement name with QuoteFlux.
func TestRoundTrip(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			s, c := connect(t, srv, Settings{}, 0)
			ctx := ctxT(t)
			meas := fmt.Sprintf(`m "q" \b ${x} %d`, time.Now().UnixNano())
			ts := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
			p := influxdb2.NewPoint(meas, map[string]string{"k": "v"}, map[string]any{"f": 1.5}, ts)
			if err := c.WriteAPIBlocking(s.Org, s.Bucket).WritePoint(ctx, p); err != nil {
				t.Fatalf("write: %v", Classify(err))
			}
			flux := fmt.Sprintf(`from(bucket: %s) |> range(start: 2024-03-01T00:00:00Z, stop: 2024-04-01T00:00:00Z) |> filter(fn: (r) => r._measurement == %s)`,
				QuoteFlux(s.Bucket), QuoteFlux(meas))
			res, err := c.QueryAPI(s.Org).Query(ctx, flux)
			if err != nil {
				t.Fatalf("query: %v", Classify(err))
			}
			n := 0
			for res.Next() {
				r := res.Record()
				if r.Measurement() != meas || r.Value() != 1.5 || r.ValueByKey("source") != "test" || r.ValueByKey("k") != "v" {
					t.Errorf("record %v", r.Values())
				}
				n++
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("%d records, want 1", n)
			}
		})
	}
}

// TestV1Auth runs against a 1.8 server with authentication on, whose token
// is "admin:<password>".
func TestV1Auth(t *testing.T) {
	srv := testserver.RunWithOptions(t, testserver.V1, testserver.Options{Auth: true})
	ctx := ctxT(t)
	wrong := srv.User + ":" + testToken
	db := fmt.Sprintf("auth%d", time.Now().UnixNano())
	tests := []struct {
		name      string
		token     string
		authBasic bool
		created   bool
		err       error
	}{
		{"no token", "", false, false, ErrUnauthorized},
		{"wrong password", wrong, false, false, ErrUnauthorized},
		{"wrong password, basic", wrong, true, false, ErrUnauthorized},
		{"token", srv.Token, false, true, nil},
		{"token, basic", srv.Token, true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := connect(t, srv, Settings{Token: tt.token, AuthBasic: tt.authBasic}, FieldToken|FieldAuthBasic)
			server, err := Detect(ctx, c) // /ping needs no credentials
			if err != nil || server.Kind != V1 {
				t.Fatalf("Detect: %v, %v", server, err)
			}
			created, err := EnsureBucket(ctx, c, server, "", db+"/autogen")
			if (tt.err == nil) != (err == nil) || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("EnsureBucket: %v, want %v", err, tt.err)
			}
			if created != tt.created {
				t.Errorf("created %v, want %v", created, tt.created)
			}
			werr := Classify(c.WriteAPIBlocking("", db).WriteRecord(ctx, "m v=1 1700000000000000000"))
			if (tt.err == nil) != (werr == nil) || (tt.err != nil && !errors.Is(werr, tt.err)) {
				t.Fatalf("write: %v, want %v", werr, tt.err)
			}
			for _, e := range []error{err, werr} {
				if e != nil && strings.Contains(e.Error(), testToken) {
					t.Fatalf("error shows the password: %v", e)
				}
			}
			if err != nil {
				t.Log(err)
				t.Log(werr)
			}
		})
	}
}
