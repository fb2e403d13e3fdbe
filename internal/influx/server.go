package influx

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	ihttp "github.com/influxdata/influxdb-client-go/v2/api/http"
)

// ServerKind is the API generation of a server.
type ServerKind int

// The server kinds Detect tells apart.
const (
	// V1 is InfluxDB 1.x (1.8 and later serve the v2 write and Flux query
	// APIs too): buckets are "db/rp", the token is "user:password", org is
	// ignored, databases are created with InfluxQL.
	V1 ServerKind = iota + 1
	// V2 is InfluxDB 2.x or Cloud: org, bucket and token.
	V2
)

// String returns "1.x" or "2.x".
func (k ServerKind) String() string {
	switch k {
	case V1:
		return "1.x"
	case V2:
		return "2.x"
	}
	return fmt.Sprintf("ServerKind(%d)", int(k))
}

// Server is what Detect learnt about a server.
type Server struct {
	Kind ServerKind
	// Version is what the server reports ("1.8.10", "2.0.9", "v2.7.1",
	// "dev" for a source build); empty when it says nothing.
	Version string
	// Build is the X-Influxdb-Build header ("OSS", "ENT", ...), if any.
	Build string
}

// String returns e.g. "InfluxDB 1.8.10 (1.x)".
func (s Server) String() string {
	v := s.Version
	if v == "" {
		v = "(unknown version)"
	}
	return fmt.Sprintf("InfluxDB %s (%s)", v, s.Kind)
}

// Detect asks the server which kind and version it is. It reads the
// X-Influxdb-Version header of GET /ping (sent by 1.x and 2.x alike, without
// authentication), falling back to the version in GET /health's answer: a
// version "1.*" means V1, "2.*" or later means V2. Builds from source report
// no usable version ("unknown" for a `go install` of 1.8.10, "dev" for 2.x),
// so then GET /api/v2/setup decides: InfluxDB 1.x answers 404 there, 2.x
// answers; anything but a 404 (Cloud's refusal included) means V2.
//
// Errors are classified (see Classify): ErrUnreachable when nothing answers,
// ErrUnauthorized when a proxy in front of the server refuses the
// credentials.
func Detect(ctx context.Context, client influxdb2.Client) (Server, error) {
	fail := func(err error) (Server, error) {
		return Server{}, Classify(fmt.Errorf("influx: detect the server at %s: %w", redactURL(client.ServerURL()), err))
	}
	resp, err := get(ctx, client, "ping", nil)
	if err != nil {
		return fail(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		err := statusError(resp, nil)
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: GET /ping answered 404: %w (is this an InfluxDB server?)", ErrNotFound, err)
		}
		return fail(err)
	}
	srv := Server{Version: resp.Header.Get("X-Influxdb-Version"), Build: resp.Header.Get("X-Influxdb-Build")}
	if srv.Version == "" || srv.Version == "unknown" {
		srv.Version = healthVersion(ctx, client)
	}
	if srv.Version == "unknown" {
		srv.Version = ""
	}
	switch major := versionMajor(srv.Version); {
	case major == 1:
		srv.Kind = V1
	case major >= 2:
		srv.Kind = V2
	default:
		resp, err := get(ctx, client, "api/v2/setup", nil)
		if err != nil {
			return fail(err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		srv.Kind = V2
		if resp.StatusCode == http.StatusNotFound {
			srv.Kind = V1
		}
	}
	return srv, nil
}

// versionMajor returns the major number of a version such as "1.8.10" or
// "v2.7.1", or 0 when it has none ("dev", "").
func versionMajor(v string) int {
	v = strings.TrimPrefix(v, "v")
	end := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(v)
	}
	if end == 0 || (end < len(v) && v[end] != '.') {
		return 0
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return 0
	}
	return n
}

// healthVersion returns the version in GET /health's answer, or "".
func healthVersion(ctx context.Context, client influxdb2.Client) string {
	resp, err := get(ctx, client, "health", nil)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var h struct {
		Version string `json:"version"`
	}
	if resp.StatusCode/100 != 2 || json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&h) != nil {
		return ""
	}
	return h.Version
}

// endpoint resolves a path against the client's server URL (which may have
// a path prefix of its own).
func endpoint(client influxdb2.Client, path string, query url.Values) (string, error) {
	base, err := url.Parse(client.HTTPService().ServerURL())
	if err != nil {
		return "", fmt.Errorf("influx: server URL %s: %w", redactURL(client.ServerURL()), err)
	}
	u := base.ResolveReference(&url.URL{Path: path})
	u.RawQuery = query.Encode()
	return u.String(), nil
}

// get sends GET path through the client's HTTP service (its transport, TLS
// settings and Authorization header).
func get(ctx context.Context, client influxdb2.Client, path string, query url.Values) (*http.Response, error) {
	u, err := endpoint(client, path, query)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return client.HTTPService().DoHTTPRequestWithResponse(req, nil)
}

// statusError builds the client library's *http.Error for a non-2xx answer
// whose body has been read (or not, when body is nil), so that callers see
// the same error type as from the library's own APIs.
func statusError(resp *http.Response, body []byte) error {
	e := ihttp.NewError(nil)
	e.StatusCode = resp.StatusCode
	e.Header = resp.Header
	e.Code = resp.Status
	var msg struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &msg) == nil {
		e.Message = msg.Error
		if e.Message == "" {
			e.Message = msg.Message
		}
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
	}
	if e.Message == "" {
		e.Message = resp.Header.Get("X-Influxdb-Error")
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}
