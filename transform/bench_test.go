package transform

import (
	"bytes"
	"os"
	"testing"

	"github.com/influxframe/influxframe/frame"
)

// BenchmarkReader normalises the taxi sample, already read into a frame.
func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile("../testdata/taxi_sample.csv")
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Tags: []string{"dispatching_base_num", "store_and_fwd_flag"},
		StringFields: []string{"dropoff_datetime"}, Mixed: MixedDrop}
	f, err := frame.ReadCSV(bytes.NewReader(data), "taxi.csv", frame.CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Release()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		o := opts
		o.Duplicates = DuplicatesLast // every iteration sees the same keys
		o.Measurement = "taxi"
		r, err := NewReader(f.Reader(), o)
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
	b.ReportMetric(float64(b.N)*float64(f.NumRows())/b.Elapsed().Seconds(), "rows/s")
}
