package sink

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
)

// maxErrorBody is how much of an error response's body is read.
const maxErrorBody = 64 << 10

// post sends one write request with body (already compressed when gzip is
// set) and returns nil when the server acknowledged it, or the client
// library's *http.Error: StatusCode 0 for a network error, otherwise the
// status, the server's message and its Retry-After.
func post(ctx context.Context, svc http2.Service, url string, body []byte, gzip bool) *http2.Error {
	rd := &bodyReader{b: body}
	readers := []*bodyReader{rd}
	var mu sync.Mutex
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, rd)
	if err != nil {
		return http2.NewError(err)
	}
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) {
		r := &bodyReader{b: body}
		mu.Lock()
		readers = append(readers, r)
		mu.Unlock()
		return r, nil
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := svc.DoHTTPRequestWithResponse(req, nil)
	// The transport may go on reading a request body after the round
	// trip, when the server answered before reading it all: cut the
	// readers off so the caller may reuse the buffer.
	defer func() {
		mu.Lock()
		for _, r := range readers {
			r.finish()
		}
		mu.Unlock()
	}()
	if err != nil {
		return http2.NewError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	return responseError(resp)
}

// responseError reads the error of a response that is not 2xx. InfluxDB 2
// answers {"code": ..., "message": ...}; InfluxDB 1 answers {"error": ...}
// and sets X-Influxdb-Error.
func responseError(resp *http.Response) *http2.Error {
	e := &http2.Error{StatusCode: resp.StatusCode, Header: resp.Header}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	var msg struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if len(body) > 0 && json.Unmarshal(body, &msg) == nil {
		e.Code = msg.Code
		e.Message = msg.Message
		if e.Message == "" {
			e.Message = msg.Error
		}
	}
	if e.Message == "" {
		e.Message = resp.Header.Get("X-Influxdb-Error")
	}
	if e.Message == "" && err == nil {
		e.Message = strings.TrimSpace(string(body))
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if e.Code == "" {
		e.Code = strings.ToLower(http.StatusText(resp.StatusCode))
		if e.Code == "" {
			e.Code = "HTTP " + strconv.Itoa(resp.StatusCode)
		}
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return e
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP
// date, as whole seconds (rounded up); 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) uint {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return uint(n)
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return uint((d + time.Second - 1) / time.Second)
		}
	}
	return 0
}

// bodyReader is a request body over a buffer that can be cut off.
type bodyReader struct {
	mu   sync.Mutex
	b    []byte
	off  int
	done bool
}

var errBodyDone = errors.New("sink: request body no longer available")

func (r *bodyReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return 0, errBodyDone
	}
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

func (r *bodyReader) Close() error { return nil }

func (r *bodyReader) finish() {
	r.mu.Lock()
	r.done = true
	r.b = nil
	r.mu.Unlock()
}

// verdict is what to do about the outcome of a write request.
type verdict uint8

const (
	vWritten verdict = iota // acknowledged
	vRetry                  // 429, 5xx, network error: retry the same request
	vSplit                  // 400, 413, 422: some lines refused; split until they are known
	vReject                 // another 4xx: the lines are refused as a whole
	vFatal                  // 401, 403, 404 or no HTTP outcome at all: stop the import
)

var verdictNames = [...]string{"written", "retry", "split", "reject", "fatal"}

func (v verdict) String() string { return verdictNames[v] }

// classify tells what to do about the outcome of a request.
func classify(err *http2.Error) verdict {
	if err == nil {
		return vWritten
	}
	switch s := err.StatusCode; {
	case s == 0:
		return vRetry // network error
	case s == http.StatusTooManyRequests || s >= 500:
		return vRetry
	case s == http.StatusBadRequest, s == http.StatusRequestEntityTooLarge, s == http.StatusUnprocessableEntity:
		return vSplit
	case s == http.StatusUnauthorized, s == http.StatusForbidden, s == http.StatusNotFound:
		return vFatal
	case s >= 400:
		return vReject
	default:
		return vFatal // 1xx, 3xx: no answer a writer can act on
	}
}

// dropped returns the number of points a partial write says it dropped
// ("... dropped=N" at the end of the message, from InfluxDB 1.x and 2.x),
// or -1 when it does not say.
func dropped(e *http2.Error) int {
	if e == nil {
		return -1
	}
	msg := strings.TrimSpace(e.Message)
	i := strings.LastIndex(msg, "dropped=")
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(msg[i+len("dropped="):])
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// describe is the one-line text of a request's error, without the token.
func describe(e *http2.Error, redact func(string) string) string {
	var s string
	if e.StatusCode == 0 {
		s = e.Error()
	} else {
		s = "HTTP " + strconv.Itoa(e.StatusCode) + ": "
		if e.Code != "" && !strings.EqualFold(e.Code, e.Message) {
			s += e.Code + ": "
		}
		s += e.Message
	}
	return oneLine(redact(s))
}

// requestError is a write request's error as Run reports it: the text is
// redacted, and it unwraps to the client library's *http.Error.
type requestError struct {
	msg string
	err *http2.Error
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.err }
