package influx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// The sections of the config file, as influxdb-client-python names them.
const (
	sectionInflux = "influx2"
	sectionTags   = "tags"
)

// configDoc is a parsed config file before its values are checked: the
// [influx2] keys (lower case) and the [tags], each with its line.
type configDoc struct {
	influx    map[string]rawSetting
	hasInflux bool
	tags      map[string]rawSetting
}

// readConfigFile reads and parses a config file into a layer.
func readConfigFile(path string) (layer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("cannot %s: %w", pe.Op, pe.Err)
		}
		return layer{}, &ConfigError{Source: path, Err: err}
	}
	var doc configDoc
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ini", ".cfg", ".conf":
		doc, err = parseINIConfig(data, path)
	case ".toml":
		doc, err = parseTOMLConfig(data, path)
	case ".json":
		doc, err = parseJSONConfig(data, path)
	default:
		if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
			doc, err = parseJSONConfig(data, path)
		} else {
			doc, err = parseINIConfig(data, path)
		}
	}
	if err != nil {
		return layer{}, err
	}
	if !doc.hasInflux {
		return layer{}, &ConfigError{Source: path, Err: errors.New("no [influx2] section (the section influxdb-client-python reads)")}
	}
	var l layer
	for k, r := range doc.influx {
		if err := l.setKey(k, r); err != nil {
			return layer{}, err
		}
	}
	for k, r := range doc.tags {
		if l.tags == nil {
			l.tags = map[string]tagValue{}
		}
		l.tags[k] = tagValue{value: r.value, source: r.source, line: r.line, key: r.key}
	}
	return l, nil
}

// parseINIConfig reads the INI form, as Python's configparser does.
func parseINIConfig(data []byte, path string) (configDoc, error) {
	f, err := parseINI(data, path)
	if err != nil {
		return configDoc{}, err
	}
	doc := configDoc{influx: map[string]rawSetting{}, tags: map[string]rawSetting{}}
	if sec := f.sections[sectionInflux]; sec != nil {
		doc.hasInflux = true
		if doc.influx, err = f.items(sec); err != nil {
			return configDoc{}, err
		}
	}
	if sec := f.sections[sectionTags]; sec != nil {
		if doc.tags, err = f.items(sec); err != nil {
			return configDoc{}, err
		}
	}
	for k, r := range doc.influx {
		r.value = strings.Trim(r.value, `"`) // influxdb-client-python: .strip('"')
		doc.influx[k] = r
	}
	for k, r := range doc.tags {
		r.value = strings.Trim(r.value, `"`)
		doc.tags[k] = r
	}
	return doc, nil
}

// parseTOMLConfig reads the TOML form. A file that is not TOML but reads as
// configparser INI (which is how influxdb-client-python reads .toml files)
// is taken as INI.
func parseTOMLConfig(data []byte, path string) (configDoc, error) {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		if doc, ierr := parseINIConfig(data, path); ierr == nil && doc.hasInflux {
			return doc, nil
		}
		return configDoc{}, tomlError(err, data, path)
	}
	doc := configDoc{}
	if t, ok := m[sectionInflux]; ok {
		tab, ok := t.(map[string]any)
		if !ok {
			return configDoc{}, &ConfigError{Source: path, Line: findKeyLine(data, sectionInflux), Key: sectionInflux, Err: errors.New("must be a table")}
		}
		doc.hasInflux = true
		var err error
		if doc.influx, err = scalarTable(tab, data, path, "[influx2] ", true); err != nil {
			return configDoc{}, err
		}
	}
	if t, ok := m[sectionTags]; ok {
		tab, ok := t.(map[string]any)
		if !ok {
			return configDoc{}, &ConfigError{Source: path, Line: findKeyLine(data, sectionTags), Key: sectionTags, Err: errors.New("must be a table")}
		}
		var err error
		if doc.tags, err = scalarTable(tab, data, path, "[tags] ", true); err != nil {
			return configDoc{}, err
		}
	}
	return doc, nil
}

// tomlError turns a TOML parse error into a *ConfigError with its line. The
// parser's message is kept unless the line may hold a secret.
func tomlError(err error, data []byte, path string) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &ConfigError{Source: path, Err: errors.New("invalid TOML")}
	}
	line := pe.Position.Line
	msg := "invalid TOML: " + pe.Message
	if lineMayHoldSecret(data, line) {
		msg = "invalid TOML (check the quoting of the value)"
	}
	return &ConfigError{Source: path, Line: line, Err: errors.New(msg)}
}

