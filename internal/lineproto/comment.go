package lineproto

import "fmt"

// AppendComment appends text to dst as one comment line "# text\n".
// Backslashes, double quotes and control characters are escaped (\\, \",
// \n, \r, \t, \xNN): InfluxDB's parser looks for quotes before it sees
// that a line is a comment, and an unescaped quote would make it read the
// following points as part of the comment.
func AppendComment(dst []byte, text string) []byte {
	dst = append(dst, "# "...)
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\\' || c == '"':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c < 0x20 || c == 0x7f:
			dst = fmt.Appendf(dst, `\x%02x`, c)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '\n')
}
