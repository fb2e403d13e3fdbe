package csvscan

import (
	"bytes"
	"encoding/csv"
	"io"
	"math/rand"
	"strconv"
	"testing"
	"time"
)

// The kinds of taxiCSV text.
const (
	plain   = iota
	quoted  // the vendor and flag cells quoted, as some exporters write them
	escaped // the flag cell quoted with "" inside, and a CR LF in every tenth
)

// taxiCSV returns rows rows of text like the NYC yellow-taxi trip files
// of 2019: 17 columns, a header, LF line ends, empty cells where the real
// files have them.
func taxiCSV(rows int, kind int) []byte {
	rnd := rand.New(rand.NewSource(1))
	var b bytes.Buffer
	b.WriteString("VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,RatecodeID," +
		"store_and_fwd_flag,PULocationID,DOLocationID,payment_type,fare_amount,extra,mta_tax,tip_amount," +
		"tolls_amount,improvement_surcharge,total_amount\n")
	t := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	var line []byte
	money := func(cents int) { line = strconv.AppendFloat(line, float64(cents)/100, 'f', 2, 64) }
	for row := range rows {
		t = t.Add(time.Duration(1+rnd.Intn(5)) * time.Second)
		fare := 250 + rnd.Intn(5000)
		tip := rnd.Intn(fare / 3)
		line = line[:0]
		if kind == quoted {
			line = append(line, '"')
		}
		line = strconv.AppendInt(line, int64(1+rnd.Intn(2)), 10)
		if kind == quoted {
			line = append(line, '"')
		}
		line = append(line, ',')
		line = t.AppendFormat(line, "2006-01-02 15:04:05")
		line = append(line, ',')
		line = t.Add(time.Duration(60+rnd.Intn(3000))*time.Second).AppendFormat(line, "2006-01-02 15:04:05")
		line = append(line, ',')
		if rnd.Intn(50) > 0 {
			line = strconv.AppendInt(line, int64(1+rnd.Intn(6)), 10)
		}
		line = append(line, ',')
		line = strconv.AppendFloat(line, float64(rnd.Intn(3000))/100, 'f', 2, 64)
		line = append(line, ",1,"...)
		switch {
		case kind == quoted:
			line = append(line, `"N"`...)
		case kind == escaped && row%10 == 0:
			line = append(line, "\"N \"\"no\"\"\r\nstore\""...)
		case kind == escaped:
			line = append(line, `"N ""no"""`...)
		case rnd.Intn(100) > 0:
			line = append(line, 'N')
		default:
			line = append(line, 'Y')
		}
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rnd.Intn(265)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rnd.Intn(265)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rnd.Intn(2)), 10)
		line = append(line, ',')
		money(fare)
		line = append(line, ",0.5,0.5,"...)
		money(tip)
		line = append(line, ',')
		money(0)
		line = append(line, ",0.3,"...)
		money(fare + tip + 130)
		line = append(line, '\n')
		b.Write(line)
	}
	return b.Bytes()
}

// BenchmarkRead reads taxi-like CSV with csvscan and with encoding/csv,
// both with ReuseRecord, as the frame reader does. Plain and quoted text
// take csvscan's one-line path, escaped text its general one.
func BenchmarkRead(b *testing.B) {
	for _, in := range []struct {
		name string
		kind int
	}{{"taxi", plain}, {"taxi-quoted", quoted}, {"taxi-escaped", escaped}} {
		data := taxiCSV(20000, in.kind)
		b.Run(in.name+"/csvscan", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(bytes.NewReader(data))
				r.ReuseRecord = true
				readAllBench(b, r)
			}
		})
		b.Run(in.name+"/csvscan-bytes", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(bytes.NewReader(data))
				n := 0
				for {
					rec, err := r.ReadBytes()
					if err == io.EOF {
						break
					}
					if err != nil || len(rec) != 17 {
						b.Fatal(err, len(rec))
					}
					n++
				}
				if n != 20001 {
					b.Fatalf("%d records", n)
				}
			}
		})
		b.Run(in.name+"/encoding-csv", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := csv.NewReader(bytes.NewReader(data))
				r.ReuseRecord = true
				readAllBench(b, r)
			}
		})
	}
}

// BenchmarkReadBatch reads the text of BenchmarkRead in batches of 1024
// records, and record by record with ReadBytes, getting every cell once
// (row by row) so that none is left unread.
func BenchmarkReadBatch(b *testing.B) {
	for _, in := range []struct {
		name string
		kind int
	}{{"taxi", plain}, {"taxi-quoted", quoted}, {"taxi-escaped", escaped}} {
		data := taxiCSV(20000, in.kind)
		b.Run(in.name+"/ReadBytes", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(bytes.NewReader(data))
				n, size := 0, 0
				for {
					rec, err := r.ReadBytes()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					for _, f := range rec {
						size += len(f)
					}
					n++
				}
				if n != 20001 || size == 0 {
					b.Fatalf("%d records", n)
				}
			}
		})
		b.Run(in.name+"/ReadBatch", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var batch Batch
			for b.Loop() {
				r := NewReader(bytes.NewReader(data))
				n, size := 0, 0
				for {
					err := r.ReadBatch(&batch, 1024)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					size += cellBytes(&batch)
					n += batch.Len()
				}
				if n != 20001 || size == 0 {
					b.Fatalf("%d records", n)
				}
			}
		})
	}
}

// cellBytes returns the number of bytes of the cells of b, getting every
// cell once.
func cellBytes(b *Batch) int {
	size := 0
	for rec := range b.Len() {
		for f := range b.Fields() {
			size += len(b.Cell(rec, f))
		}
	}
	return size
}

func readAllBench(b *testing.B, r recordReader) {
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if len(rec) != 17 {
			b.Fatalf("%d fields", len(rec))
		}
		n++
	}
	if n != 20001 {
		b.Fatalf("%d records", n)
	}
}
