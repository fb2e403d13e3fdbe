package sink

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		status int
		want   verdict
	}{
		{0, vRetry}, // network error
		{429, vRetry},
		{500, vRetry},
		{502, vRetry},
		{503, vRetry},
		{504, vRetry},
		{400, vSplit},
		{413, vSplit},
		{422, vSplit},
		{401, vFatal},
		{403, vFatal},
		{404, vFatal},
		{405, vReject},
		{409, vReject},
		{302, vFatal},
	}
	for _, tc := range tests {
		if got := classify(&http2.Error{StatusCode: tc.status}); got != tc.want {
			t.Errorf("classify(%d) = %v, want %v", tc.status, got, tc.want)
		}
	}
	if got := classify(nil); got != vWritten {
		t.Errorf("classify(nil) = %v", got)
	}
}

func TestDropped(t *testing.T) {
	tests := []struct {
		msg  string
		want int
	}{
		{`failure writing points to database: partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=7`, 7},
		{"partial write: unable to parse 'x': missing fields dropped=0", 0},
		{"partial write: points beyond retention policy dropped=12\n", 12},
		{"unable to parse 'm f=': missing field value", -1},
		{"dropped=x", -1},
		{"dropped=-1", -1},
	}
	for _, tc := range tests {
		if got := dropped(&http2.Error{Message: tc.msg}); got != tc.want {
			t.Errorf("dropped(%q) = %d, want %d", tc.msg, got, tc.want)
		}
	}
	if dropped(nil) != -1 {
		t.Error("dropped(nil)")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want uint
	}{
		{"", 0},
		{"7", 7},
		{" 12 ", 12},
		{"-1", 0},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// response makes the *http.Response a handler would send.
func response(h http.HandlerFunc) *http.Response {
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodPost, "/api/v2/write", nil))
	return rec.Result()
}

func TestResponseError(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		want http2.Error
	}{
		{"2.x json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(422)
			io.WriteString(w, `{"code":"unprocessable entity","message":"failure writing points to database: partial write: field type conflict: dropped=1"}`)
		}, http2.Error{StatusCode: 422, Code: "unprocessable entity", Message: "failure writing points to database: partial write: field type conflict: dropped=1"}},
		{"1.x json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Influxdb-Error", "partial write: x dropped=1")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"partial write: x dropped=1"}`)
		}, http2.Error{StatusCode: 400, Code: "bad request", Message: "partial write: x dropped=1"}},
		{"header only", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Influxdb-Error", "database not found")
			w.WriteHeader(404)
		}, http2.Error{StatusCode: 404, Code: "not found", Message: "database not found"}},
		{"text and retry-after", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(503)
			io.WriteString(w, "  down for maintenance\n")
		}, http2.Error{StatusCode: 503, Code: "service unavailable", Message: "down for maintenance", RetryAfter: 3}},
		{"empty", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(429)
		}, http2.Error{StatusCode: 429, Code: "too many requests", Message: "Too Many Requests"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := responseError(response(tc.h))
			if got.StatusCode != tc.want.StatusCode || got.Code != tc.want.Code || got.Message != tc.want.Message || got.RetryAfter != tc.want.RetryAfter {
				t.Errorf("got %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestDescribeRedacts(t *testing.T) {
	red := redactor("Token s3cr3t-token")
	e := &http2.Error{StatusCode: 401, Code: "unauthorized", Message: "token s3cr3t-token\nis invalid"}
	got := describe(e, red)
	if strings.Contains(got, "s3cr3t") || got != `HTTP 401: unauthorized: token [redacted]\nis invalid` {
		t.Errorf("describe = %q", got)
	}
	red = redactor("Token admin:hunter22")
	if got := red("user admin:hunter22 pw hunter22"); strings.Contains(got, "hunter22") {
		t.Errorf("redact = %q", got)
	}
	if got := redactor("Token ")("Token a"); got != "Token a" {
		t.Errorf("empty token redacted %q", got)
	}
}

func TestBodyReaderCutOff(t *testing.T) {
	r := &bodyReader{b: []byte("hello")}
	p := make([]byte, 2)
	if n, err := r.Read(p); n != 2 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	r.finish()
	if _, err := r.Read(p); err != errBodyDone {
		t.Errorf("Read after finish: %v", err)
	}
}
