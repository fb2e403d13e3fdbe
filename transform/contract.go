package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/influxframe/influxframe/frame"
)

// Sentinel causes of contract errors.
var (
	// ErrContract is the cause of every column that breaks a contract: one
	// that appeared, disappeared or changed kind.
	ErrContract = errors.New("input does not match the schema contract")
	// ErrContractFile is the cause of every error about a contract's
	// content (ReadContract).
	ErrContractFile = errors.New("invalid schema contract")
)

// ContractVersion is the version of the contract format this package
// writes and reads.
const ContractVersion = 1

// Contract is the schema one input was given, written down so that later
// inputs get the same one: the measurement, the time column and how its
// values are read, the write precision, and every input column with the
// kind inference found and the role it was given. Reader.Contract returns
// it; WriteJSON and ReadContract store it (influxframe validate
// --schema-out and --schema); Options.Contract enforces it.
//
// Enforcing a contract, NewReader refuses an input, before reading a row,
// with a *SchemaError holding one *frame.ParseError (cause ErrContract) per
// column that
//   - appeared: not in the contract (line 1, the header);
//   - disappeared: in the contract, not in the input;
//   - changed kind: its kind now is not compatible with the contract's (at
//     the line of the first cell of a kind the contract's does not cover).
//
// Columns are matched by name; their order may change (the output's
// tags and fields come in the contract's order). A kind is
// compatible with the contract's when
//   - it is the same, or null (the column is empty in this input: its
//     cells are nulls whatever they were meant to be);
//   - the column is a tag or a string field (its text is kept as written,
//     whatever it looks like);
//   - both are int or float (a field is a float64 either way; the time
//     column's epoch is read in the contract's unit either way);
//   - the column is the time column, text in the contract (timestamps
//     among other text: the other rows are rejected as bad timestamps,
//     one by one, as without a contract);
//   - the column is dropped and holds no kind of cell the contract's kind
//     did not (a mixed column now only numbers, a text column now only
//     timestamps): what was dropped is still all it holds.
//
// Anything else changes what the column would become, and is refused: a
// numeric field that now mixes in text, an int that is now bool, a
// dropped text column that now holds numbers (fresh inference would make
// it a field), a column dropped because it was empty that now has values
// to lose, the text timestamps of the time column now epochs. Then the
// contract's decisions replace
// inference: no later input can come out with other types, another time
// reading or another precision (a timestamp finer than the contract's
// precision is a rejected row, not a finer precision).
type Contract struct {
	Version     int    `json:"version"`
	Measurement string `json:"measurement"`
	TimeColumn  string `json:"time_column"`
	// TimeFormat is how the time column is read: a Go layout or one of
	// rfc3339, unix, unix_ms, unix_us, unix_ns, year; empty when text
	// timestamps are read in TimeLayouts, or when the input's own
	// timestamps (Arrow, Parquet) are the time.
	TimeFormat string `json:"time_format,omitempty"`
	// TimeLayouts are the layouts (timefmt.Layouts) inference found in a
	// text time column, tried first on every value.
	TimeLayouts []string         `json:"time_layouts,omitempty"`
	Precision   frame.Precision  `json:"precision"`
	Columns     []ContractColumn `json:"columns"`
	// Dialect is the CSV dialect the input was read in (nil for other
	// inputs). This package does not enforce it: the caller reads later
	// inputs in it (Dialect.CSVOptions), unless told otherwise.
	Dialect *frame.Dialect `json:"dialect,omitempty"`
}

// ContractColumn is one input column of a contract.
type ContractColumn struct {
	Name string     `json:"name"`
	Kind frame.Kind `json:"kind"`
	// Role is time, tag, field or dropped. A field of kind text, time or
	// mixed is a string field; of kind bool, int or float, a float64 field.
	Role string `json:"role"`
}

// stringField reports whether a field column of the contract is a string
// field.
func (c ContractColumn) stringField() bool {
	return c.Role == frame.RoleField.String() && (c.Kind == frame.KindText || c.Kind == frame.KindTime || c.Kind == frame.KindMixed)
}

// Contract returns the schema decided for this input, to enforce on later
// ones (Options.Contract), with the CSV dialect it was read in when it is
// CSV (frame.DialectReader).
func (r *Reader) Contract() Contract {
	c := r.n.contractOf()
	if dr, ok := r.src.(frame.DialectReader); ok {
		d := dr.Dialect()
		c.Dialect = &d
	}
	return c
}

func (n *normalizer) contractOf() Contract {
	c := Contract{Version: ContractVersion, Measurement: n.report.Measurement, TimeColumn: n.report.TimeColumn,
		TimeFormat: n.timeFormat, TimeLayouts: layoutNames(n.timeMask), Precision: n.report.Precision}
	for i, col := range n.in.Columns {
		cr := n.report.Columns[n.colRep[i]]
		c.Columns = append(c.Columns, ContractColumn{Name: col.Name, Kind: cr.Kind, Role: cr.Role})
	}
	return c
}

