package frame

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// KeepText makes the named columns text (KindText), keeping each cell
// exactly as written, whatever inference found: the leading zero of a tag
// such as "00501", the spelling of a timestamp written as a string field.
// Their Stats stay as inference gathered them. It must be called before
// the first Next; unknown names are an error. The chunks the reader holds
// from inference (CSVOptions.HoldBytes) are converted again when KeepText
// changes a kind: CSVOptions.Kinds, set to KindText for the same columns,
// has the same effect without that cost.
func (r *CSVReader) KeepText(names ...string) error {
	if r.cur != nil || r.rows > 0 || r.done || r.err != nil {
		return errors.New("frame: KeepText after the first Next")
	}
	cols := append([]Column(nil), r.schema.Columns...)
	fields := append([]arrow.Field(nil), r.schema.Arrow().Fields()...)
	changed := false
	for _, n := range names {
		i := r.schema.Index(n)
		if i < 0 {
			return fmt.Errorf("frame: %s: no column %q", r.name, n)
		}
		if cols[i].Kind == KindText {
			continue
		}
		cols[i].Kind = KindText
		fields[i] = arrow.Field{Name: n, Type: arrowTypeOf(KindText), Nullable: true}
		changed = true
	}
	if !changed {
		return nil
	}
	s, err := NewSchema(cols, r.schema.Measurement, arrow.NewSchema(fields, nil))
	if err != nil {
		return err
	}
	r.schema = s
	r.releaseHeld() // converted in the kinds inferred
	return nil
}
