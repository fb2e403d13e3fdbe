package testserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

// Kind is a server version this package can run.
type Kind string

// The kinds of server, named by their version.
const (
	V1 Kind = "1.8.10"
	V2 Kind = "2.0.9"
)

// Kinds lists every kind, for tests that run against each.
var Kinds = []Kind{V1, V2}

// Major returns 1 or 2.
func (k Kind) Major() int {
	if strings.HasPrefix(string(k), "1.") {
		return 1
	}
	return 2
}

// ErrNoBinary is the cause when a kind's influxd binary is not installed.
var ErrNoBinary = errors.New("testserver: influxd binary not found")

// CacheDir is where `make servers` puts the binaries:
// $INFLUXFRAME_CACHE, or $XDG_CACHE_HOME/influxframe, or
// $HOME/.cache/influxframe.
func CacheDir() string {
	if d := os.Getenv("INFLUXFRAME_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "influxframe")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return filepath.Join(home, ".cache", "influxframe")
}

// Binary returns the path of kind's influxd: $INFLUXFRAME_INFLUXD_1 or
// $INFLUXFRAME_INFLUXD_2 when set, else CacheDir()/influxdb-<version>/influxd.
func Binary(kind Kind) string {
	if p := os.Getenv("INFLUXFRAME_INFLUXD_" + strconv.Itoa(kind.Major())); p != "" {
		return p
	}
	return filepath.Join(CacheDir(), "influxdb-"+string(kind), "influxd")
}

// Server is a running influxd, started by Start and stopped by Stop.
type Server struct {
	Kind Kind
	// URL is the HTTP API's base URL, http://127.0.0.1:<port>.
	URL string
	// Org and OrgID are the onboarded organization (2.x); empty on 1.x.
	Org, OrgID string
	// Bucket is the onboarded bucket (2.x) or the database "test" (1.x).
	Bucket string
	// Token is the operator token (2.x); on 1.x it is empty (auth
	// disabled) or "admin:<password>" (Options.Auth).
	Token string
	// User and Password are the onboarded user's (2.x), or the admin's
	// of a 1.x server started with Options.Auth; empty otherwise.
	User, Password string
	// Dir holds the server's data, config and log (influxd.log).
	Dir string

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has been waited for
	waitErr  error         // set before exited is closed
	logFile  *os.File
	tail     *tailBuffer
	stopOnce sync.Once
	stopErr  error
}

// Client returns a new client of the server, with its token; the caller
// closes it.
func (s *Server) Client() influxdb2.Client {
	return influxdb2.NewClientWithOptions(s.URL, s.Token, influxdb2.DefaultOptions().SetApplicationName("influxframe-test"))
}

// Pid returns the server process's id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Done is closed when the server process has ended, by Stop or on its own.
func (s *Server) Done() <-chan struct{} { return s.exited }

// LogTail returns the last few kilobytes the server logged.
func (s *Server) LogTail() string { return s.tail.String() }

// Start runs kind's influxd on free loopback ports with its data under dir
// (which must exist), waits until GET /health passes (at most StartTimeout,
// failing early with the log's tail if the process dies), and prepares it: on
// 1.x it creates the database "test"; on 2.x it onboards a random org,
// bucket, user and token with POST /api/v2/setup. The server's log goes to
// dir/influxd.log and to logw when it is not nil.
//
// ctx bounds the start only: once Start returns, the server runs until
// Stop. The process runs in its own process group (on Linux it is also
// killed if the calling thread dies). A start that fails because a port was
// taken meanwhile is retried on other ports.
func Start(ctx context.Context, kind Kind, dir string, logw io.Writer) (*Server, error) {
	return StartWithOptions(ctx, kind, dir, logw, Options{})
}

// Options change how StartWithOptions prepares a server.
type Options struct {
	// Auth turns authentication on for a 1.x server: an admin user
	// "admin" is created with a random password (Server.User,
	// Server.Password) and Token is "admin:<password>". A 2.x server
	// always requires its token.
	Auth bool
}

// StartWithOptions is Start with options.
func StartWithOptions(ctx context.Context, kind Kind, dir string, logw io.Writer, opts Options) (*Server, error) {
	bin := Binary(kind)
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return nil, fmt.Errorf("%w: %s (build it with `make servers`)", ErrNoBinary, bin)
	}
	if kind != V1 && kind != V2 {
		return nil, fmt.Errorf("testserver: unknown kind %q", kind)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(ctx, kind, bin, dir, logw, opts)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) || ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// StartTimeout bounds the wait for a new server's /health to pass. A 1.8
// server compiles Flux's standard library at start: about 5 seconds of CPU,
// much longer on a loaded machine.
const StartTimeout = 3 * time.Minute

// errPortTaken marks a start that failed because a port was in use.
var errPortTaken = errors.New("port already in use")

func start(ctx context.Context, kind Kind, bin, dir string, logw io.Writer, opts Options) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: kind, URL: "http://127.0.0.1:" + strconv.Itoa(ports[0]), Dir: dir, exited: make(chan struct{}), tail: &tailBuffer{max: 8 << 10}}
	var args []string
	switch kind {
	case V1:
		conf := filepath.Join(dir, "influxdb.conf")
		if err := os.WriteFile(conf, []byte(v1Config(dir, ports[0], ports[1], opts.Auth)), 0o644); err != nil {
			return nil, fmt.Errorf("testserver: %w", err)
		}
		args = []string{"-config", conf}
	case V2:
		args = []string{
			"--bolt-path", filepath.Join(dir, "influxd.bolt"),
			"--engine-path", filepath.Join(dir, "engine"),
			"--http-bind-address", "127.0.0.1:" + strconv.Itoa(ports[0]),
			"--reporting-disabled",
			"--log-level", "error",
		}
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "influxd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	s.logFile = logFile
	ws := []io.Writer{logFile, s.tail}
	if logw != nil {
		ws = append(ws, logw)
	}
	out := io.MultiWriter(ws...)

	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = serverEnv(dir)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("testserver: start %s: %w", bin, err)
	}
	s.cmd = cmd
	go func() { // owned by s: Stop waits for exited
		s.waitErr = cmd.Wait()
		_ = s.logFile.Close()
		close(s.exited)
	}()

	if err := s.waitHealthy(ctx, StartTimeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	var perr error
	switch kind {
	case V1:
		if opts.Auth {
			perr = s.createAdmin(ctx)
		}
		if perr == nil {
			perr = s.createDatabase(ctx, "test")
		}
	case V2:
		perr = s.onboard(ctx)
	}
	if perr != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("testserver: prepare %s: %w\n%s", kind, perr, s.tail.String())
	}
	return s, nil
}

