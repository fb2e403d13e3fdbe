// Package gentaxi generates taxi-like CSV data for demos, tests and
// benchmarks: the columns of the NYC for-hire-vehicle trip files followed by
// yellow-taxi fare columns, with empty cells where the real files have them
// and, optionally, one mixed-type column (congestion_surcharge holding a few
// "N/A" among numbers).
package gentaxi

import (
	"bufio"
	"io"
	"math/rand"
	"strconv"
	"time"
)

// Header is the first line Generate writes, without its newline.
const Header = "dispatching_base_num,pickup_datetime,dropoff_datetime,PULocationID,DOLocationID,SR_Flag," +
	"passenger_count,trip_distance,fare_amount,tip_amount,total_amount,payment_type,store_and_fwd_flag,congestion_surcharge"

// MixedEvery is the period of the "N/A" cells of the mixed column: row i
// (0-based) holds one when i%MixedEvery == MixedEvery-1.
const MixedEvery = 997

// Generate writes a header and rows data rows to w. Pickup times strictly
// increase, so no two rows share a point key. The same seed gives the same
// bytes.
func Generate(w io.Writer, rows int, seed int64, mixed bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := generate(bw, rows, seed, mixed); err != nil {
		return err
	}
	return bw.Flush()
}

var bases = []string{"B00013", "B00254", "B02510", "B02512", "B02617", "B02682", "B02764", "B02800", "B02875", "B03404"}

func generate(w *bufio.Writer, rows int, seed int64, mixed bool) error {
	r := rand.New(rand.NewSource(seed))
	w.WriteString(Header + "\n")
	t := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	var b []byte
	for i := 0; i < rows; i++ {
		// Pickup times strictly increase, so no two rows share a point key.
		t = t.Add(time.Duration(1+r.Intn(20)) * time.Second)
		dur := time.Duration(120+r.Intn(3000)) * time.Second
		b = b[:0]
		b = append(b, bases[r.Intn(len(bases))]...)
		b = append(b, ',')
		b = t.AppendFormat(b, "2006-01-02 15:04:05")
		b = append(b, ',')
		b = t.Add(dur).AppendFormat(b, "2006-01-02 15:04:05")
		b = append(b, ',')
		if r.Intn(10) > 0 { // PULocationID is empty in about a tenth of the rows
			b = strconv.AppendInt(b, int64(1+r.Intn(265)), 10)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(1+r.Intn(265)), 10)
		b = append(b, ',')
		if r.Intn(8) == 0 { // SR_Flag is 1 for shared rides, empty otherwise
			b = append(b, '1')
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(1+r.Intn(4)), 10)
		b = append(b, ',')
		dist := 0.3 + r.Float64()*12
		b = strconv.AppendFloat(b, dist, 'f', 2, 64)
		fare := 2.5 + dist*2.5
		tip := 0.0
		if r.Intn(3) > 0 {
			tip = float64(r.Intn(800)) / 100
		}
		b = append(b, ',')
		b = strconv.AppendFloat(b, fare, 'f', 2, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, tip, 'f', 2, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, fare+tip+0.8, 'f', 2, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(1+r.Intn(2)), 10)
		b = append(b, ',')
		if r.Intn(50) == 0 {
			b = append(b, 'Y')
		} else {
			b = append(b, 'N')
		}
		b = append(b, ',')
		switch {
		case mixed && i%MixedEvery == MixedEvery-1:
			b = append(b, "N/A"...)
		case r.Intn(4) == 0:
			b = append(b, "2.5"...)
		default:
			b = append(b, '0')
		}
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}
