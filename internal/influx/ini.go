package influx

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// This file reads INI as Python's configparser.ConfigParser does with its
// defaults, which is what influxdb-client-python's from_config_file uses:
//   - "[name]" starts a section; [DEFAULT] holds defaults for every section;
//   - "key = value" or "key: value", split at the first '=' or ':'; keys are
//     case-insensitive (lower-cased), keys and values are trimmed;
//   - lines whose first non-blank character is '#' or ';' are comments;
//     there are no inline comments;
//   - a line indented deeper than its key's line continues the value
//     (joined with "\n"), blank lines inside such a value are kept;
//   - a duplicate section or key is an error;
//   - values are interpolated when read: "%%" is '%', "%(key)s" is the
//     value of key in the same section or [DEFAULT].
// Messages never quote a line or a value: either could be the token.

const iniDefaultSection = "DEFAULT"

type iniFile struct {
	path     string
	defaults *iniSection
	sections map[string]*iniSection
}

type iniSection struct {
	name string
	keys map[string]*iniValue
}

type iniValue struct {
	key   string // as written
	line  int
	lines []string
}

func (v *iniValue) raw() string {
	return strings.TrimRightFunc(strings.Join(v.lines, "\n"), unicode.IsSpace)
}

func parseINI(data []byte, path string) (*iniFile, error) {
	f := &iniFile{
		path:     path,
		defaults: &iniSection{name: iniDefaultSection, keys: map[string]*iniValue{}},
		sections: map[string]*iniSection{},
	}
	bad := func(line int, format string, args ...any) error {
		return &ConfigError{Source: path, Line: line, Err: fmt.Errorf(format, args...)}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	var (
		cur         *iniSection
		curVal      *iniValue
		indentLevel = 0
		seen        = map[string]bool{}
	)
	for i, line := range strings.Split(text, "\n") {
		lineno := i + 1
		trimmed := strings.TrimSpace(line)
		isComment := strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";")
		if trimmed == "" || isComment {
			if trimmed == "" && curVal != nil {
				curVal.lines = append(curVal.lines, "")
			}
			continue
		}
		indent := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsSpace(r) })
		if cur != nil && curVal != nil && indent > indentLevel {
			curVal.lines = append(curVal.lines, trimmed)
			continue
		}
		indentLevel = indent
		if strings.HasPrefix(trimmed, "[") {
			if end := strings.LastIndex(trimmed, "]"); end > 1 {
				name := trimmed[1:end]
				if seen["["+name] {
					return nil, bad(lineno, "section [%s] appears twice", name)
				}
				seen["["+name] = true
				switch {
				case name == iniDefaultSection:
					cur = f.defaults
				default:
					cur = &iniSection{name: name, keys: map[string]*iniValue{}}
					f.sections[name] = cur
				}
				curVal = nil
				continue
			}
		}
		if cur == nil {
			return nil, bad(lineno, "a key before any [section] header")
		}
		d := strings.IndexAny(trimmed, "=:")
		if d < 0 {
			return nil, bad(lineno, "neither '=' nor ':' in the line")
		}
		key := strings.TrimSpace(trimmed[:d])
		if key == "" {
			return nil, bad(lineno, "empty key name")
		}
		lk := strings.ToLower(key)
		if seen[cur.name+"\x00"+lk] {
			return nil, bad(lineno, "key %q appears twice in [%s]", key, cur.name)
		}
		seen[cur.name+"\x00"+lk] = true
		curVal = &iniValue{key: key, line: lineno, lines: []string{strings.TrimSpace(trimmed[d+1:])}}
		cur.keys[lk] = curVal
	}
	return f, nil
}

// items returns a section's values with [DEFAULT]'s, interpolated, as
// configparser's items(section) does.
func (f *iniFile) items(sec *iniSection) (map[string]rawSetting, error) {
	out := map[string]rawSetting{}
	for _, s := range []*iniSection{f.defaults, sec} {
		for k, v := range s.keys {
			val, err := f.interpolate(sec, v, v.raw(), 0)
			if err != nil {
				return nil, err
			}
			out[k] = rawSetting{value: val, source: f.path, line: v.line, key: "[" + sec.name + "] " + v.key}
		}
	}
	return out, nil
}

// lookup finds key in sec, then in [DEFAULT].
func (f *iniFile) lookup(sec *iniSection, key string) *iniValue {
	if v := sec.keys[key]; v != nil {
		return v
	}
	return f.defaults.keys[key]
}

var errInterpolation = errors.New("bad %-interpolation (write %% for a literal %)")

// interpolate applies configparser's BasicInterpolation to s, the value of v.
func (f *iniFile) interpolate(sec *iniSection, v *iniValue, s string, depth int) (string, error) {
	bad := func(err error) error {
		return &ConfigError{Source: f.path, Line: v.line, Key: "[" + sec.name + "] " + v.key, Err: err}
	}
	if depth > 10 {
		return "", bad(errors.New("%(key)s references nest too deep"))
	}
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for s != "" {
		p := strings.IndexByte(s, '%')
		if p < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:p])
		s = s[p:]
		switch {
		case strings.HasPrefix(s, "%%"):
			b.WriteByte('%')
			s = s[2:]
		case strings.HasPrefix(s, "%("):
			end := strings.Index(s, ")s")
			if end < 3 || strings.Contains(s[2:end], ")") {
				return "", bad(errInterpolation)
			}
			name := strings.ToLower(s[2:end])
			s = s[end+2:]
			ref := f.lookup(sec, name)
			if ref == nil {
				return "", bad(fmt.Errorf("%%(%s)s names no key in [%s] or [DEFAULT]", name, sec.name))
			}
			val, err := f.interpolate(sec, ref, ref.raw(), depth+1)
			if err != nil {
				return "", err
			}
			b.WriteString(val)
		default:
			return "", bad(errInterpolation)
		}
	}
	return b.String(), nil
}
