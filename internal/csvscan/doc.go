// Package csvscan reads CSV records and keeps every byte of every field as
// it is in the input. It is encoding/csv's Reader with the quoting rules of
// RFC 4180 (LazyQuotes false, TrimLeadingSpace false), made faithful:
// influxframe stores CSV text exactly, and encoding/csv changes it.
//
// # Data model
//
// The input is a sequence of lines. A line ends with LF, CR LF or a lone
// CR (old Mac OS files), all three outside quoted fields; the last line
// may end without one. Line numbers count every kind of line end and the
// lines inside quoted fields, as a text editor numbers them.
//
// A record is one line, or several when a quoted field holds line ends.
// Its fields are separated by Comma (default ','). A field that begins
// with a quote is quoted: it ends at the next quote that is not doubled,
// which must be followed by Comma or a line end (else ErrQuote); "" inside
// it stands for one quote; every other byte in it, line ends included, is
// part of the field as it is. An unquoted field holds no quote (else
// ErrBareQuote). The quote is Quote, '"' by default: another ASCII
// character (the single quote) quotes alike, and 0 means no quoting at
// all: quotes are then ordinary bytes and a field ends at the next Comma
// or line end. Blank lines, and lines that begin with Comment when Comment
// is set, are skipped between records. FieldsPerRecord checks the number
// of fields (ErrFieldCount). Fields are strings holding the
// input's bytes: invalid UTF-8 is kept, never replaced.
//
// # Call order
//
// Create a Reader with NewReader, set its option fields, then call Read
// (or ReadBytes, which makes no strings) until it returns io.EOF; or call
// ReadBatch, which reads many records at once into a Batch, from which
// Cell takes each field: the fastest way, for records of one length.
// FieldPos tells where each field of the last record began; InputOffset
// and LinesRead tell how far the input has been read, RecordOffset where
// the last record began, and StartAt lets a Reader begin at a record in
// the middle of a text with the same positions. A
// *ParseError carries the 1-based line and column of a syntax error and
// unwraps to ErrQuote, ErrBareQuote or ErrFieldCount. These sentinels are
// the very values of encoding/csv (csvscan.ErrQuote == csv.ErrQuote), so
// errors.Is(err, csv.ErrQuote) holds for a csvscan error too.
//
// # Differences from encoding/csv
//
//   - Inside a quoted field CR LF stays CR LF and a lone CR stays CR;
//     encoding/csv turns CR LF into LF ("a\r\nb" is read as "a\nb").
//   - Outside quotes a lone CR ends a line and a record. encoding/csv ends
//     lines at LF only: a lone CR is a byte of the field ("a,b\rc" is one
//     record {"a", "b\rc"}), a quoted field followed by a lone CR is
//     ErrQuote, and a CR right before the end of the input is dropped.
//     Here "a,b\rc" is two records, {"a", "b"} and {"c"}.
//   - A UTF-8 byte order mark (EF BB BF) at the very start of the input is
//     dropped: it is not part of the first field, and column 1 of line 1 is
//     the byte after it (InputOffset still counts it). encoding/csv keeps it
//     in the first field.
//   - A quoted field left open at the end of the input is ErrQuote at the
//     end of the input: line n+1, column 1 when the input ends with a line
//     end, as a text editor places it. encoding/csv reports the end of the
//     last line instead, one column past its line end.
//   - FieldsPerRecord 0 is set from the first record read without error;
//     encoding/csv sets it from the first record even if it was cut short
//     by a syntax error.
//   - An error reading the input is returned with no record; encoding/csv
//     returns the fields of the line read before it.
//   - The options LazyQuotes and TrimLeadingSpace do not exist, nor
//     ReadAll.
//
// Invalid UTF-8 is kept as bytes by both (encoding/csv does not replace
// it either). On input with no CR byte and no BOM, Read returns the same
// records, FieldPos and InputOffset as encoding/csv; FuzzRead checks it.
//
// Read allocates one string per record, holding all its fields (so that
// keeping one field keeps the text of its whole record), and with
// ReuseRecord set reuses the slice of the previous call. ReadBytes
// allocates nothing once its buffers have grown: its fields are slices of
// the Reader's buffers, valid until the next call. ReadBatch copies the
// records into its Batch, whose buffers it reuses, and splits most of them
// straight from the input buffer, eight or sixteen bytes at a time. The
// input is read through a buffer of 64 KiB that grows to hold the longest
// line.
package csvscan
