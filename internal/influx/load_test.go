package influx

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pythonConfigINI is the config.ini of influxdb-client-python's README
// (from_config_file), plus the keys of its later versions.
const pythonConfigINI = `[influx2]
url=http://localhost:8086
org=my-org
token=my-token
timeout=6000
verify_ssl=False
connection_pool_maxsize=25
auth_basic=false
profilers=query,operator
proxy=http:proxy.domain.org:8080

[tags]
id = 132-987-655
customer = California Miner
data_center = ${env.data_center}
`

// pythonConfigTOML is the config.toml of the same documentation.
const pythonConfigTOML = `[influx2]
    url = "http://localhost:8086"
    token = "my-token"
    org = "my-org"
    timeout = 6000
    verify_ssl = false
    connection_pool_maxsize = 25
    auth_basic = false
    profilers="query, operator"
    proxy = "http:proxy.domain.org:8080"

[tags]
    id = "132-987-655"
    customer = "California Miner"
    data_center = "${env.data_center}"
`

// pythonConfigJSON is the flat JSON form influxdb-client-python reads.
const pythonConfigJSON = `{
    "url": "http://localhost:8086",
    "token": "my-token",
    "org": "my-org",
    "timeout": 6000,
    "verify_ssl": false,
    "connection_pool_maxsize": 25,
    "auth_basic": false,
    "profilers": "query, operator",
    "proxy": "http:proxy.domain.org:8080",
    "tags": {
        "id": "132-987-655",
        "customer": "California Miner",
        "data_center": "${env.data_center}"
    }
}
`

// pythonSettings is what the three files above mean.
var pythonSettings = Settings{
	URL: "http://localhost:8086", Org: "my-org", Token: "my-token",
	Timeout: 6 * time.Second, TLSSkipVerify: true, Proxy: "http:proxy.domain.org:8080",
	DefaultTags: map[string]string{"id": "132-987-655", "customer": "California Miner", "data_center": "dc-1"},
}

func TestLoadConfigFormats(t *testing.T) {
	env := []string{"data_center=dc-1"}
	tests := []struct {
		name, file, content string
		want                Settings
	}{
		{"python ini", "config.ini", pythonConfigINI, pythonSettings},
		{"python toml", "config.toml", pythonConfigTOML, pythonSettings},
		{"python json", "config.json", pythonConfigJSON, pythonSettings},
		{"ini without extension", "influx", pythonConfigINI, pythonSettings},
		{"json without extension", "influx.conf.d", pythonConfigJSON, pythonSettings},
		{"nested json", "c.json", `{"influx2": {"url": "https://eu.example.com", "org": "o", "token": "t", "bucket": "b",
			"timeout": "2500", "verify_ssl": "true", "ssl_ca_cert": "/ca.pem", "cert_file": "/c.pem", "cert_key_file": "/k.pem",
			"auth_basic": true, "proxy": "http://p:3128"}, "tags": {"Host": "h1", "n": 3}}`,
			Settings{URL: "https://eu.example.com", Org: "o", Token: "t", Bucket: "b", Timeout: 2500 * time.Millisecond,
				CACert: "/ca.pem", CertFile: "/c.pem", CertKeyFile: "/k.pem", AuthBasic: true, Proxy: "http://p:3128",
				DefaultTags: map[string]string{"Host": "h1", "n": "3"}}},
		{"toml with bucket and duration timeout", "c.toml", "[influx2]\nurl = \"http://h:1\"\nbucket = \"db/rp\"\ntimeout = \"1m\"\n",
			Settings{URL: "http://h:1", Bucket: "db/rp", Timeout: time.Minute}},
		{"toml read as ini when not toml (as python does)", "c.toml", "[influx2]\nurl = http://h:2\ntoken = \"abc\"\n",
			Settings{URL: "http://h:2", Token: "abc", Timeout: DefaultTimeout}},
		{"ini: quotes, colon, case, comments, continuation, interpolation", "c.ini", `# comment
; another
[DEFAULT]
host = db.example.com

[influx2]
URL: "https://%(host)s:8086"
Token = "a%%b;c#d"
org = my org ; not a comment
bucket = first
  second

[tags]
Region = "EU"
`,
			Settings{URL: "https://db.example.com:8086", Token: "a%b;c#d", Org: "my org ; not a comment", Bucket: "first\nsecond",
				Timeout: DefaultTimeout, DefaultTags: map[string]string{"region": "EU", "host": "db.example.com"}}},
		{"verify_ssl yes", "c.ini", "[influx2]\nverify_ssl = yes\n", Settings{URL: DefaultURL, Timeout: DefaultTimeout}},
		{"timeout 0 is no timeout", "c.ini", "[influx2]\ntimeout = 0\n", Settings{URL: DefaultURL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.file, tt.content)
			got, err := Load(Sources{ConfigFile: p, Environ: env})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", plainSettings(got), plainSettings(tt.want))
			}
		})
	}
}

