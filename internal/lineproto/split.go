package lineproto

// PointSplitter tells where the points of line-protocol text end. A point
// ends at a newline outside a string field value; a newline inside one (as
// an Encoder writes it, raw) belongs to the value. Feed it the text up to
// and including each newline, in order: it says whether that newline ends
// the point. Quotes mean a string only in the field section: in the
// measurement, the tags and the timestamp they are plain characters.
// Comment lines ('#' first) end at their newline.
//
// The zero value is ready at the start of a point.
type PointSplitter struct {
	section int  // 0 start of line, 1 key (measurement and tags), 2 fields, 3 timestamp, 4 comment
	quoted  bool // inside a string field value
	escaped bool // the previous byte was a backslash
}

// Feed reads line, text ending in a newline (or the end of the input), and
// reports whether the point (or comment, or blank line) ends there.
func (s *PointSplitter) Feed(line []byte) bool {
	for _, c := range line {
		if s.escaped {
			s.escaped = false
			continue
		}
		switch s.section {
		case 0:
			switch c {
			case ' ', '\t', '\r':
			case '\n':
				return true
			case '#':
				s.section = 4
			default:
				s.section = 1
				if c == '\\' {
					s.escaped = true
				}
			}
		case 1:
			switch c {
			case '\\':
				s.escaped = true
			case ' ':
				s.section = 2
			case '\n':
				*s = PointSplitter{}
				return true
			}
		case 2:
			switch {
			case s.quoted && c == '\\':
				s.escaped = true
			case c == '"':
				s.quoted = !s.quoted
			case s.quoted:
			case c == ' ':
				s.section = 3
			case c == '\n':
				*s = PointSplitter{}
				return true
			}
		case 3, 4:
			if c == '\n' {
				*s = PointSplitter{}
				return true
			}
		}
	}
	return false
}
