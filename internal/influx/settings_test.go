package influx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	ihttp "github.com/influxdata/influxdb-client-go/v2/api/http"
)

const testToken = "tok-9f8e7d6c5b4a"

func TestSettingsNeverShowToken(t *testing.T) {
	s := Settings{
		URL: "https://admin:" + testToken + "@db.example.com:8086", Org: "o", Bucket: "b", Token: testToken,
		Timeout: time.Second, Proxy: "http://u:" + testToken + "@proxy:3128", DefaultTags: map[string]string{"k": "v"},
	}
	type wrapper struct {
		Name string
		S    Settings
		P    *Settings
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("connect", "settings", s)
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string]string{
		"String": s.String(), "GoString": s.GoString(),
		"%v": fmt.Sprintf("%v", s), "%+v": fmt.Sprintf("%+v", s), "%#v": fmt.Sprintf("%#v", s),
		"%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s), "%x": fmt.Sprintf("%x", s), "%d": fmt.Sprintf("%d", s),
		"pointer %+v": fmt.Sprintf("%+v", &s), "embedded %+v": fmt.Sprintf("%+v", wrapper{"w", s, &s}),
		"embedded %#v": fmt.Sprintf("%#v", wrapper{"w", s, &s}),
		"json":         string(js), "slog": logBuf.String(),
		"Redacted": fmt.Sprint(plainSettings(s.Redacted())),
	}
	for name, out := range forms {
		if strings.Contains(out, testToken) {
			t.Errorf("%s shows the token: %s", name, out)
		}
	}
	if got := s.String(); !strings.Contains(got, "token=***") || !strings.Contains(got, "db.example.com:8086") || !strings.Contains(got, `org="o"`) {
		t.Errorf("String() = %s", got)
	}
	if s.Token != testToken {
		t.Error("formatting changed the settings")
	}
	if got := (Settings{URL: DefaultURL}).String(); !strings.Contains(got, "token=(none)") {
		t.Errorf("String() without token = %s", got)
	}
}

func TestNoErrorShowsToken(t *testing.T) {
	// Errors of NewClient and of the server-side helpers for bad settings.
	for _, s := range []Settings{
		{URL: "ftp://h", Token: testToken},
		{URL: "http://user:" + testToken + "@", Token: testToken},
		{URL: "http://h", Token: testToken, Proxy: "::" + testToken},
		{URL: "http://h", Token: testToken, CACert: "/nonexistent/" + "ca.pem"},
		{URL: "http://h", Token: testToken, CertKeyFile: "/k.pem"},
	} {
		_, err := NewClient(s)
		if err == nil {
			t.Errorf("NewClient(%v): no error", s)
			continue
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("NewClient error shows the token: %v", err)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		in, ident, str, flux string
	}{
		{"db", `"db"`, `'db'`, `"db"`},
		{"", `""`, `''`, `""`},
		{`we"ird`, `"we\"ird"`, `'we"ird'`, `"we\"ird"`},
		{`it's`, `"it's"`, `'it\'s'`, `"it's"`},
		{`back\slash`, `"back\\slash"`, `'back\\slash'`, `"back\\slash"`},
		{"new\nline", `"new\nline"`, `'new\nline'`, `"new\nline"`},
		{"tab\there", "\"tab\there\"", "'tab\there'", `"tab\there"`},
		{"${x} $y", `"${x} $y"`, `'${x} $y'`, `"\${x} $y"`},
		{`"; DROP DATABASE x; "`, `"\"; DROP DATABASE x; \""`, `'"; DROP DATABASE x; "'`, `"\"; DROP DATABASE x; \""`},
		{"ünïcode", `"ünïcode"`, `'ünïcode'`, `"ünïcode"`},
	}
	for _, tt := range tests {
		if got := QuoteIdent(tt.in); got != tt.ident {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tt.in, got, tt.ident)
		}
		if got := QuoteString(tt.in); got != tt.str {
			t.Errorf("QuoteString(%q) = %s, want %s", tt.in, got, tt.str)
		}
		if got := QuoteFlux(tt.in); got != tt.flux {
			t.Errorf("QuoteFlux(%q) = %s, want %s", tt.in, got, tt.flux)
		}
	}
}

func TestSplitV1Bucket(t *testing.T) {
	tests := []struct{ in, db, rp string }{
		{"telegraf/autogen", "telegraf", "autogen"},
		{"telegraf", "telegraf", ""},
		{"db/rp/x", "db", "rp/x"},
		{"db/", "db", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if db, rp := SplitV1Bucket(tt.in); db != tt.db || rp != tt.rp {
			t.Errorf("SplitV1Bucket(%q) = %q, %q", tt.in, db, rp)
		}
	}
}

func TestVersionMajor(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"1.8.10", 1}, {"v2.7.1", 2}, {"2.0.9", 2}, {"3", 3}, {"dev", 0}, {"", 0}, {"unknown", 0}, {"10x", 0}}
	for _, tt := range tests {
		if got := versionMajor(tt.in); got != tt.want {
			t.Errorf("versionMajor(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/api/v2/write",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &osSyscallError{syscall.ECONNREFUSED}}}
	status := func(code int) error {
		e := ihttp.NewError(nil)
		e.StatusCode, e.Code, e.Message = code, "c", "m"
		return e
	}
	tests := []struct {
		name string
		err  error
		want error // nil: returned unchanged
	}{
		{"401", status(401), ErrUnauthorized},
		{"403 wrapped", fmt.Errorf("write: %w", status(403)), ErrUnauthorized},
		{"500", status(500), nil},
		{"404", status(404), nil},
		{"refused", refused, ErrUnreachable},
		{"refused inside http.Error", ihttp.NewError(refused), ErrUnreachable},
		{"dns", &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}, ErrUnreachable},
		{"deadline", fmt.Errorf("q: %w", context.DeadlineExceeded), ErrUnreachable},
		{"timeout", &url.Error{Op: "Get", URL: "u", Err: timeoutErr{}}, ErrUnreachable},
		{"canceled", fmt.Errorf("q: %w", context.Canceled), nil},
		{"generated api json", errors.New("unauthorized: unauthorized access"), ErrUnauthorized},
		{"generated api text", errors.New("401 Unauthorized: nope"), ErrUnauthorized},
		{"other", errors.New("bucket not found"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.err)
			if tt.want == nil {
				if got != tt.err {
					t.Fatalf("Classify changed %v into %v", tt.err, got)
				}
				return
			}
			if !errors.Is(got, tt.want) {
				t.Fatalf("Classify(%v) = %v, not %v", tt.err, got, tt.want)
			}
			if !errors.Is(got, tt.err) && !strings.Contains(got.Error(), tt.err.Error()) {
				t.Errorf("Classify(%v) = %v lost the cause", tt.err, got)
			}
			if again := Classify(got); again != got {
				t.Errorf("Classify is not idempotent: %v", again)
			}
		})
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	var he *ihttp.Error
	if !errors.As(Classify(status(401)), &he) || he.StatusCode != 401 {
		t.Error("the *http.Error is not reachable with errors.As")
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "timeout awaiting response headers" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// osSyscallError stands for *os.SyscallError without importing os here.
type osSyscallError struct{ err error }

func (e *osSyscallError) Error() string { return "connect: " + e.err.Error() }
func (e *osSyscallError) Unwrap() error { return e.err }
