package csvscan

import (
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzRead checks three properties of each input.
//
//  1. Round trip: data split into records at \x1e and into fields at \x1f,
//     written by encoding/csv.Writer (UseCRLF false or true), reads back
//     as the records written. What does not round-trip is by the Writer's
//     design: with UseCRLF it drops every CR inside a field and writes
//     each LF as CR LF (which csvscan keeps); it writes a record of one
//     empty field as a blank line, which readers skip; and it does not
//     quote a first field that begins with a BOM, which csvscan drops.
//  2. Same as encoding/csv: data read as CSV gives the same records,
//     FieldPos, errors and InputOffset as encoding/csv when it holds no CR
//     (after a BOM that csvscan drops and encoding/csv is not shown), but
//     for the position of a quoted field left open after the last line end.
//  3. Buffering: data read one byte at a time into a small buffer gives
//     the same as data read whole.
//  4. ReadBytes gives the same records, positions, errors and offsets as
//     Read, whole and byte by byte, also with the single quote and without
//     quoting.
func FuzzRead(f *testing.F) {
	for _, tt := range readTests {
		_, _, input := makePositions(tt.Input)
		f.Add(input, false, uint8(0))
	}
	f.Add("a\x1fb\x1ec\x1fd", false, uint8(0))
	f.Add("a\r\nb\x1fc\x1e\r\x1f\n", false, uint8(0))
	f.Add("a\r\nb\x1fc\x1e\r\x1f\n", true, uint8(1))
	f.Add("\ufeffa\x1fb\x1ec", false, uint8(2))
	f.Add("\ufeff\x1e\x1e\ufeff", true, uint8(3))
	f.Add("\"q\"\x1f \x1f\t\x1f\\.\x1e\x1f", false, uint8(4))
	f.Add("\xce\x1fλ\x1f\xbb\x1e\xff\xfe\r", true, uint8(3))
	f.Add("x,\"y\r\nz\"\n#c\n\"open\n", false, uint8(2))
	f.Add("\"a\"\"b\",c\n\"d\ne\",f", false, uint8(5))
	f.Add(",,\n,\n\n", false, uint8(6))
	f.Add("a,\"b\",c,\"d\"\"e\",f\n1,\"2\n3\",\"4\"\n", false, uint8(0))
	f.Add("abcdefghij,\"k\",lmnopqrstuvw,x\"y\n", false, uint8(0))

	commas := []rune{',', ';', '\t', 'λ', '|'}
	configs := []options{
		{Comma: ',', FieldsPerRecord: -1},
		{Comma: ';', FieldsPerRecord: -1},
		{Comma: ',', Comment: '#', FieldsPerRecord: -1},
		{Comma: ',', FieldsPerRecord: 0},
		{Comma: 'λ', Comment: '€', FieldsPerRecord: -1},
		{Comma: '\t', FieldsPerRecord: 2},
		{Comma: ',', Comment: ';', FieldsPerRecord: 0},
		{Comma: ';', FieldsPerRecord: -1, Quote: '\''},
		{Comma: ',', FieldsPerRecord: 0, Quote: -1},
		{Comma: 'λ', FieldsPerRecord: -1, Quote: -1},
	}

	f.Fuzz(func(t *testing.T, data string, useCRLF bool, sel uint8) {
		// 1. Round trip through encoding/csv.Writer.
		comma := commas[int(sel)%len(commas)]
		var records [][]string
		for rec := range strings.SplitSeq(data, "\x1e") {
			records = append(records, strings.Split(rec, "\x1f"))
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = comma
		w.UseCRLF = useCRLF
		if err := w.WriteAll(records); err != nil {
			t.Fatal(err)
		}
		written := buf.String()
		var want [][]string
		for _, rec := range records {
			if len(rec) == 1 && rec[0] == "" {
				continue // written as a blank line
			}
			rec = slices.Clone(rec)
			if useCRLF {
				for i, s := range rec {
					rec[i] = strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", "\r\n")
				}
			}
			want = append(want, rec)
		}
		if strings.HasPrefix(written, bom) {
			want[0][0] = strings.TrimPrefix(want[0][0], bom)
			if len(want[0]) == 1 && want[0][0] == "" {
				want = want[1:] // its line is blank without the BOM
			}
		}
		if len(want) == 0 {
			want = nil
		}
		r := NewReader(strings.NewReader(written))
		r.Comma = comma
		r.FieldsPerRecord = -1
		var got [][]string
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("reading %q written from %q: %v", written, records, err)
			}
			got = append(got, rec)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("wrote %q (UseCRLF %v) as %q, read back %q", want, useCRLF, written, got)
		}

		// 3. Buffering.
		o := configs[int(sel)%len(configs)]
		whole := transcript(newScanner(strings.NewReader(data), o))
		small := newScanner(iotest.OneByteReader(strings.NewReader(data)), o)
		small.bufSize = 4
		if bytewise := transcript(small); !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("reading %q whole and byte by byte differ:\nwhole   %+v\nbytes   %+v", data, whole, bytewise)
		}

		// 4. ReadBytes.
		if got := transcript(bytesReader{newScanner(strings.NewReader(data), o)}); !reflect.DeepEqual(whole, got) {
			t.Fatalf("reading %q with %+v, Read and ReadBytes differ:\nRead      %+v\nReadBytes %+v", data, o, whole, got)
		}
		small = newScanner(iotest.OneByteReader(strings.NewReader(data)), o)
		small.bufSize = 4
		if got := transcript(bytesReader{small}); !reflect.DeepEqual(whole, got) {
			t.Fatalf("reading %q byte by byte with %+v, Read and ReadBytes differ:\nRead      %+v\nReadBytes %+v", data, o, whole, got)
		}
		if o.Quote != 0 {
			return // encoding/csv quotes with '"'
		}

		// 2. Same as encoding/csv without CR.
		if strings.IndexByte(data, '\r') >= 0 {
			return
		}
		plain := strings.TrimPrefix(data, bom)
		theirs := transcript(newCSV(strings.NewReader(plain), o))
		for i := range whole {
			whole[i].Offset -= int64(len(data) - len(plain))
		}
		if n := len(whole); n > 0 && n == len(theirs) && strings.HasSuffix(plain, "\n") {
			// A quoted field open at the end of the input: csvscan puts
			// the error at the start of the line after the last LF,
			// encoding/csv one column past that LF.
			ours, csvs := &whole[n-1], &theirs[n-1]
			if e, c := ours.Err, csvs.Err; e != c && strings.HasSuffix(e, ErrQuote.Error()) && strings.HasSuffix(c, ErrQuote.Error()) {
				ours.Err = c
			}
		}
		if !reflect.DeepEqual(whole, theirs) {
			t.Fatalf("reading %q with %+v:\ncsvscan      %+v\nencoding/csv %+v", data, o, whole, theirs)
		}
	})
}