func TestLoadPrecedence(t *testing.T) {
	const file = `[influx2]
url = http://file:8086
org = file-org
token = file-token
bucket = file-bucket
timeout = 1000
verify_ssl = true
[tags]
a = file
b = file
c = file
`
	tests := []struct {
		name    string
		file    bool
		environ []string
		flags   Settings
		set     Field
		want    Settings
	}{
		{name: "defaults", want: Settings{URL: DefaultURL, Timeout: DefaultTimeout}},
		{name: "file", file: true, want: Settings{URL: "http://file:8086", Org: "file-org", Token: "file-token",
			Bucket: "file-bucket", Timeout: time.Second, DefaultTags: map[string]string{"a": "file", "b": "file", "c": "file"}}},
		{name: "environment over file", file: true,
			environ: []string{"INFLUXDB_V2_URL=http://env:8086", "INFLUXDB_V2_TOKEN=env-token", "INFLUXDB_V2_TIMEOUT=2000",
				"INFLUXDB_V2_VERIFY_SSL=False", "INFLUXDB_V2_TAG_B=env", "INFLUXDB_V2_TAG_D=env", "INFLUXDB_V2_ORG=", "OTHER=x"},
			want: Settings{URL: "http://env:8086", Org: "file-org", Token: "env-token", Bucket: "file-bucket",
				Timeout: 2 * time.Second, TLSSkipVerify: true,
				DefaultTags: map[string]string{"a": "file", "b": "env", "c": "file", "d": "env"}}},
		{name: "flags over environment over file", file: true,
			environ: []string{"INFLUXDB_V2_URL=http://env:8086", "INFLUXDB_V2_TOKEN=env-token", "INFLUXDB_V2_BUCKET=env-bucket",
				"INFLUXDB_V2_TAG_B=env", "INFLUXDB_V2_SSL_CA_CERT=/env-ca.pem"},
			flags: Settings{URL: "http://flag:8086", Token: "flag-token", Org: "ignored, not set", Timeout: 3 * time.Second,
				TLSSkipVerify: true, DefaultTags: map[string]string{"c": "flag"}},
			set: FieldURL | FieldToken | FieldTimeout | FieldTLSSkipVerify | FieldDefaultTags,
			want: Settings{URL: "http://flag:8086", Org: "file-org", Token: "flag-token", Bucket: "env-bucket",
				Timeout: 3 * time.Second, TLSSkipVerify: true, CACert: "/env-ca.pem",
				DefaultTags: map[string]string{"a": "file", "b": "env", "c": "flag"}}},
		{name: "flag set to empty wins", file: true, environ: []string{"INFLUXDB_V2_TOKEN=env-token"},
			flags: Settings{}, set: FieldToken | FieldOrg,
			want: Settings{URL: "http://file:8086", Bucket: "file-bucket", Timeout: time.Second,
				DefaultTags: map[string]string{"a": "file", "b": "file", "c": "file"}}},
		{name: "environment alone, tags lower-cased and expanded",
			environ: []string{"INFLUXDB_V2_URL=https://cloud", "INFLUXDB_V2_TAG_DATA_CENTER=${env.DC}", "DC=west",
				"INFLUXDB_V2_AUTH_BASIC=true", "INFLUXDB_V2_CERT_FILE=/c", "INFLUXDB_V2_CERT_KEY_FILE=/k"},
			want: Settings{URL: "https://cloud", Timeout: DefaultTimeout, AuthBasic: true, CertFile: "/c", CertKeyFile: "/k",
				DefaultTags: map[string]string{"data_center": "west"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := Sources{Environ: tt.environ, Flags: tt.flags, Set: tt.set}
			if tt.file {
				src.ConfigFile = writeFile(t, "config.ini", file)
			}
			got, err := Load(src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", plainSettings(got), plainSettings(tt.want))
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	const secret = "s3cr3t-T0ken-value"
	tests := []struct {
		name, file, content string
		environ             []string
		wantLine            int
		wantIn              string // in the message
	}{
		{name: "ini line without delimiter holding the token", file: "c.ini",
			content: "[influx2]\nurl = http://x\ntoken " + secret + "\n", wantLine: 3, wantIn: "neither '=' nor ':'"},
		{name: "ini key before section", file: "c.ini", content: "token = " + secret + "\n", wantLine: 1, wantIn: "before any [section]"},
		{name: "ini duplicate key", file: "c.ini", content: "[influx2]\ntoken = " + secret + "\nTOKEN = " + secret + "x\n", wantLine: 3, wantIn: "appears twice"},
		{name: "ini bad interpolation in the token", file: "c.ini", content: "[influx2]\ntoken = 50%" + secret + "\n", wantLine: 2, wantIn: "%-interpolation"},
		{name: "ini bad bool", file: "c.ini", content: "[influx2]\ntoken = " + secret + "\n\nverify_ssl = maybe\n", wantLine: 4, wantIn: "[influx2] verify_ssl: \"maybe\" is not a boolean"},
		{name: "ini bad timeout", file: "c.ini", content: "[influx2]\ntimeout = soon\n", wantLine: 2, wantIn: "[influx2] timeout: \"soon\" is neither"},
		{name: "no influx2 section", file: "c.ini", content: "[influx]\ntoken = " + secret + "\n", wantIn: "no [influx2] section"},
		{name: "toml syntax error on the token line", file: "c.toml",
			content: "[influx2]\nurl = \"http://x\"\ntoken \"" + secret + "\"\n[tags]\n", wantLine: 3, wantIn: "invalid TOML (check the quoting"},
		{name: "toml syntax error elsewhere", file: "c.toml",
			content: "[influx2]\ntoken = \"" + secret + "\"\nbucket = \"a\" \"b\"\nx\n", wantLine: 3, wantIn: "invalid TOML: "},
		{name: "toml table value", file: "c.toml", content: "[influx2]\ntoken = \"" + secret + "\"\n[influx2.url]\nx = 1\n", wantIn: "[influx2] url: must be a string"},
		{name: "json syntax error", file: "c.json", content: "{\"influx2\": {\n\"token\": \"" + secret + "\",\n\"url\": x}}", wantLine: 3, wantIn: "invalid JSON"},
		{name: "json not an object", file: "c.json", content: "[\"" + secret + "\"]", wantLine: 1, wantIn: "must be a JSON object"},
		{name: "json trailing text", file: "c.json", content: "{\"token\": \"" + secret + "\"}\n{}", wantLine: 2, wantIn: "text after"},
		{name: "missing file", file: "", wantIn: "cannot open"},
		{name: "unset ${env.VAR} in a tag", file: "c.ini", content: "[influx2]\ntoken=" + secret + "\n[tags]\ndc = ${env.NOPE}\n",
			wantLine: 4, wantIn: "c.ini:4: [tags] dc: ${env.NOPE}: environment variable is not set"},
		{name: "bad environment timeout", environ: []string{"INFLUXDB_V2_TOKEN=" + secret, "INFLUXDB_V2_TIMEOUT=-5"}, wantIn: "environment: INFLUXDB_V2_TIMEOUT: \"-5\" is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := Sources{Environ: tt.environ}
			switch {
			case tt.file != "":
				src.ConfigFile = writeFile(t, tt.file, tt.content)
			case tt.environ == nil:
				src.ConfigFile = filepath.Join(t.TempDir(), "missing.ini")
			}
			_, err := Load(src)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if strings.Contains(msg, secret) || strings.Contains(msg, secret[:8]) {
				t.Fatalf("the error holds the token: %s", msg)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
				t.Fatalf("%T %v is not a *ConfigError wrapping ErrConfig", err, err)
			}
			if ce.Line != tt.wantLine {
				t.Errorf("line %d, want %d (%s)", ce.Line, tt.wantLine, msg)
			}
			if src.ConfigFile != "" && !strings.Contains(msg, src.ConfigFile) {
				t.Errorf("%q does not name the file", msg)
			}
			if !strings.Contains(msg, tt.wantIn) {
				t.Errorf("%q does not contain %q", msg, tt.wantIn)
			}
		})
	}
}

func TestChangedFlags(t *testing.T) {
	given := map[string]bool{"url": true, "token": true, "tls-skip-verify": true, "tag": true, "verbose": true}
	got := ChangedFlags(func(name string) bool { return given[name] })
	if want := FieldURL | FieldToken | FieldTLSSkipVerify | FieldDefaultTags; got != want {
		t.Errorf("got %b, want %b", got, want)
	}
}

func TestParseTimeout(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"10000", 10 * time.Second, false},
		{" 1 ", time.Millisecond, false},
		{"1.5s", 1500 * time.Millisecond, false},
		{"0", 0, false},
		{"-1", 0, true},
		{"ten", 0, true},
		{"99999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := parseTimeout(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseTimeout(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// FuzzLoadINI checks that no config file makes Load panic, and that its
// errors never quote the token line's value.
func FuzzLoadINI(f *testing.F) {
	for _, seed := range []string{pythonConfigINI, "[influx2]\ntoken = %(x)s\n", "[a]\n  b\n", "[DEFAULT]\nx=%(x)s\n[influx2]\ny=%(x)s\n", "\ufeff[influx2]\n"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		const secret = "Zq9-secret-Zq9"
		p := filepath.Join(dir, "c.ini")
		if err := os.WriteFile(p, []byte(content+"\ntoken "+secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(Sources{ConfigFile: p})
		if err == nil {
			t.Fatal("a line without '=' was accepted")
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error quotes the token: %v", err)
		}
	})
}
