package influx

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

// ApplicationName is sent in the User-Agent header of every request.
const ApplicationName = "influxframe"

// Validate checks the settings NewClient needs: a URL with scheme http or
// https and a host, and a proxy URL that parses. Errors never hold the token.
func (s Settings) Validate() error {
	if err := s.checkURL(s.URL, "url"); err != nil {
		return err
	}
	if s.Proxy != "" {
		if err := s.checkURL(s.Proxy, "proxy"); err != nil {
			return err
		}
	}
	if s.CertKeyFile != "" && s.CertFile == "" {
		return &ConfigError{Source: "settings", Key: "cert_key_file", Err: errors.New("given without cert_file")}
	}
	return nil
}

func (s Settings) checkURL(raw, key string) error {
	shown := redactURL(raw)
	if s.Token != "" && strings.Contains(shown, s.Token) {
		shown = "(value not shown: it holds the token)"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		if strings.Contains(raw, "@") {
			shown = "(value not shown)"
		}
		return &ConfigError{Source: "settings", Key: key, Err: fmt.Errorf("%s is not a URL", shown)}
	case u.Scheme != "http" && u.Scheme != "https":
		return &ConfigError{Source: "settings", Key: key, Err: fmt.Errorf("%s: the scheme must be http:// or https://", shown)}
	case u.Host == "":
		return &ConfigError{Source: "settings", Key: key, Err: fmt.Errorf("%s has no host", shown)}
	}
	return nil
}

// NewClient builds a client of the InfluxDB client library from s:
// influxdb2.NewClientWithOptions(s.URL, s.Token, options) with the default
// tags, the TLS settings, the proxy and the timeout. The caller closes it.
//
// The timeout bounds dialing, the TLS handshake and the wait for the
// answer's headers, but not the reading of the body, so that a long query
// result can stream (influxdb-client-python's timeout is likewise a read
// timeout, not a deadline for the whole transfer); cancel the request's
// context to stop a transfer. Options().HTTPRequestTimeout reports it in
// whole seconds.
//
// The token goes as "Authorization: Token <token>"; InfluxDB 1.8 accepts
// "user:password" that way, and an empty token sends no Authorization
// header. With AuthBasic the token is sent as HTTP basic authentication
// instead, like influxdb-client-python's auth_basic.
func NewClient(s Settings) (influxdb2.Client, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	tlsConf, err := tlsConfig(s)
	if err != nil {
		return nil, err
	}
	proxy := http.ProxyFromEnvironment
	if s.Proxy != "" {
		pu, _ := url.Parse(s.Proxy) // checked by Validate
		proxy = http.ProxyURL(pu)
	}
	dialTimeout := s.Timeout
	if dialTimeout == 0 {
		dialTimeout = 30 * time.Second
	}
	transport := &http.Transport{
		Proxy:                 proxy,
		DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   dialTimeout,
		ResponseHeaderTimeout: s.Timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
	}

	opts := influxdb2.DefaultOptions().
		SetApplicationName(ApplicationName).
		SetHTTPClient(&http.Client{Transport: transport})
	secs := uint((s.Timeout + time.Second - 1) / time.Second)
	opts.SetHTTPRequestTimeout(secs)
	if tlsConf != nil {
		opts.SetTLSConfig(tlsConf)
	}
	for k, v := range s.DefaultTags {
		opts.AddDefaultTag(k, v)
	}
	client := influxdb2.NewClientWithOptions(s.URL, s.Token, opts)
	if s.AuthBasic && s.Token != "" {
		client.HTTPService().SetAuthorization("Basic " + base64.StdEncoding.EncodeToString([]byte(s.Token)))
	}
	return closingClient{client, transport}, nil
}

// closingClient also closes the idle connections of its own transport on
// Close, which the library does only for an HTTP client it made itself.
type closingClient struct {
	influxdb2.Client
	transport *http.Transport
}

// Close closes the client and its idle connections.
func (c closingClient) Close() {
	c.Client.Close()
	c.transport.CloseIdleConnections()
}

// tlsConfig builds the TLS settings; nil when s asks for nothing special.
func tlsConfig(s Settings) (*tls.Config, error) {
	if !s.TLSSkipVerify && s.CACert == "" && s.CertFile == "" {
		return nil, nil
	}
	conf := &tls.Config{InsecureSkipVerify: s.TLSSkipVerify} //nolint:gosec // asked for by the user
	if s.CACert != "" {
		pem, err := os.ReadFile(s.CACert)
		if err != nil {
			return nil, &ConfigError{Source: "settings", Key: "ssl_ca_cert", Err: err}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &ConfigError{Source: "settings", Key: "ssl_ca_cert", Err: fmt.Errorf("%s holds no PEM certificate", s.CACert)}
		}
		conf.RootCAs = pool
	}
	if s.CertFile != "" {
		keyFile := s.CertKeyFile
		if keyFile == "" {
			keyFile = s.CertFile
		}
		cert, err := tls.LoadX509KeyPair(s.CertFile, keyFile)
		if err != nil {
			return nil, &ConfigError{Source: "settings", Key: "cert_file", Err: err}
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}
