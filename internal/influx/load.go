package influx

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Field names one field of Settings. A set of fields (OR-ed together) tells
// Load which flags were given on the command line.
type Field uint

// The fields of Settings.
const (
	FieldURL Field = 1 << iota
	FieldOrg
	FieldToken
	FieldBucket
	FieldTimeout
	FieldTLSSkipVerify
	FieldCACert
	FieldCertFile
	FieldCertKeyFile
	FieldAuthBasic
	FieldProxy
	FieldDefaultTags
)

// flagNames are the command-line flag of each field, as the CLI spells them.
var flagNames = []struct {
	field Field
	name  string
}{
	{FieldURL, "url"},
	{FieldOrg, "org"},
	{FieldToken, "token"},
	{FieldBucket, "bucket"},
	{FieldTimeout, "timeout"},
	{FieldTLSSkipVerify, "tls-skip-verify"},
	{FieldCACert, "ca-cert"},
	{FieldCertFile, "cert-file"},
	{FieldCertKeyFile, "cert-key-file"},
	{FieldAuthBasic, "auth-basic"},
	{FieldProxy, "proxy"},
	{FieldDefaultTags, "tag"},
}

// ChangedFlags returns the fields whose flag was given, asking changed about
// each flag name: url, org, token, bucket, timeout, tls-skip-verify, ca-cert,
// cert-file, cert-key-file, auth-basic, proxy and tag. With spf13/pflag:
//
//	set := influx.ChangedFlags(fs.Changed)
func ChangedFlags(changed func(name string) bool) Field {
	var set Field
	for _, f := range flagNames {
		if changed(f.name) {
			set |= f.field
		}
	}
	return set
}

// Sources are the places Load reads settings from.
type Sources struct {
	// ConfigFile is an INI, TOML or JSON file in influxdb-client-python's
	// format; empty for none. See Load.
	ConfigFile string
	// Environ is the environment, in the form of os.Environ ("KEY=value");
	// nil for none. It also resolves ${env.VAR} in default tags.
	Environ []string
	// Flags holds the values given on the command line; only the fields in
	// Set are used. Flags.DefaultTags are merged over the other sources'.
	Flags Settings
	// Set says which fields of Flags were given.
	Set Field
}

// Load merges connection settings with the precedence flag > environment >
// config file > default (URL DefaultURL, Timeout DefaultTimeout). Default
// tags are merged key by key with the same precedence; a tag value of the
// form ${env.VAR} is then replaced by the variable's value (an unset variable
// is an error).
//
// The config file is read as influxdb-client-python's from_config_file reads
// it, so that a config.ini written for it works unchanged: section [influx2]
// with keys url, org, token, bucket, timeout (milliseconds, or a Go duration
// such as "10s"), verify_ssl, ssl_ca_cert, cert_file, cert_key_file,
// auth_basic and proxy (other keys are ignored), and section [tags]. The
// format follows the extension: .ini (or .cfg, .conf), .toml, .json; any
// other is read as JSON when it starts with '{' and as INI otherwise. INI
// follows Python's configparser: key names are case-insensitive and tag
// names lower-cased, values lose surrounding double quotes, "#" and ";"
// start comments only at the beginning of a line, %(key)s and %% are
// interpolated. TOML uses the same tables ([influx2], [tags]); a .toml file
// that is not valid TOML but is valid configparser INI (as Python reads
// TOML) is read as INI. JSON is {"influx2": {...}, "tags": {...}} or, as
// Python writes it, the keys at the top level next to "tags".
//
// The environment is read as influxdb-client-python's from_env_properties
// reads it: INFLUXDB_V2_URL, INFLUXDB_V2_ORG, INFLUXDB_V2_TOKEN,
// INFLUXDB_V2_BUCKET, INFLUXDB_V2_TIMEOUT (milliseconds),
// INFLUXDB_V2_VERIFY_SSL, INFLUXDB_V2_SSL_CA_CERT, INFLUXDB_V2_CERT_FILE,
// INFLUXDB_V2_CERT_KEY_FILE, INFLUXDB_V2_AUTH_BASIC, and
// INFLUXDB_V2_TAG_<NAME> for a default tag named <name> in lower case.
// Empty variables count as unset.
//
// Errors are *ConfigError values naming the file (and line) or variable; no
// error holds the token.
func Load(src Sources) (Settings, error) {
	s := Settings{URL: DefaultURL, Timeout: DefaultTimeout}
	tags := map[string]tagValue{}
	if src.ConfigFile != "" {
		l, err := readConfigFile(src.ConfigFile)
		if err != nil {
			return Settings{}, err
		}
		l.applyTo(&s, tags)
	}
	env := environMap(src.Environ)
	l, err := envLayer(env)
	if err != nil {
		return Settings{}, err
	}
	l.applyTo(&s, tags)

	fl := layer{s: src.Flags, set: src.Set}
	if src.Set&FieldDefaultTags != 0 {
		fl.tags = map[string]tagValue{}
		for k, v := range src.Flags.DefaultTags {
			fl.tags[k] = tagValue{value: v, source: "flags", key: "--tag " + k}
		}
	}
	fl.applyTo(&s, tags)

	s.DefaultTags = nil
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v, err := expandEnv(tags[k], env)
		if err != nil {
			return Settings{}, err
		}
		if s.DefaultTags == nil {
			s.DefaultTags = make(map[string]string, len(tags))
		}
		s.DefaultTags[k] = v
	}
	return s, nil
}

