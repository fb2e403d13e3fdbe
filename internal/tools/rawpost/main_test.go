package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		n          int
		batches    []string
		lines      int
	}{
		{"empty", "", 2, nil, 0},
		{"exact", "a\nb\nc\nd\n", 2, []string{"a\nb\n", "c\nd\n"}, 4},
		{"short last", "a\nb\nc\n", 2, []string{"a\nb\n", "c\n"}, 3},
		{"no last newline", "a\nb\nc", 2, []string{"a\nb\n", "c"}, 3},
		{"empty lines kept, not counted", "a\n\nb\nc\n", 2, []string{"a\n\nb\n", "c\n"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batches, lines := split([]byte(tc.data), tc.n)
			var got []string
			for _, b := range batches {
				got = append(got, string(b))
			}
			if strings.Join(got, "|") != strings.Join(tc.batches, "|") || len(got) != len(tc.batches) || lines != tc.lines {
				t.Errorf("split(%q, %d) = %q, %d; want %q, %d", tc.data, tc.n, got, lines, tc.batches, tc.lines)
			}
		})
	}
}

func TestPost(t *testing.T) {
	var lines atomic.Int64
	var status atomic.Int32
	status.Store(http.StatusNoContent)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		lines.Add(int64(strings.Count(string(b), "\n")))
		if r.URL.Path != "/api/v2/write" || r.URL.Query().Get("bucket") != "db" || r.Header.Get("Authorization") != "Token tok" {
			http.Error(w, "bad request "+r.URL.String(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	o := options{url: srv.URL, bucket: "db", precision: "s", token: "tok", workers: 3}
	u, err := writeURL(o)
	if err != nil {
		t.Fatal(err)
	}
	batches, _ := split([]byte(strings.Repeat("m f=1 1\n", 100)), 7)
	if err := post(context.Background(), srv.Client(), u, o, batches); err != nil {
		t.Fatalf("post: %v", err)
	}
	if lines.Load() != 100 {
		t.Errorf("the server got %d lines, want 100", lines.Load())
	}
	status.Store(http.StatusOK) // not 204: an error
	if err := post(context.Background(), srv.Client(), u, o, batches); err == nil || !strings.Contains(err.Error(), "200") {
		t.Errorf("post with 200 answers: %v, want an error naming the status", err)
	}
}
