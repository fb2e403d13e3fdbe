package transform

import (
	"encoding/binary"
	"math"
	"math/rand"
	"runtime"
	"testing"
)

// refKeys is the obvious implementation pointKeys must agree with.
type refKeys map[[2]int64]firstRow

func (r refKeys) add(series uint64, ts int64, row firstRow) (firstRow, bool) {
	k := [2]int64{int64(series), ts}
	if first, ok := r[k]; ok {
		return first, true
	}
	r[k] = row
	return firstRow{}, false
}

// checkKeys feeds the same points to pointKeys and refKeys.
func checkKeys(t testing.TB, series []uint64, times []int64) {
	p, ref := newPointKeys(true), refKeys{}
	for i := range times {
		row := firstRow{line: int64(i + 2), fp: uint64(i) * 7}
		if i%3 == 0 {
			row.line = -int64(i + 1) // a row number, as for inputs without lines
		}
		got, gotDup := p.add(series[i], times[i], row)
		want, wantDup := ref.add(series[i], times[i], row)
		if got != want || gotDup != wantDup {
			t.Fatalf("point %d (series %d, time %d): got %+v dup=%v, want %+v dup=%v",
				i, series[i], times[i], got, gotDup, want, wantDup)
		}
	}
}

func TestPointKeys(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const n = 20000
	gen := map[string]func(i int) (uint64, int64){
		"ascending, 4 series":     func(i int) (uint64, int64) { return uint64(r.Intn(4)), int64(i/2) * 1e9 },
		"descending, 3 series":    func(i int) (uint64, int64) { return uint64(r.Intn(3)), int64(n-i) * 1e6 },
		"random order, 5 series":  func(i int) (uint64, int64) { return uint64(r.Intn(5)), int64(r.Intn(n)) * 1000 },
		"mostly ascending":        func(i int) (uint64, int64) { return 0, int64(i + r.Intn(300)) },
		"many series, few points": func(i int) (uint64, int64) { return uint64(r.Intn(3000)), int64(r.Intn(40)) * 1e9 },
		"extreme times": func(i int) (uint64, int64) {
			return uint64(r.Intn(2)), []int64{math.MinInt64, math.MaxInt64, 0, -1, 1, math.MinInt64 + 1}[r.Intn(6)]
		},
		"steps past 2^62": func(i int) (uint64, int64) { return 0, math.MinInt64 + int64(i)*(1<<50) + int64(r.Intn(3)) },
		"sparse duplicates": func(i int) (uint64, int64) {
			if r.Intn(50) == 0 {
				return 0, int64(r.Intn(i+1)) * 1e9
			}
			return 0, int64(i) * 1e9
		},
	}
	for name, g := range gen {
		t.Run(name, func(t *testing.T) {
			series, times := make([]uint64, n), make([]int64, n)
			for i := range times {
				series[i], times[i] = g(i)
			}
			checkKeys(t, series, times)
		})
	}
}

// FuzzPointKeys compares pointKeys with a map on any sequence of points.
func FuzzPointKeys(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 3, 0, 2, 1, 1, 1, 0})
	f.Add([]byte{0, 9, 0, 8, 0, 7, 0, 9, 0, 10})
	f.Fuzz(func(t *testing.T, b []byte) {
		var series []uint64
		var times []int64
		for len(b) >= 2 {
			s := uint64(b[0] % 4)
			d, w := binary.Varint(b[1:])
			if w <= 0 {
				break
			}
			series, times = append(series, s), append(times, d*int64(1+b[0]/4))
			b = b[1+w:]
		}
		checkKeys(t, series, times)
	})
}

// BenchmarkPointKeys reports the bytes a key costs for time-ordered
// inputs: 4 series (one low-cardinality tag), 250,000 series of 8 points,
// and the 270,000 series of the 10M-row taxi comparison (37 points each),
// against a Go map of every key (skipped at 10M, where it takes 700 MB).
func BenchmarkPointKeys(b *testing.B) {
	for _, c := range []struct {
		name      string
		series, n int
	}{{"4-series", 4, 2_000_000}, {"250k-series", 250_000, 2_000_000}, {"270k-series-10M", 270_000, 10_000_000}} {
		n := c.n
		r := rand.New(rand.NewSource(1))
		series, times := make([]uint64, n), make([]int64, n)
		ts := int64(1.5e18)
		for i := range times {
			ts += int64(1+r.Intn(20)) * 1e9
			series[i], times[i] = uint64(r.Intn(c.series))*0x9e3779b97f4a7c15, ts
		}
		b.Run(c.name+"/pointKeys", func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				before := heapInUse()
				p := newPointKeys(false)
				for i := range times {
					p.add(series[i], times[i], firstRow{line: int64(i + 2)})
				}
				b.ReportMetric(float64(heapInUse()-before)/float64(n), "B/key")
				runtime.KeepAlive(p)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
		b.Run(c.name+"/touched", func(b *testing.B) {
			// As apply calls it: touch, then add, touchRows keys at a time.
			for it := 0; it < b.N; it++ {
				p := newPointKeys(false)
				for at := 0; at < n; at += touchRows {
					end := min(at+touchRows, n)
					p.touch(series[at:end])
					for i := at; i < end; i++ {
						p.add(series[i], times[i], firstRow{line: int64(i + 2)})
					}
				}
				runtime.KeepAlive(p)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
		if n > 2_000_000 {
			continue
		}
		b.Run(c.name+"/map", func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				before := heapInUse()
				m := make(map[uint64]firstRow)
				for i := range times {
					k := mixTime(series[i], times[i])
					if _, ok := m[k]; !ok {
						m[k] = firstRow{line: int64(i + 2)}
					}
				}
				b.ReportMetric(float64(heapInUse()-before)/float64(n), "B/key")
				runtime.KeepAlive(m)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

// FuzzSeriesIndex compares seriesIndex with a Go map on any sequence of
// keys, some of them made to share their home slot or to be 0.
func FuzzSeriesIndex(f *testing.F) {
	f.Add([]byte{1, 2, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0}, uint16(3000))
	f.Add([]byte{}, uint16(50000))
	f.Fuzz(func(t *testing.T, b []byte, n uint16) {
		var x seriesIndex
		want := map[uint64]int32{}
		r := rand.New(rand.NewSource(int64(n)))
		check := func(k uint64) {
			si, ok := x.get(k)
			wsi, wok := want[k]
			if ok != wok || si != wsi {
				t.Fatalf("get(%#x) = %d, %v; want %d, %v (%d keys)", k, si, ok, wsi, wok, len(want))
			}
			if !ok {
				x.put(k, int32(len(want)))
				want[k] = int32(len(want))
			}
		}
		for len(b) >= 8 {
			check(binary.LittleEndian.Uint64(b))
			b = b[8:]
		}
		for i := range int(n) {
			k := r.Uint64()
			switch i % 4 {
			case 0:
				k &= 0xff // few keys, 0 among them
			case 1:
				k = uint64(i%97) * 0x9e3779b97f4a7c15 // ... and their multiples of the multiplier
			}
			check(k)
			check(uint64(r.Intn(1 + i))) // a key seen or not
		}
		for k := range want {
			check(k)
		}
	})
}
