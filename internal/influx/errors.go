package influx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	ihttp "github.com/influxdata/influxdb-client-go/v2/api/http"
)

// Sentinel causes that callers check with errors.Is. Errors returned by this
// package (and by Classify) wrap them together with the underlying error, so
// errors.As still finds the client library's *http.Error or a *net.OpError.
var (
	// ErrUnauthorized means the server refused the credentials: HTTP 401 or
	// 403 (a missing or wrong token, a token without the needed permission,
	// a wrong user:password on 1.x).
	ErrUnauthorized = errors.New("influx: server refused the credentials")

	// ErrUnreachable means the server could not be reached or did not answer
	// in time: connection refused or reset, unknown host, no route, timeout.
	ErrUnreachable = errors.New("influx: server unreachable")

	// ErrNotFound means an organization, bucket, database or retention
	// policy that must exist does not.
	ErrNotFound = errors.New("influx: not found")

	// ErrConfig is the cause of every *ConfigError.
	ErrConfig = errors.New("influx: bad connection settings")
)

// ConfigError reports a bad connection setting: where it came from (a config
// file, the environment or a flag), the line for config files when it is
// known, and the key. Its message never holds the token's value.
type ConfigError struct {
	Source string // config file path, "environment" or "flags"
	Line   int    // 1-based line in the config file; 0 when unknown
	Key    string // the key, environment variable or flag; may be empty
	Err    error  // what is wrong
}

// Error returns "influx: <source>[:<line>][: <key>]: <cause>".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("influx: ")
	b.WriteString(e.Source)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause; errors.Is(err, ErrConfig) also holds.
func (e *ConfigError) Unwrap() []error { return []error{ErrConfig, e.Err} }

// Classify maps an error from the client library or from the network to
// ErrUnauthorized or ErrUnreachable, returning an error that wraps both the
// sentinel and err. Errors it does not recognise, context.Canceled, and
// errors already classified are returned unchanged; nil stays nil.
//
// It recognises the client library's *http.Error (StatusCode 401 and 403, or
// a network error inside it), net.Error timeouts, *net.OpError,
// *net.DNSError, refused and reset connections and a connection closed by
// the server, and the plain-text errors of the library's generated API
// ("unauthorized: ...", "forbidden: ...", "401 Unauthorized: ...").
func Classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrUnreachable):
		return err
	case errors.Is(err, context.Canceled):
		return err
	}
	var he *ihttp.Error
	if errors.As(err, &he) {
		if he.StatusCode == 401 || he.StatusCode == 403 {
			return fmt.Errorf("%w (HTTP %d): %w", ErrUnauthorized, he.StatusCode, err)
		}
		if he.StatusCode != 0 {
			return err
		}
	}
	if isNetworkError(err) {
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	// The generated API client (buckets, organizations, ...) returns plain
	// errors built from the response: "<code>: <message>" for JSON bodies,
	// "<status>: <body>" otherwise.
	msg := err.Error()
	for _, p := range []string{"unauthorized:", "forbidden:", "401 Unauthorized", "403 Forbidden"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, ": "+p) {
			return fmt.Errorf("%w: %w", ErrUnauthorized, err)
		}
	}
	return err
}

func isNetworkError(err error) bool {
	var (
		oe  *net.OpError
		de  *net.DNSError
		ue  *url.Error
		tmo interface{ Timeout() bool }
	)
	switch {
	case errors.As(err, &oe) && (oe.Op == "remote error" || oe.Op == "local error"):
		return false // a TLS alert: the server is there but refuses the handshake
	case errors.As(err, &de), errors.As(err, &oe):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &tmo) && tmo.Timeout():
		return true
	case errors.As(err, &ue) && (errors.Is(ue.Err, io.EOF) || errors.Is(ue.Err, io.ErrUnexpectedEOF)):
		// The server closed the connection before answering.
		return true
	}
	return false
}