// parseJSONConfig reads {"influx2": {...}, "tags": {...}} or Python's flat
// form {"url": ..., "token": ..., "tags": {...}}.
func parseJSONConfig(data []byte, path string) (configDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return configDoc{}, jsonError(err, data, path)
	}
	if _, err := dec.Token(); err != io.EOF {
		return configDoc{}, &ConfigError{Source: path, Line: lineAt(data, int(dec.InputOffset())), Err: errors.New("invalid JSON: text after the top-level object")}
	}
	doc := configDoc{influx: map[string]rawSetting{}}
	flat := map[string]any{}
	for k, v := range m {
		if k != sectionInflux && k != sectionTags {
			flat[k] = v
		}
	}
	var err error
	if doc.influx, err = scalarTable(flat, data, path, "", false); err != nil {
		return configDoc{}, err
	}
	for k := range doc.influx {
		if _, known := settingKeys[k]; known {
			doc.hasInflux = true
		}
	}
	if t, ok := m[sectionInflux]; ok {
		tab, ok := t.(map[string]any)
		if !ok {
			return configDoc{}, &ConfigError{Source: path, Line: findKeyLine(data, sectionInflux), Key: sectionInflux, Err: errors.New("must be an object")}
		}
		nested, err := scalarTable(tab, data, path, "[influx2] ", false)
		if err != nil {
			return configDoc{}, err
		}
		for k, v := range nested {
			doc.influx[k] = v
		}
		doc.hasInflux = true
	}
	if t, ok := m[sectionTags]; ok {
		tab, ok := t.(map[string]any)
		if !ok {
			return configDoc{}, &ConfigError{Source: path, Line: findKeyLine(data, sectionTags), Key: sectionTags, Err: errors.New("must be an object")}
		}
		if doc.tags, err = scalarTable(tab, data, path, "[tags] ", false); err != nil {
			return configDoc{}, err
		}
	}
	return doc, nil
}

func jsonError(err error, data []byte, path string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// The message names one character at most, never a whole value.
		return &ConfigError{Source: path, Line: lineAt(data, int(se.Offset)), Err: fmt.Errorf("invalid JSON: %w", err)}
	case errors.As(err, &te):
		return &ConfigError{Source: path, Line: lineAt(data, int(te.Offset)), Err: errors.New("the top level must be a JSON object")}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &ConfigError{Source: path, Err: errors.New("invalid JSON: unexpected end of file")}
	}
	return &ConfigError{Source: path, Err: errors.New("invalid JSON")}
}

// scalarTable converts a TOML or JSON table of scalars to text values.
// Keys are lower-cased when lower is set (configparser's rule).
func scalarTable(tab map[string]any, data []byte, path, prefix string, lower bool) (map[string]rawSetting, error) {
	out := make(map[string]rawSetting, len(tab))
	for k, v := range tab {
		var s string
		switch v := v.(type) {
		case nil:
			continue // JSON null: as if absent
		case string:
			s = v
		case bool:
			s = strconv.FormatBool(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case json.Number:
			s = v.String()
		default:
			return nil, &ConfigError{Source: path, Line: findKeyLine(data, k), Key: prefix + k, Err: errors.New("must be a string, a number or a boolean")}
		}
		name := k
		if lower {
			name = strings.ToLower(k)
		}
		out[name] = rawSetting{value: s, source: path, line: findKeyLine(data, k), key: prefix + k}
	}
	return out, nil
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// findKeyLine finds the first line that starts with key (bare or quoted)
// followed by '=' or ':', for messages about TOML and JSON values; 0 if none.
func findKeyLine(data []byte, key string) int {
	re := regexp.MustCompile(`(?i)^\s*(` + regexp.QuoteMeta(key) + `|"` + regexp.QuoteMeta(key) + `"|'` + regexp.QuoteMeta(key) + `')\s*[=:]`)
	for i, line := range bytes.Split(data, []byte("\n")) {
		if re.Match(line) {
			return i + 1
		}
	}
	return 0
}

var secretKeyRE = regexp.MustCompile(`(?i)token|password|secret|key`)

// lineMayHoldSecret says whether a line (1-based) looks like it holds a
// token or password, so that a parser's message quoting it is not shown.
func lineMayHoldSecret(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return true
	}
	return secretKeyRE.Match(lines[line-1])
}