// tagValue is a default tag's raw value and where it came from.
type tagValue struct {
	value  string
	source string // config file path, "environment" or "flags"
	line   int
	key    string
}

// layer is what one source gives: the fields it sets and its tags.
type layer struct {
	s    Settings
	set  Field
	tags map[string]tagValue
}

func (l layer) applyTo(s *Settings, tags map[string]tagValue) {
	if l.set&FieldURL != 0 {
		s.URL = l.s.URL
	}
	if l.set&FieldOrg != 0 {
		s.Org = l.s.Org
	}
	if l.set&FieldToken != 0 {
		s.Token = l.s.Token
	}
	if l.set&FieldBucket != 0 {
		s.Bucket = l.s.Bucket
	}
	if l.set&FieldTimeout != 0 {
		s.Timeout = l.s.Timeout
	}
	if l.set&FieldTLSSkipVerify != 0 {
		s.TLSSkipVerify = l.s.TLSSkipVerify
	}
	if l.set&FieldCACert != 0 {
		s.CACert = l.s.CACert
	}
	if l.set&FieldCertFile != 0 {
		s.CertFile = l.s.CertFile
	}
	if l.set&FieldCertKeyFile != 0 {
		s.CertKeyFile = l.s.CertKeyFile
	}
	if l.set&FieldAuthBasic != 0 {
		s.AuthBasic = l.s.AuthBasic
	}
	if l.set&FieldProxy != 0 {
		s.Proxy = l.s.Proxy
	}
	maps.Copy(tags, l.tags)
}

// rawSetting is one key's text value as a source gave it.
type rawSetting struct {
	value  string
	source string
	line   int
	key    string // as written in the source, for messages
}

// settingKeys maps the config-file keys (lower case) to fields.
var settingKeys = map[string]Field{
	"url":           FieldURL,
	"org":           FieldOrg,
	"token":         FieldToken,
	"bucket":        FieldBucket,
	"timeout":       FieldTimeout,
	"verify_ssl":    FieldTLSSkipVerify,
	"ssl_ca_cert":   FieldCACert,
	"cert_file":     FieldCertFile,
	"cert_key_file": FieldCertKeyFile,
	"auth_basic":    FieldAuthBasic,
	"proxy":         FieldProxy,
}

