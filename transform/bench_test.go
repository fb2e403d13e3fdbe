package transform

import (
	"bytes"
	"os"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/influxframe/influxframe/frame"
)

func BenchmarkApply(b *testing.B) {
	data, err := os.ReadFile("../testdata/taxi_sample.csv")
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Tags: []string{"dispatching_base_num", "store_and_fwd_flag"},
		StringFields: []string{"dropoff_datetime"}, Mixed: MixedDrop}
	r, err := frame.NewCSVReader(bytes.NewReader(data), "taxi.csv", frame.CSVOptions{Kinds: opts.CSVKinds()})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	var recs []arrow.Record
	var lines [][]int64
	for r.Next() {
		rec := r.Record()
		rec.Retain()
		recs = append(recs, rec)
		lines = append(lines, append([]int64(nil), r.Lines()...))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		o := opts
		o.Duplicates = DuplicatesLast // every iteration sees the same keys
		n, err := NewNormalizer(r.FrameSchema(), "taxi.csv", o)
		if err != nil {
			b.Fatal(err)
		}
		for j, rec := range recs {
			out, _, err := n.Apply(rec, lines[j])
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
	}
	b.ReportMetric(float64(b.N)*3000/b.Elapsed().Seconds(), "rows/s")
}
