package frame

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

// spectrumDir returns the folder of the npm package csv-spectrum (the one
// holding csvs/ and json/): $INFLUXFRAME_CSV_SPECTRUM, or the test servers'
// cache folder's csv-spectrum/package, where make test unpacks it.
func spectrumDir() string {
	if d := os.Getenv("INFLUXFRAME_CSV_SPECTRUM"); d != "" {
		return d
	}
	return filepath.Join(testserver.CacheDir(), "csv-spectrum", "package")
}

// spectrumSpecial are the csv-spectrum cases that differ from what the
// package's JSON says, each with the reason and how the test reads it.
var spectrumSpecial = map[string]struct {
	why  string
	opts CSVOptions
	// fix corrects the expected rows where the JSON is wrong.
	fix func(rows []map[string]string)
	// plain is the error of a reading without opts, and its line.
	plain     error
	plainLine int64
}{
	"location_coordinates": {
		why: `its cells hold bare quotes (37.8"N), a syntax error under RFC 4180 quoting, ` +
			`which the reader refuses at its line unless told the file is not quoted (--quote none); ` +
			`and its JSON says the phone number is 1234567890 where the CSV says 2095257564 (a slip of the package)`,
		opts: CSVOptions{Quote: NoQuote},
		fix: func(rows []map[string]string) {
			rows[0]["Contact Phone Number"] = "2095257564"
		},
		plain: csv.ErrBareQuote, plainLine: 2,
	},
}

// TestCSVSpectrum reads every CSV file of csv-spectrum with every column
// kept as text, and checks each cell against the package's JSON. CR LF
// inside a quoted cell is kept (newlines_crlf), as csv-spectrum expects;
// empty cells (quoted or not) are read as nulls, which are the empty
// strings of the JSON. The cases whose JSON this reader does not follow
// are in spectrumSpecial, with the reason. Without the package the test
// skips, or fails when CI=true.
func TestCSVSpectrum(t *testing.T) {
	dir := spectrumDir()
	files, _ := filepath.Glob(filepath.Join(dir, "csvs", "*.csv"))
	if len(files) == 0 {
		msg := "csv-spectrum is not in " + dir + " (make test fetches it; or set INFLUXFRAME_CSV_SPECTRUM)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".csv")
		t.Run(name, func(t *testing.T) {
			want := spectrumJSON(t, filepath.Join(dir, "json", name+".json"))
			special, isSpecial := spectrumSpecial[name]
			if isSpecial {
				t.Logf("read specially: %s", special.why)
				if special.fix != nil {
					special.fix(want)
				}
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if special.plain != nil {
				_, err := NewCSVReader(bytes.NewReader(data), name, CSVOptions{})
				var pe *ParseError
				if !errors.Is(err, special.plain) || !errors.As(err, &pe) || pe.Line != special.plainLine {
					t.Errorf("read plainly: err %v, want %v at line %d", err, special.plain, special.plainLine)
				}
			}
			r, err := NewCSVReader(bytes.NewReader(data), filepath.Base(file), special.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if err := r.KeepText(r.FrameSchema().Names()...); err != nil {
				t.Fatal(err)
			}
			names := r.FrameSchema().Names()
			var got []map[string]string
			for r.Next() {
				rec := r.Record()
				for i := 0; i < int(rec.NumRows()); i++ {
					row := map[string]string{}
					for j, n := range names {
						row[n] = FormatValue(rec.Column(j), i)
					}
					got = append(got, row)
				}
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if d := r.Dialect(); d.Delimiter != ',' || !d.Header {
				t.Errorf("dialect %v, want comma-separated with a header", d)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d:\n%q\n%q", len(got), len(want), got, want)
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("row %d:\n got %q\nwant %q", i+1, got[i], want[i])
				}
			}
		})
	}
}

// spectrumJSON reads a csv-spectrum JSON file: an array of rows, or one
// row (location_coordinates.json is an object).
func spectrumJSON(t *testing.T, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	if err := json.Unmarshal(b, &rows); err == nil {
		return rows
	}
	var row map[string]string
	if err := json.Unmarshal(b, &row); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []map[string]string{row}
}