// setKey parses one raw value into the layer. key is a lower-case config key.
func (l *layer) setKey(key string, r rawSetting) error {
	f, ok := settingKeys[key]
	if !ok {
		return nil // like influxdb-client-python: unknown keys are ignored
	}
	bad := func(err error) error {
		return &ConfigError{Source: r.source, Line: r.line, Key: r.key, Err: err}
	}
	switch f {
	case FieldURL:
		l.s.URL = r.value
	case FieldOrg:
		l.s.Org = r.value
	case FieldToken:
		l.s.Token = r.value
	case FieldBucket:
		l.s.Bucket = r.value
	case FieldTimeout:
		d, err := parseTimeout(r.value)
		if err != nil {
			return bad(err)
		}
		l.s.Timeout = d
	case FieldTLSSkipVerify:
		v, err := parseBool(r.value)
		if err != nil {
			return bad(err)
		}
		l.s.TLSSkipVerify = !v
	case FieldCACert:
		l.s.CACert = r.value
	case FieldCertFile:
		l.s.CertFile = r.value
	case FieldCertKeyFile:
		l.s.CertKeyFile = r.value
	case FieldAuthBasic:
		v, err := parseBool(r.value)
		if err != nil {
			return bad(err)
		}
		l.s.AuthBasic = v
	case FieldProxy:
		l.s.Proxy = r.value
	}
	l.set |= f
	return nil
}

// parseTimeout reads milliseconds ("6000", as influxdb-client-python) or a
// Go duration ("6s").
func parseTimeout(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		if ms > int64(time.Duration(1<<63-1)/time.Millisecond) {
			return 0, fmt.Errorf("%q is too large", v)
		}
		d = time.Duration(ms) * time.Millisecond
	} else if d, err = time.ParseDuration(v); err != nil {
		return 0, fmt.Errorf("%q is neither milliseconds nor a duration such as 10s", v)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", v)
	}
	return d, nil
}

// parseBool reads the spellings of configparser's getboolean (1/yes/true/on,
// 0/no/false/off), case-insensitively.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "yes", "true", "on":
		return true, nil
	case "0", "no", "false", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (true/false, yes/no, on/off, 1/0)", v)
}

// The environment variables read by Load, as influxdb-client-python's
// from_env_properties names them (plus INFLUXDB_V2_BUCKET).
const (
	envPrefix    = "INFLUXDB_V2_"
	envTagPrefix = "INFLUXDB_V2_TAG_"
)

var envKeys = []struct{ env, key string }{
	{"INFLUXDB_V2_URL", "url"},
	{"INFLUXDB_V2_ORG", "org"},
	{"INFLUXDB_V2_TOKEN", "token"},
	{"INFLUXDB_V2_BUCKET", "bucket"},
	{"INFLUXDB_V2_TIMEOUT", "timeout"},
	{"INFLUXDB_V2_VERIFY_SSL", "verify_ssl"},
	{"INFLUXDB_V2_SSL_CA_CERT", "ssl_ca_cert"},
	{"INFLUXDB_V2_CERT_FILE", "cert_file"},
	{"INFLUXDB_V2_CERT_KEY_FILE", "cert_key_file"},
	{"INFLUXDB_V2_AUTH_BASIC", "auth_basic"},
}

// environMap turns os.Environ's form into a map; a later duplicate wins.
func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}

func envLayer(env map[string]string) (layer, error) {
	var l layer
	for _, e := range envKeys {
		v := env[e.env]
		if v == "" {
			continue
		}
		if err := l.setKey(e.key, rawSetting{value: v, source: "environment", key: e.env}); err != nil {
			return layer{}, err
		}
	}
	for k, v := range env {
		name, ok := strings.CutPrefix(k, envTagPrefix)
		if !ok || name == "" || v == "" {
			continue
		}
		if l.tags == nil {
			l.tags = map[string]tagValue{}
		}
		l.tags[strings.ToLower(name)] = tagValue{value: v, source: "environment", key: k}
	}
	return l, nil
}

// errEnvUnset is the cause when a tag's ${env.VAR} names an unset variable.
var errEnvUnset = errors.New("environment variable is not set")

// expandEnv resolves a tag value of the form ${env.VAR}, as
// influxdb-client-python does for default tags; other values are kept.
func expandEnv(t tagValue, env map[string]string) (string, error) {
	name, ok := strings.CutPrefix(t.value, "${env.")
	if !ok || !strings.HasSuffix(name, "}") {
		return t.value, nil
	}
	name = strings.TrimSuffix(name, "}")
	v, ok := env[name]
	if !ok || v == "" {
		return "", &ConfigError{Source: t.source, Line: t.line, Key: t.key,
			Err: fmt.Errorf("${env.%s}: %w", name, errEnvUnset)}
	}
	return v, nil
}
