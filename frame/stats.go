package frame

import "github.com/influxframe/influxframe/internal/timefmt"

// CellKind is the kind of one CSV cell, before a column's kind is decided.
type CellKind uint8

// The cell kinds.
const (
	CellEmpty CellKind = iota
	CellBool
	CellInt
	CellFloat
	CellTime
	CellText
	numCellKinds
)

var cellKindNames = [...]string{"empty", "bool", "int", "float", "time", "text"}

// String returns the cell kind's name.
func (c CellKind) String() string {
	if int(c) < len(cellKindNames) {
		return cellKindNames[c]
	}
	return "cell?"
}

// Numeric reports whether the cell kind is bool, int or float.
func (c CellKind) Numeric() bool { return c == CellBool || c == CellInt || c == CellFloat }

// Sample is one cell remembered by the inference pass.
type Sample struct {
	// Line is the 1-based line of the file the cell starts on; for a
	// frame made by FromDataFrame, the 1-based row of the DataFrame.
	Line  int64  `json:"line"`
	Value string `json:"value"`
}

// Stats are a column's inference statistics, gathered over every row.
type Stats struct {
	// Cells counts the cells of each CellKind.
	Cells [numCellKinds]int64
	// First holds the first cell of each kind (Line 0 when none was seen).
	First [numCellKinds]Sample
	// Layouts is the set of timestamp layouts that parsed the column's time
	// cells, a bit set that the transform stage's time parser reads
	// (TimeLayouts names them).
	Layouts uint32
	// FracDigits is the largest number of fractional-second digits seen in
	// a time cell (0 to 9).
	FracDigits int
	// NaN counts float cells that are NaN or ±Inf.
	NaN int64
	// IntMin and IntMax are the smallest and largest integer cells (0
	// until Count(CellInt) > 0). The transform stage reads them to tell
	// epoch seconds from milliseconds, or from years, by the range of the
	// whole column rather than by its first cell.
	IntMin, IntMax int64
}

// Count returns the number of cells of kind c.
func (s *Stats) Count(c CellKind) int64 { return s.Cells[c] }

// kind decides the column kind from the counts, following the ladder.
func (s *Stats) kind() Kind {
	numeric := s.Cells[CellBool] + s.Cells[CellInt] + s.Cells[CellFloat]
	other := s.Cells[CellTime] + s.Cells[CellText]
	switch {
	case numeric > 0 && other > 0:
		return KindMixed
	case s.Cells[CellText] > 0:
		return KindText
	case s.Cells[CellTime] > 0:
		return KindTime
	case s.Cells[CellBool] > 0 && (s.Cells[CellInt] > 0 || s.Cells[CellFloat] > 0):
		return KindMixed
	case s.Cells[CellFloat] > 0:
		return KindFloat
	case s.Cells[CellInt] > 0:
		return KindInt
	case s.Cells[CellBool] > 0:
		return KindBool
	default:
		return KindNull
	}
}

func (s *Stats) add(c CellKind, line int64, v string) {
	if s.Cells[c] == 0 {
		s.First[c] = Sample{Line: line, Value: v}
	}
	s.Cells[c]++
}

// TimeLayouts returns the Go layouts of the column's time cells, in the
// order inference prefers them.
func (s *Stats) TimeLayouts() []string {
	var out []string
	for i, l := range timefmt.Layouts {
		if s.Layouts&(1<<uint(i)) != 0 {
			out = append(out, l)
		}
	}
	return out
}
