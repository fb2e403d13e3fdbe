package main

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCountLines(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		lines      int64
	}{
		{"empty", "", 0},
		{"one line", "m f=1 1\n", 1},
		{"no last newline", "m f=1 1\nm f=2 2", 2},
		{"three", "a\nb\nc\n", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, n, err := countLines(strings.NewReader(tc.body))
			if err != nil || lines != tc.lines || n != int64(len(tc.body)) {
				t.Errorf("countLines(%q) = %d, %d, %v; want %d, %d, nil", tc.body, lines, n, err, tc.lines, len(tc.body))
			}
		})
	}
}

func TestHandler(t *testing.T) {
	c := &counter{}
	srv := httptest.NewServer(newHandler(c, "2.0.9"))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Influxdb-Version") != "2.0.9" {
		t.Errorf("GET /ping: %s, version %q", resp.Status, resp.Header.Get("X-Influxdb-Version"))
	}

	post := func(path, body string, gz bool) int {
		t.Helper()
		var b bytes.Buffer
		if gz {
			zw := gzip.NewWriter(&b)
			zw.Write([]byte(body))
			zw.Close()
		} else {
			b.WriteString(body)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, &b)
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		path, body string
		gz         bool
		status     int
	}{
		{"/api/v2/write?bucket=b", "m f=1 1\nm f=2 2\n", false, http.StatusNoContent},
		{"/api/v2/write?bucket=b", "m f=3 3", true, http.StatusNoContent},
		{"/write?db=b", "m f=4 4\n", false, http.StatusNoContent},
		{"/api/v2/query?org=o", `{"query":"x"}`, false, http.StatusOK},
		{"/query", "q=SHOW+FIELD+KEYS", false, http.StatusOK},
		{"/api/v2/buckets", "{}", false, http.StatusNotFound},
	} {
		if got := post(tc.path, tc.body, tc.gz); got != tc.status {
			t.Errorf("POST %s: %d, want %d", tc.path, got, tc.status)
		}
	}
	if l, r := c.lines.Load(), c.requests.Load(); l != 4 || r != 3 {
		t.Errorf("counted %d lines in %d requests, want 4 in 3", l, r)
	}
}