// v1Config is a quiet, fast 1.8 configuration with everything under dir.
func v1Config(dir string, httpPort, rpcPort int, auth bool) string {
	q := strconv.Quote
	return fmt.Sprintf(`reporting-disabled = true
bind-address = %s

[meta]
  dir = %s
  logging-enabled = false

[data]
  dir = %s
  wal-dir = %s
  query-log-enabled = false
  trace-logging-enabled = false
  max-series-per-database = 0
  max-values-per-tag = 0

[coordinator]
  log-queries-after = "0s"

[retention]
  enabled = false

[shard-precreation]
  enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = %s
  auth-enabled = %t
  log-enabled = false
  suppress-write-log = true
  write-tracing = false
  pprof-enabled = false
  flux-enabled = true
  flux-log-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
`, q("127.0.0.1:"+strconv.Itoa(rpcPort)),
		q(filepath.Join(dir, "meta")),
		q(filepath.Join(dir, "data")), q(filepath.Join(dir, "wal")),
		q("127.0.0.1:"+strconv.Itoa(httpPort)), auth)
}

// serverEnv is the environment of the server: the caller's, without the
// variables that would reconfigure influxd (INFLUXDB_* for 1.x, INFLUXD_*
// for 2.x), with HOME set to dir so that nothing is written elsewhere.
func serverEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "INFLUXDB_") || strings.HasPrefix(kv, "INFLUXD_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+dir)
}

// freePorts finds n distinct free loopback TCP ports. They are free when
// found; a race with another process is handled by Start's retry.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testserver: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// waitHealthy polls GET /health until it passes, the process exits, ctx
// ends or the timeout passes.
func (s *Server) waitHealthy(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if ok := s.healthy(ctx, hc); ok {
			return nil
		}
		select {
		case <-s.exited:
			err := fmt.Errorf("testserver: %s exited during start (%v); its log ends with:\n%s", s.Kind, s.waitErr, s.tail.String())
			if strings.Contains(s.tail.String(), "address already in use") {
				err = fmt.Errorf("%w: %w", errPortTaken, err)
			}
			return err
		case <-ctx.Done():
			return fmt.Errorf("testserver: %s not healthy at %s/health: %w; its log ends with:\n%s", s.Kind, s.URL, ctx.Err(), s.tail.String())
		case <-tick.C:
		}
	}
}

