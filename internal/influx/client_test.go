package influx

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// headerRecorder is an HTTP endpoint that answers /ping like InfluxDB does
// and records the request headers, to check what NewClient's client sends.
// It stands in for no InfluxDB behaviour: the tests against real servers
// are in server_test.go.
type headerRecorder struct {
	mu  sync.Mutex
	got http.Header
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.got = r.Header.Clone()
	h.mu.Unlock()
	w.Header().Set("X-Influxdb-Version", "v2.7.1")
	w.WriteHeader(http.StatusNoContent)
}

func (h *headerRecorder) header(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got.Get(name)
}

func TestNewClientAuthorization(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want string
	}{
		{"token", Settings{Token: "abc"}, "Token abc"},
		{"1.8 user:password", Settings{Token: "u:p"}, "Token u:p"},
		{"no token", Settings{}, ""},
		{"basic", Settings{Token: "u:p", AuthBasic: true}, "Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))},
	}
	rec := &headerRecorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.URL = srv.URL
			c, err := NewClient(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := Detect(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			if got := rec.header("Authorization"); got != tt.want {
				t.Errorf("Authorization %q, want %q", got, tt.want)
			}
			if ua := rec.header("User-Agent"); ua == "" || !strings.Contains(ua, ApplicationName) {
				t.Errorf("User-Agent %q lacks %q", ua, ApplicationName)
			}
		})
	}
}

func TestNewClientTLS(t *testing.T) {
	rec := &headerRecorder{}
	srv := httptest.NewTLSServer(rec)
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		s         Settings
		newErr    bool // NewClient fails
		detectErr bool // the TLS handshake fails
	}{
		{"unknown authority", Settings{}, false, true},
		{"skip verify", Settings{TLSSkipVerify: true}, false, false},
		{"ca file", Settings{CACert: caFile}, false, false},
		{"ca file without certificate", Settings{CACert: notPEM}, true, false},
		{"missing ca file", Settings{CACert: caFile + ".nope"}, true, false},
		{"bad client certificate", Settings{TLSSkipVerify: true, CertFile: notPEM}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.URL = srv.URL
			c, err := NewClient(tt.s)
			if (err != nil) != tt.newErr {
				t.Fatalf("NewClient: %v", err)
			}
			if err != nil {
				if !errors.Is(err, ErrConfig) {
					t.Errorf("%v does not wrap ErrConfig", err)
				}
				return
			}
			defer c.Close()
			_, err = Detect(context.Background(), c)
			if (err != nil) != tt.detectErr {
				t.Fatalf("Detect: %v", err)
			}
		})
	}
}

func TestNewClientOptions(t *testing.T) {
	c, err := NewClient(Settings{URL: "http://localhost:8086", Timeout: 2500 * time.Millisecond,
		DefaultTags: map[string]string{"a": "1"}, Proxy: "http://proxy:3128"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Options().HTTPRequestTimeout(); got != 3 {
		t.Errorf("HTTPRequestTimeout %d, want 3", got)
	}
	if got := c.Options().WriteOptions().DefaultTags(); len(got) != 1 || got["a"] != "1" {
		t.Errorf("default tags %v", got)
	}
	tr, ok := c.Options().HTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.Options().HTTPClient().Transport)
	}
	if tr.ResponseHeaderTimeout != 2500*time.Millisecond || c.Options().HTTPClient().Timeout != 0 {
		t.Errorf("timeouts: header %v, whole %v", tr.ResponseHeaderTimeout, c.Options().HTTPClient().Timeout)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://db.example.com:8086/ping", nil)
	if u, err := tr.Proxy(req); err != nil || u == nil || u.Host != "proxy:3128" {
		t.Errorf("proxy %v, %v", u, err)
	}
}
