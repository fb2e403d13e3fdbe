package frame

import (
	"bytes"
	"encoding/csv"
	"io"
	"sync"
	"testing"

	"github.com/influxframe/influxframe/internal/csvscan"
	"github.com/influxframe/influxframe/internal/gentaxi"
)

// benchRows is the size of the generated taxi-like file of the CSV
// benchmarks: about 5 MB.
const benchRows = 50000

var benchTaxi = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := gentaxi.Generate(&b, benchRows, 1, false); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkCSVReader reads a generated taxi-like file (14 columns: text,
// timestamps, integers, floats, empty cells) with the frame reader, both
// passes (sniffing and inference, then conversion into Arrow records),
// and, for comparison, the same bytes with a plain encoding/csv loop and
// with csvscan, both with ReuseRecord and converting nothing. Run it with
// -cpu 1,2 to see the reader on one core and on two.
func BenchmarkCSVReader(b *testing.B) {
	data := benchTaxi()
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
			if n != benchRows {
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
			benchReadAll(b, r.Read)
		}
	})
	b.Run("csvscan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r := csvscan.NewReader(bytes.NewReader(data))
			r.ReuseRecord = true
			benchReadAll(b, r.Read)
		}
	})
}

func benchReadAll(b *testing.B, read func() ([]string, error)) {
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
	if n != benchRows+1 {
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