// WriteJSON writes the contract as indented JSON.
func (c *Contract) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err == nil {
		_, err = w.Write(append(b, '\n'))
	}
	if err != nil {
		return fmt.Errorf("transform: writing schema contract: %w", err)
	}
	return nil
}

// ReadContract reads a contract written by WriteJSON, and checks it: a
// known version, one time column, known roles, unique names. Unknown JSON
// fields are errors (a misspelt role would otherwise be lost). Errors wrap
// ErrContractFile.
func ReadContract(r io.Reader) (*Contract, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Contract
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("transform: %w: %v", ErrContractFile, err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// check validates a contract's content.
func (c *Contract) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("transform: %w: %s", ErrContractFile, fmt.Sprintf(format, args...))
	}
	if c.Version != ContractVersion {
		return bad("version %d (this program reads version %d)", c.Version, ContractVersion)
	}
	if c.TimeColumn == "" {
		return bad("no time_column")
	}
	seen := map[string]bool{}
	times := 0
	for _, col := range c.Columns {
		if col.Name == "" {
			return bad("a column without a name")
		}
		if seen[col.Name] {
			return bad("column %q appears twice", col.Name)
		}
		seen[col.Name] = true
		switch col.Role {
		case frame.RoleTime.String():
			times++
			if col.Name != c.TimeColumn {
				return bad("column %q has role time, but time_column is %q", col.Name, c.TimeColumn)
			}
		case frame.RoleTag.String(), frame.RoleField.String(), RoleDropped:
		default:
			return bad("column %q: role %q (want time, tag, field or dropped)", col.Name, col.Role)
		}
	}
	if times != 1 {
		return bad("time_column %q is not among the columns with role time", c.TimeColumn)
	}
	for _, l := range c.TimeLayouts {
		if layoutMask([]string{l}) == 0 {
			return bad("time layout %q is not one inference knows; give it as time_format", l)
		}
	}
	return nil
}

// textColumns returns the contract's tags and string fields that s has:
// the columns the reader keeps as written text.
func (c *Contract) textColumns(s *frame.Schema) (tags, stringFields []string) {
	for _, col := range c.Columns {
		if s.Index(col.Name) < 0 {
			continue
		}
		switch {
		case col.Role == frame.RoleTag.String():
			tags = append(tags, col.Name)
		case col.stringField():
			stringFields = append(stringFields, col.Name)
		}
	}
	return tags, stringFields
}

// order sorts tags and fields in the contract's column order, so that the
// output's columns come in the same order whatever the input's.
func (c *Contract) order(tags []tagCol, fields []fieldCol) {
	pos := make(map[string]int, len(c.Columns))
	for i, col := range c.Columns {
		pos[col.Name] = i
	}
	sort.SliceStable(tags, func(a, b int) bool { return pos[tags[a].name] < pos[tags[b].name] })
	sort.SliceStable(fields, func(a, b int) bool { return pos[fields[a].name] < pos[fields[b].name] })
}

// column returns the contract's column of a name.
func (c *Contract) column(name string) (ContractColumn, bool) {
	for _, col := range c.Columns {
		if col.Name == name {
			return col, true
		}
	}
	return ContractColumn{}, false
}

// compatible reports whether a column of the contract's kind was and role
// may now be of kind now (see Contract).
func compatible(role string, was, now frame.Kind, stringField bool) bool {
	numeric := func(k frame.Kind) bool { return k == frame.KindInt || k == frame.KindFloat }
	switch {
	case was == now, now == frame.KindNull:
		return true
	case role == frame.RoleTag.String(), stringField:
		return true
	case numeric(was) && numeric(now) && role != RoleDropped:
		return true
	case role == frame.RoleTime.String() && was == frame.KindTime && now == frame.KindText:
		return true
	case role == RoleDropped:
		return subset(covered(now), covered(was))
	}
	return false
}

// subset reports whether every cell kind of a is in b.
func subset(a, b []frame.CellKind) bool {
next:
	for _, x := range a {
		for _, y := range b {
			if x == y {
				continue next
			}
		}
		return false
	}
	return true
}

// covered returns the cell kinds a column of kind k holds.
func covered(k frame.Kind) []frame.CellKind {
	switch k {
	case frame.KindBool:
		return []frame.CellKind{frame.CellBool}
	case frame.KindInt:
		return []frame.CellKind{frame.CellInt}
	case frame.KindFloat:
		return []frame.CellKind{frame.CellInt, frame.CellFloat}
	case frame.KindTime:
		return []frame.CellKind{frame.CellTime}
	case frame.KindText:
		return []frame.CellKind{frame.CellText, frame.CellTime}
	case frame.KindMixed:
		return []frame.CellKind{frame.CellBool, frame.CellInt, frame.CellFloat, frame.CellTime, frame.CellText}
	}
	return nil
}

