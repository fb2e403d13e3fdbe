package frame

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
)

// Kind is what a column holds, as inferred from its cells or given by a
// typed source.
type Kind uint8

// The column kinds, in the order of the promotion ladder.
const (
	KindNull  Kind = iota // every cell empty
	KindBool              // true/false
	KindInt               // 64-bit integers
	KindFloat             // floats, or integers mixed with floats
	KindTime              // timestamps (text in CSV frames, arrow timestamps otherwise)
	KindText              // any other text
	KindMixed             // numbers mixed with other text: raw text kept
)

var kindNames = [...]string{"null", "bool", "int", "float", "time", "text", "mixed"}

// String returns the kind's name as used in reports and schema files.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("frame: unknown kind %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// Role is what a column becomes in InfluxDB.
type Role uint8

// The column roles. A frame read from a file has RoleNone everywhere; the
// transform package assigns roles.
const (
	RoleNone  Role = iota // not decided yet
	RoleTime              // the point's timestamp
	RoleTag               // a tag (text)
	RoleField             // a field
)

var roleNames = [...]string{"", "time", "tag", "field"}

// String returns the role's name ("" for RoleNone).
func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role(" + strconv.Itoa(int(r)) + ")"
}

// ParseRole is the inverse of Role.String.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if n == s {
			return Role(i), nil
		}
	}
	return 0, fmt.Errorf("frame: unknown role %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	*r = v
	return err
}

// Metadata keys under which a column's kind and role travel in its Arrow
// field metadata, and a frame's measurement and precision in the Arrow
// schema metadata.
const (
	MetaKind        = "influxframe.kind"
	MetaRole        = "influxframe.role"
	MetaMeasurement = "influxframe.measurement"
	MetaPrecision   = "influxframe.precision"
)

// Column describes one column of a frame.
type Column struct {
	Name string
	Kind Kind
	Role Role
	// Stats holds inference statistics when the column was inferred from
	// text; nil otherwise. It is shared, not copied, between schemas.
	Stats *Stats
}

// Schema is a frame's columns plus the Arrow schema their data uses.
type Schema struct {
	Columns     []Column
	Measurement string // optional: the measurement a normalised frame is for
	// Precision is the write precision of a normalised frame: every
	// timestamp of its time column is a whole number of it (unset for
	// frames read from files). Set it with WithPrecision.
	Precision Precision
	arrow     *arrow.Schema
}

// NewSchema builds a Schema from columns and the Arrow schema of their data;
// the two must have the same number of fields in the same order. Kinds and
// roles are recorded in the Arrow field metadata.
func NewSchema(cols []Column, measurement string, as *arrow.Schema) (*Schema, error) {
	if len(cols) != as.NumFields() {
		return nil, fmt.Errorf("frame: %d columns for %d arrow fields", len(cols), as.NumFields())
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		f := as.Field(i)
		if f.Name != c.Name {
			return nil, fmt.Errorf("frame: column %d is %q but arrow field is %q", i, c.Name, f.Name)
		}
		f.Metadata = withMeta(f.Metadata, MetaKind, c.Kind.String(), MetaRole, c.Role.String())
		fields[i] = f
	}
	md := as.Metadata()
	if measurement != "" {
		md = withMeta(md, MetaMeasurement, measurement)
	}
	return &Schema{Columns: cols, Measurement: measurement, arrow: arrow.NewSchema(fields, &md)}, nil
}

// SchemaFromArrow recovers a Schema from an Arrow schema, reading kinds and
// roles from the field metadata where present and deriving kinds from the
// Arrow types otherwise.
func SchemaFromArrow(as *arrow.Schema) *Schema {
	cols := make([]Column, as.NumFields())
	for i, f := range as.Fields() {
		c := Column{Name: f.Name, Kind: KindOfType(f.Type)}
		if v, ok := f.Metadata.GetValue(MetaKind); ok {
			if k, err := ParseKind(v); err == nil {
				c.Kind = k
			}
		}
		if v, ok := f.Metadata.GetValue(MetaRole); ok {
			if r, err := ParseRole(v); err == nil {
				c.Role = r
			}
		}
		cols[i] = c
	}
	m, _ := as.Metadata().GetValue(MetaMeasurement)
	s, _ := NewSchema(cols, m, as) // cannot fail: same fields
	if v, ok := as.Metadata().GetValue(MetaPrecision); ok {
		s.Precision, _ = ParsePrecision(v)
	}
	return s
}

// WithPrecision returns a copy of s whose Precision, and the Arrow schema
// metadata that carries it with the records, is p.
func (s *Schema) WithPrecision(p Precision) *Schema {
	c := *s
	c.Precision = p
	md := withMeta(s.arrow.Metadata(), MetaPrecision, p.String())
	c.arrow = arrow.NewSchema(s.arrow.Fields(), &md)
	return &c
}

// Arrow returns the Arrow schema of the frame's records.
func (s *Schema) Arrow() *arrow.Schema { return s.arrow }

// Index returns the index of the column with the given name, or -1.
func (s *Schema) Index(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (s *Schema) Names() []string {
	n := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		n[i] = c.Name
	}
	return n
}

// KindOfType returns the Kind that an Arrow data type holds.
func KindOfType(t arrow.DataType) Kind {
	switch t.ID() {
	case arrow.NULL:
		return KindNull
	case arrow.BOOL:
		return KindBool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return KindInt
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256:
		return KindFloat
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return KindTime
	default:
		return KindText
	}
}

// withMeta returns md with the key/value pairs kv set, in kv's order.
func withMeta(md arrow.Metadata, kv ...string) arrow.Metadata {
	keys := append([]string(nil), md.Keys()...)
	vals := append([]string(nil), md.Values()...)
	for j := 0; j+1 < len(kv); j += 2 {
		k, v := kv[j], kv[j+1]
		if i := md.FindKey(k); i >= 0 {
			vals[i] = v
			continue
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return arrow.NewMetadata(keys, vals)
}
