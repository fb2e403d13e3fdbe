package csvscan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// recordReader is what csvscan.Reader and encoding/csv.Reader share.
type recordReader interface {
	Read() ([]string, error)
	FieldPos(field int) (line, column int)
	InputOffset() int64
}

// step is what one call of Read gave: the record, the positions of its
// fields, the error and the input offset after it.
type step struct {
	Rec    []string
	Pos    [][2]int
	Err    string
	Offset int64
}

// transcript calls Read until io.EOF or an error other than ErrFieldCount.
func transcript(r recordReader) []step {
	var steps []step
	for {
		rec, err := r.Read()
		st := step{Rec: slices.Clone(rec), Err: errString(err), Offset: r.InputOffset()}
		for i := range rec {
			line, col := r.FieldPos(i)
			st.Pos = append(st.Pos, [2]int{line, col})
		}
		steps = append(steps, st)
		if err != nil && !errors.Is(err, ErrFieldCount) {
			return steps
		}
	}
}

// errString describes err the same way for both packages.
func errString(err error) string {
	var pe *ParseError
	var ce *csv.ParseError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return fmt.Sprintf("record %d, line %d, column %d: %v", pe.StartLine, pe.Line, pe.Column, pe.Err)
	case errors.As(err, &ce):
		return fmt.Sprintf("record %d, line %d, column %d: %v", ce.StartLine, ce.Line, ce.Column, ce.Err)
	case err == errInvalidDelim || strings.Contains(err.Error(), "invalid field or comment delimiter"):
		return "invalid delimiter"
	}
	return err.Error()
}

// options are the Reader options of a test.
type options struct {
	Comma           rune
	Comment         rune
	FieldsPerRecord int
	Quote           rune // 0: '"'; -1: no quoting (csvscan only)
}

func newScanner(in io.Reader, o options) *Reader {
	r := NewReader(in)
	if o.Comma != 0 {
		r.Comma = o.Comma
	}
	r.Comment = o.Comment
	r.FieldsPerRecord = o.FieldsPerRecord
	switch {
	case o.Quote < 0:
		r.Quote = 0
	case o.Quote > 0:
		r.Quote = o.Quote
	}
	return r
}

// bytesReader reads with ReadBytes, as a recordReader.
type bytesReader struct{ *Reader }

func (b bytesReader) Read() ([]string, error) {
	rec, err := b.ReadBytes()
	if len(rec) == 0 {
		return nil, err // as Read returns no field
	}
	out := make([]string, len(rec))
	for i, f := range rec {
		out[i] = string(f)
	}
	return out, err
}

func newCSV(in io.Reader, o options) *csv.Reader {
	r := csv.NewReader(in)
	if o.Comma != 0 {
		r.Comma = o.Comma
	}
	r.Comment = o.Comment
	r.FieldsPerRecord = o.FieldsPerRecord
	return r
}

// TestDiffers checks the Differs note of every test case: encoding/csv
// reads the case's input exactly as csvscan does (records, positions,
// errors, offsets) unless the note says otherwise, and then it does not.
func TestDiffers(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.Name, func(t *testing.T) {
			_, _, input := makePositions(tt.Input)
			o := options{Comma: tt.Comma, Comment: tt.Comment, FieldsPerRecord: -1}
			if tt.UseFieldsPerRecord {
				o.FieldsPerRecord = tt.FieldsPerRecord
			}
			ours := transcript(newScanner(strings.NewReader(input), o))
			theirs := transcript(newCSV(strings.NewReader(input), o))
			same := reflect.DeepEqual(ours, theirs)
			switch {
			case tt.Differs == "" && !same:
				t.Errorf("encoding/csv reads %q otherwise:\ncsvscan      %+v\nencoding/csv %+v", input, ours, theirs)
			case tt.Differs != "" && same:
				t.Errorf("encoding/csv reads %q the same, but the case says %q", input, tt.Differs)
			case tt.Differs != "":
				t.Logf("%s\ncsvscan      %+v\nencoding/csv %+v", tt.Differs, ours, theirs)
			}
		})
	}
}