// newCells returns the first cell of a kind that a column of kind was does
// not hold (Line 0 when there is none or no statistics).
func newCells(st *frame.Stats, was frame.Kind) (frame.Sample, frame.CellKind) {
	var first frame.Sample
	var kind frame.CellKind
	if st == nil {
		return first, kind
	}
	old := covered(was)
next:
	for k := frame.CellBool; k <= frame.CellText; k++ {
		for _, o := range old {
			if k == o {
				continue next
			}
		}
		if f := st.First[k]; st.Count(k) > 0 && (first.Line == 0 || f.Line < first.Line) {
			first, kind = f, k
		}
	}
	return first, kind
}

// checkContract returns one error per column of the input that appeared,
// disappeared or changed kind.
func (n *normalizer) checkContract() []error {
	var errs []error
	header := int64(0)
	for _, c := range n.in.Columns {
		if c.Stats != nil {
			header = 1 // a text input: its header is line 1
		}
	}
	for i, c := range n.in.Columns {
		cc, ok := n.contract.column(c.Name)
		if !ok {
			errs = append(errs, &frame.ParseError{File: n.file, Line: header, Column: i + 1, ColumnName: c.Name,
				Err: fmt.Errorf("%w: column %q (%s) is not in it; add it to the contract (role tag, field or dropped), or write a new one with validate --schema-out", ErrContract, c.Name, c.Kind)})
			continue
		}
		if compatible(cc.Role, cc.Kind, c.Kind, cc.stringField()) {
			continue
		}
		pe := &frame.ParseError{File: n.file, Column: i + 1, ColumnName: c.Name}
		detail := ""
		if f, k := newCells(c.Stats, cc.Kind); f.Line > 0 {
			pe.Line, pe.Value = f.Line, f.Value
			detail = fmt.Sprintf(", first %s cell at line %d", k, f.Line)
		}
		what := fmt.Sprintf("kind %s in the contract (%s), %s here%s", cc.Kind, cc.Role, c.Kind, detail)
		if cc.Kind == frame.KindNull {
			what += "; the column was empty when the contract was written: give it a kind and role in the contract"
		}
		pe.Err = fmt.Errorf("%w: column %q changed kind: %s", ErrContract, c.Name, what)
		errs = append(errs, pe)
	}
	for _, cc := range n.contract.Columns {
		if n.in.Index(cc.Name) < 0 {
			errs = append(errs, &frame.ParseError{File: n.file, Line: header, ColumnName: cc.Name,
				Err: fmt.Errorf("%w: column %q (%s, %s) is missing (columns: %s)", ErrContract, cc.Name, cc.Kind, cc.Role, strings.Join(n.in.Names(), ", "))})
		}
	}
	return errs
}

// contractRole gives column i the role the contract says, in the report
// and in the output. The time column, tags and string fields were set up
// from the contract already (newNormalizer); a column that breaks the
// contract (checkContract) is reported as rejected.
func (n *normalizer) contractRole(i int, cr *ColumnReport) {
	c := n.in.Columns[i]
	cc, ok := n.contract.column(c.Name)
	switch {
	case !ok:
		cr.Role, cr.Action = RoleDropped, "rejected: not in the contract"
	case !compatible(cc.Role, cc.Kind, c.Kind, cc.stringField()):
		cr.Role, cr.Action = RoleDropped, "rejected: kind "+cc.Kind.String()+" in the contract"
	case cc.Role == frame.RoleTime.String():
		cr.Role, cr.Action = cc.Role, "time column (contract)"
	case cc.Role == frame.RoleTag.String():
		cr.Role, cr.Action = cc.Role, "kept as text (contract)"
		n.tags = append(n.tags, tagCol{in: i, name: c.Name})
	case cc.stringField():
		cr.Role, cr.Action = cc.Role, "kept as text (string field, contract)"
		n.fields = append(n.fields, n.textField(i))
	case cc.Role == frame.RoleField.String():
		cr.Role = cc.Role
		switch c.Kind {
		case frame.KindNull:
			cr.Action = "empty: nulls (contract)"
		case frame.KindBool:
			cr.Action = "cast from bool (contract)"
		case frame.KindInt:
			cr.Action = "cast from int (contract)"
		default:
			cr.Action = "kept (contract)"
		}
		n.fields = append(n.fields, n.numField(i))
	default:
		cr.Role, cr.Action = RoleDropped, "dropped (contract)"
	}
}