func (s *Server) healthy(ctx context.Context, hc *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var h struct {
		Status string `json:"status"`
	}
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&h) == nil && h.Status == "pass"
}

// createAdmin creates the first user of a 1.x server with authentication
// on (allowed without credentials while there is no user).
func (s *Server) createAdmin(ctx context.Context) error {
	user, pass := "admin", randomHex(16)
	q := "CREATE USER " + quoteIdent(user) + " WITH PASSWORD '" + pass + "' WITH ALL PRIVILEGES"
	if _, err := s.post(ctx, "/query", "application/x-www-form-urlencoded", []byte(url.Values{"q": {q}}.Encode())); err != nil {
		return err
	}
	s.User, s.Password, s.Token = user, pass, user+":"+pass
	return nil
}

// createDatabase runs CREATE DATABASE on a 1.x server.
func (s *Server) createDatabase(ctx context.Context, db string) error {
	if err := s.CreateBucket(ctx, db); err != nil {
		return err
	}
	s.Bucket = db
	return nil
}

// onboard runs the initial setup of a 2.x server with random names.
func (s *Server) onboard(ctx context.Context) error {
	s.Org = "org-" + randomHex(4)
	s.Bucket = "bucket-" + randomHex(4)
	s.User = "influxframe"
	s.Password = randomHex(16)
	s.Token = randomHex(32)
	body, err := json.Marshal(map[string]any{
		"username": s.User, "password": s.Password,
		"org": s.Org, "bucket": s.Bucket, "token": s.Token,
		"retentionPeriodSeconds": 0,
	})
	if err != nil {
		return err
	}
	out, err := s.post(ctx, "/api/v2/setup", "application/json", body)
	if err != nil {
		return err
	}
	var res struct {
		Org struct {
			ID string `json:"id"`
		} `json:"org"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Org.ID == "" {
		return fmt.Errorf("POST /api/v2/setup: no org id in the answer (%v)", err)
	}
	s.OrgID = res.Org.ID
	return nil
}

// CreateBucket creates a bucket (2.x, infinite retention) or a database
// (1.x) named name.
func (s *Server) CreateBucket(ctx context.Context, name string) error {
	if s.Kind == V1 {
		form := url.Values{"q": {"CREATE DATABASE " + quoteIdent(name)}}.Encode()
		_, err := s.post(ctx, "/query", "application/x-www-form-urlencoded", []byte(form))
		return err
	}
	body, err := json.Marshal(map[string]any{"orgID": s.OrgID, "name": name, "retentionRules": []any{}})
	if err != nil {
		return err
	}
	_, err = s.post(ctx, "/api/v2/buckets", "application/json", body)
	return err
}

func (s *Server) post(ctx context.Context, path, ctype string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	switch {
	case s.Kind == V1 && s.User != "":
		req.SetBasicAuth(s.User, s.Password)
	case s.Token != "":
		req.Header.Set("Authorization", "Token "+s.Token)
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(out))
	}
	return out, nil
}

// quoteIdent quotes an InfluxQL identifier.
func quoteIdent(name string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(name) + `"`
}

// randomHex returns 2n random hex digits from crypto/rand.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// Stop ends the server: SIGTERM to its process group, SIGKILL after five
// seconds if it is still running, then waits for it. It is safe to call
// more than once; later calls return the first result. A server stopped by
// a signal is not an error.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		select {
		case <-s.exited:
		default:
			terminate(s.cmd.Process)
			select {
			case <-s.exited:
			case <-time.After(5 * time.Second):
				kill(s.cmd.Process)
				<-s.exited
			}
		}
		var ee *exec.ExitError
		if s.waitErr != nil && !(errors.As(s.waitErr, &ee) && exitedBySignal(ee)) {
			s.stopErr = fmt.Errorf("testserver: %s: %w", s.Kind, s.waitErr)
		}
	})
	return s.stopErr
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
