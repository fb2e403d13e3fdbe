package influx

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults applied by Load when no source gives a value.
const (
	DefaultURL     = "http://localhost:8086"
	DefaultTimeout = 10 * time.Second
)

// redacted replaces secrets in every printed form of Settings.
const redacted = "***"

// Settings are the connection settings of one InfluxDB server.
//
// Settings never print the token: String, Format (every fmt verb, %+v and
// %#v included), MarshalJSON and LogValue show "***" in its place, and a
// password in URL or Proxy is masked the same way.
type Settings struct {
	// URL is the server's base URL, e.g. http://localhost:8086.
	URL string
	// Org is the organization name (InfluxDB 2.x and Cloud; 1.x ignores it).
	Org string
	// Token is the API token on 2.x, "user:password" or empty on 1.8.
	Token string
	// Bucket is the bucket on 2.x, "db/rp" or "db" on 1.x.
	Bucket string
	// Timeout bounds connecting and waiting for the answer's headers (not
	// the reading of a long answer, like the read timeout of
	// influxdb-client-python); zero means no limit.
	Timeout time.Duration
	// TLSSkipVerify skips the verification of the server's certificate
	// (verify_ssl = False in influxdb-client-python's config).
	TLSSkipVerify bool
	// CACert is a PEM file of certificate authorities to trust instead of
	// the system's.
	CACert string
	// CertFile and CertKeyFile are a PEM client certificate and its key;
	// CertFile alone may hold both.
	CertFile, CertKeyFile string
	// AuthBasic sends the token ("user:password") as HTTP basic
	// authentication instead of "Authorization: Token", for a 1.8 server
	// behind a proxy that checks basic auth.
	AuthBasic bool
	// Proxy is the URL of an HTTP proxy; empty means the environment's
	// HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
	Proxy string
	// DefaultTags are added to every point written through the client.
	DefaultTags map[string]string
}

// Redacted returns a copy of s that is safe to show: the token replaced by
// "***" (when set) and any password in URL and Proxy masked.
func (s Settings) Redacted() Settings {
	r := s
	if r.Token != "" {
		r.Token = redacted
	}
	r.URL = redactURL(r.URL)
	r.Proxy = redactURL(r.Proxy)
	r.DefaultTags = maps.Clone(s.DefaultTags)
	return r
}

// String describes s in one line without the token, e.g.
//
//	url=http://localhost:8086 org="my-org" bucket="b" token=*** timeout=10s
func (s Settings) String() string {
	r := s.Redacted()
	var b strings.Builder
	fmt.Fprintf(&b, "url=%s", r.URL)
	if r.Org != "" {
		fmt.Fprintf(&b, " org=%q", r.Org)
	}
	if r.Bucket != "" {
		fmt.Fprintf(&b, " bucket=%q", r.Bucket)
	}
	if r.Token != "" {
		fmt.Fprintf(&b, " token=%s", r.Token)
	} else {
		b.WriteString(" token=(none)")
	}
	if r.Timeout > 0 {
		fmt.Fprintf(&b, " timeout=%s", r.Timeout)
	} else {
		b.WriteString(" timeout=none")
	}
	if r.TLSSkipVerify {
		b.WriteString(" tls-skip-verify=true")
	}
	for _, kv := range [][2]string{{"ca-cert", r.CACert}, {"cert-file", r.CertFile}, {"cert-key-file", r.CertKeyFile}, {"proxy", r.Proxy}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, " %s=%q", kv[0], kv[1])
		}
	}
	if r.AuthBasic {
		b.WriteString(" auth-basic=true")
	}
	if len(r.DefaultTags) > 0 {
		b.WriteString(" tags={")
		for i, k := range slices.Sorted(maps.Keys(r.DefaultTags)) {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%s=%q", k, r.DefaultTags[k])
		}
		b.WriteString("}")
	}
	return b.String()
}

// plainSettings has Settings' fields and none of its methods, so that the
// fmt and json packages print it field by field.
type plainSettings Settings

// GoString is the %#v form of s, with the token redacted.
func (s Settings) GoString() string {
	return strings.Replace(fmt.Sprintf("%#v", plainSettings(s.Redacted())), "influx.plainSettings", "influx.Settings", 1)
}

// Format makes every fmt verb print the redacted form: %#v prints GoString,
// %q a quoted String, anything else String.
func (s Settings) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, s.GoString())
	case verb == 'q':
		_, _ = fmt.Fprintf(f, "%q", s.String())
	default:
		_, _ = io.WriteString(f, s.String())
	}
}

// MarshalJSON encodes the redacted form of s.
func (s Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(plainSettings(s.Redacted()))
}

// LogValue gives log/slog the redacted one-line form.
func (s Settings) LogValue() slog.Value {
	return slog.StringValue(s.String())
}

// redactURL masks the password of a URL. A string that does not parse and
// holds an '@' is masked whole, since it may hold a password.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "(unparsable URL)"
		}
		return raw
	}
	return u.Redacted()
}
