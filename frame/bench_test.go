package frame

import (
	"bytes"
	"os"
	"testing"
)

func BenchmarkCSVReader(b *testing.B) {
	data, err := os.ReadFile("../testdata/taxi_sample.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		r, err := NewCSVReader(bytes.NewReader(data), "taxi.csv", CSVOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Release()
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
