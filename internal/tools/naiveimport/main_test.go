package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestImportFile(t *testing.T) {
	csv := "b,time,a,s,x\n" +
		"2,2019-01-01 00:00:01,1,hi,1.5\n" +
		",2019-01-01 00:00:02,3,,-2\n" +
		"4,2019-01-01 00:00:03,5,yo,7\n"
	name := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(name, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"written", http.StatusNoContent, false},
		{"refused: an error, not dropped", http.StatusBadRequest, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				got = append(got, strings.Split(strings.TrimSpace(string(b)), "\n")...)
				mu.Unlock()
				if tc.status >= 300 {
					http.Error(w, `{"code":"invalid","message":"no"}`, tc.status)
					return
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			o := options{url: srv.URL, bucket: "b", org: "o", measurement: "m", tags: "a,b", stringFields: "s",
				timeColumn: "time", timeLayout: "2006-01-02 15:04:05", batchSize: 2}
			rows, err := importFile(name, o, time.Second)
			if (err != nil) != tc.wantErr || rows != 3 {
				t.Fatalf("importFile = %d, %v; want 3 rows, error %t", rows, err, tc.wantErr)
			}
			want := []string{
				`m,a=1,b=2 s="hi",x=1.5 1546300801`,
				`m,a=3 x=-2 1546300802`,
				`m,a=5,b=4 s="yo",x=7 1546300803`,
			}
			mu.Lock()
			defer mu.Unlock()
			if !tc.wantErr && strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("the server got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
