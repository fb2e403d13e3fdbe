package main

import (
	"bytes"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8086", "http://127.0.0.1:8086"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"admin:5f3a", "admin:5f3a"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]testserver.Kind{"1.8.10": testserver.V1, "1": testserver.V1, "v2": testserver.V2, "2.0.9": testserver.V2, "3": ""} {
		if got, _ := parseKind(in); got != want {
			t.Errorf("parseKind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-kind", "3"}, {"-nope"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (%s)", args, code, errOut.String())
		}
		if out.Len() != 0 {
			t.Errorf("run(%q) wrote to stdout: %s", args, out.String())
		}
	}
}
