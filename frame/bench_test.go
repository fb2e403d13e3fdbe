package frame

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/influxframe/influxframe/internal/csvscan"
	"github.com/influxframe/influxframe/internal/gentaxi"
)

// benchRows is the size of the generated taxi-like file of the CSV
// benchmarks: about 5 MB.
const benchRows = 50000

// benchTaxiRows returns a generated taxi-like file of rows rows, made
// once per size.
var benchTaxiRows = func() func(rows int) []byte {
	var mu sync.Mutex
	files := map[int][]byte{}
	return func(rows int) []byte {
		mu.Lock()
		defer mu.Unlock()
		if files[rows] == nil {
			var b bytes.Buffer
			if err := gentaxi.Generate(&b, rows, 1, false); err != nil {
				panic(err)
			}
			files[rows] = b.Bytes()
		}
		return files[rows]
	}
}()

func benchTaxi() []byte { return benchTaxiRows(benchRows) }

// BenchmarkCSVReader reads a generated taxi-like file (14 columns: text,
// timestamps, integers, floats, empty cells) with the frame reader, both
// passes (sniffing and inference, then conversion into Arrow records),
// and, for comparison, the same bytes with a plain encoding/csv loop and
// with csvscan, both with ReuseRecord and converting nothing. It reads a
// 5 MB file (50k rows, 3 chunks: fixed costs and the last, short chunk
// count) and a 43 MB one (500k rows). Run it with -cpu 1,2 to see the
// reader on one core and on two.
func BenchmarkCSVReader(b *testing.B) {
	for _, rows := range []int{benchRows, 10 * benchRows} {
		data := benchTaxiRows(rows)
		b.Run(fmt.Sprintf("%dk", rows/1000), func(b *testing.B) {
			benchmarkCSVReader(b, data, rows)
		})
	}
}

func benchmarkCSVReader(b *testing.B, data []byte, rows int) {
	b.Run("frame", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r, err := NewCSVReader(bytes.NewReader(data), "taxi.csv", CSVOptions{})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for r.Next() {
				n += int(r.Record().NumRows())
			}
			if err := r.Err(); err != nil {
				b.Fatal(err)
			}
			r.Release()
			if n != rows {
				b.Fatalf("%d rows", n)
			}
		}
	})
	b.Run("encoding-csv", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r := csv.NewReader(bytes.NewReader(data))
			r.ReuseRecord = true
			benchReadAll(b, r.Read, rows)
		}
	})
	b.Run("csvscan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r := csvscan.NewReader(bytes.NewReader(data))
			r.ReuseRecord = true
			benchReadAll(b, r.Read, rows)
		}
	})
}

func benchReadAll(b *testing.B, read func() ([]string, error), rows int) {
	n := 0
	for {
		_, err := read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != rows+1 {
		b.Fatalf("%d records", n)
	}
}

func BenchmarkClassify(b *testing.B) {
	cells := []string{"B02512", "2019-01-01 00:00:02", "247", "", "1.46", "N", "N/A"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, c := range cells {
			classify(c)
		}
	}
}
