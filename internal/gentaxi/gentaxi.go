// Package gentaxi generates taxi-like CSV data for demos, tests and
// benchmarks: the columns of the NYC for-hire-vehicle trip files followed by
// yellow-taxi fare columns, with empty cells where the real files have them
// and, optionally, one mixed-type column (congestion_surcharge holding a few
// "N/A" among numbers).
//
// Generate writes the 14 columns of Header. GenerateWith with Options.Wide
// writes the 17 columns of WideHeader: three more yellow-taxi surcharges
// (extra, improvement_surcharge, airport_fee) after congestion_surcharge,
// and payment_type over the four codes 1-4 of the real files (credit card,
// cash, no charge, dispute) instead of 1-2, so that PULocationID,
// DOLocationID and payment_type as tags make about 280,000 series in 1M rows
// (266 x 265 x 4 possible), and payment_type alone 4.
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

// WideColumns are the columns Options.Wide appends to Header.
const WideColumns = "extra,improvement_surcharge,airport_fee"

// WideHeader is the first line GenerateWith writes with Options.Wide.
const WideHeader = Header + "," + WideColumns

// MixedEvery is the period of the "N/A" cells of the mixed column: row i
// (0-based) holds one when i%MixedEvery == MixedEvery-1.
const MixedEvery = 997

// Generate writes a header and rows data rows to w. Pickup times strictly
// increase, so no two rows share a point key. The same seed gives the same
// bytes.
func Generate(w io.Writer, rows int, seed int64, mixed bool) error {
	return GenerateWith(w, Options{Rows: rows, Seed: seed, Mixed: mixed})
}

// Options are GenerateWith's settings; the zero value writes a header only.
type Options struct {
	// Rows is the number of data rows.
	Rows int
	// Seed seeds the random source: the same Options give the same bytes.
	Seed int64
	// Mixed makes congestion_surcharge a mixed-type column (see MixedEvery).
	Mixed bool
	// Wide writes the 17 columns of WideHeader, with payment_type in 1-4.
	// Without it the output is Generate's, byte for byte.
	Wide bool
}

// GenerateWith writes a header and o.Rows data rows to w, as Generate does,
// with the columns o.Wide selects.
func GenerateWith(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := generate(bw, o); err != nil {
		return err
	}
	return bw.Flush()
}

var bases = []string{"B00013", "B00254", "B02510", "B02512", "B02617", "B02682", "B02764", "B02800", "B02875", "B03404"}

func generate(w *bufio.Writer, o Options) error {
	rows, mixed := o.Rows, o.Mixed
	r := rand.New(rand.NewSource(o.Seed))
	if o.Wide {
		w.WriteString(WideHeader + "\n")
	} else {
		w.WriteString(Header + "\n")
	}
	payments := 2
	if o.Wide {
		payments = 4
	}
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
		b = strconv.AppendInt(b, int64(1+r.Intn(payments)), 10)
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
		if o.Wide {
			b = appendWide(b, r)
		}
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// appendWide appends the cells of WideColumns, each after a comma: extra
// (0, 0.5 or 1: the night and rush-hour surcharges), improvement_surcharge
// (0.3, empty in about one row in 20, as in early files) and airport_fee
// (1.25 for about one trip in 12, 0 otherwise).
func appendWide(b []byte, r *rand.Rand) []byte {
	b = append(b, ',')
	switch r.Intn(4) {
	case 0:
		b = append(b, "0.5"...)
	case 1:
		b = append(b, '1')
	default:
		b = append(b, '0')
	}
	b = append(b, ',')
	if r.Intn(20) > 0 {
		b = append(b, "0.3"...)
	}
	b = append(b, ',')
	if r.Intn(12) == 0 {
		b = append(b, "1.25"...)
	} else {
		b = append(b, '0')
	}
	return b
}