// batchEvent is what one call of ReadBytes gave, and the Reader's state
// after it.
type batchEvent struct {
	Rec    []string
	Pos    [][2]int
	RecOff int64
	Err    string // "EOF" at the end of the input
	InOff  int64
	Lines  int
}

// readBytesEvent calls ReadBytes once.
func readBytesEvent(r *Reader) batchEvent {
	rec, err := r.ReadBytes()
	ev := batchEvent{RecOff: r.RecordOffset(), Err: errString(err), InOff: r.InputOffset(), Lines: r.LinesRead()}
	if err == io.EOF {
		ev.Err = "EOF"
	}
	for i, f := range rec {
		ev.Rec = append(ev.Rec, string(f))
		line, col := r.FieldPos(i)
		ev.Pos = append(ev.Pos, [2]int{line, col})
	}
	return ev
}

// readBytesEvents calls ReadBytes until io.EOF or an error that is not a
// *ParseError.
func readBytesEvents(r *Reader) []batchEvent {
	var evs []batchEvent
	for {
		ev := readBytesEvent(r)
		evs = append(evs, ev)
		if ev.Err == "EOF" || ev.Err != "" && !strings.HasPrefix(ev.Err, "record") {
			return evs
		}
	}
}

// FuzzReadBatch reads data with ReadBytes, record by record, and with
// ReadBatch, max records at a time with max taken from maxes in turn (0:
// one call of ReadBytes instead; 200 and more: 1024), and requires the
// same records, lines, offsets, errors and Reader state (InputOffset,
// LinesRead, RecordOffset, FieldPos) after each batch. sel picks the
// comma, quote, comment and FieldsPerRecord, and whether ReadBatch reads
// its input one byte at a time; see checkReadBatch.
func FuzzReadBatch(f *testing.F) {
	for i, tt := range readTests {
		_, _, input := makePositions(tt.Input)
		f.Add(input, uint16(i), "\x05\x01\xff")
	}
	for i, tt := range batchTests {
		f.Add(tt.Input, uint16(i*7), "\x02\x00\x03")
	}
	f.Add(string(taxiCSV(40, plain)), uint16(0), "\x07\x00\x09")
	f.Add(string(taxiCSV(40, quoted)), uint16(183), "\xff")
	f.Add(string(taxiCSV(40, escaped)), uint16(1), "\x03\x05")
	f.Add("a,b\nc,d\ne\nf,g\n\"h\"\"\",\"i\r\nj\"\r\n#x\n\rk,\"l\"x\nm,n", uint16(15), "\x02\x00\x01")
	f.Add("a;b\r\n'c''d';e\r\n\n'f\r\ng';h\r", uint16(6), "\xff")
	f.Add("\ufeffaλb\n€c\ncλ\"d\"\n", uint16(33), "\x01")
	f.Fuzz(checkReadBatch)
}
