package query

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/lineproto"
)

// WriteLineProtocol writes f as InfluxDB line protocol with nanosecond
// timestamps, so that a query result written back with `influxframe import`
// stores the same values with the same types:
//
//   - measurement: the _measurement column, else the schema's Measurement;
//     a frame with neither is an error;
//   - tags: the text columns whose role is tag, in name order; a null or
//     empty tag is left out of its line;
//   - fields: in long form (a frame with _field and _value columns) one
//     field per row, named by _field; otherwise every column whose role is
//     field (a pivoted frame);
//   - timestamp: the _time column; a null _time, or none, is a line
//     without a timestamp.
//
// Field values keep their type (float, integer, unsigned, boolean,
// string); durations are integers of nanoseconds and other types their
// text. String values are written so that InfluxDB stores them exactly:
// newlines, carriage returns and tabs inside the quotes as they are. Nulls,
// NaN and ±Inf are left out, since InfluxDB cannot store them. A row that
// cannot be a point (no field left, a tag value with a newline, which line
// protocol cannot hold, invalid UTF-8) is written as a comment line
// "# row N: reason" (N counting rows from 1), so that nothing is dropped
// silently. Other columns (result, table, _start, _stop) are not written.
func WriteLineProtocol(w io.Writer, f *frame.Frame) error {
	opts := lineproto.Options{Precision: frame.Nanosecond, AllowNoTime: true, SkipNoRole: true}
	if err := lineproto.Check(f.Schema().Arrow(), opts); err != nil {
		return fmt.Errorf("query: line protocol: %w", err)
	}
	enc := lineproto.NewEncoder(opts)
	buf := make([]byte, 0, 64<<10)
	row := int64(0)
	for _, rec := range f.Chunks() {
		if err := enc.Reset(rec); err != nil {
			return fmt.Errorf("query: line protocol: %w", err)
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			row++
			var err error
			if buf, err = enc.AppendRow(buf, r); err != nil {
				var re *lineproto.RowError
				if errors.As(err, &re) {
					err = re.Err
				}
				buf = lineproto.AppendComment(buf, "row "+strconv.FormatInt(row, 10)+": "+err.Error())
			}
			if len(buf) >= 60<<10 {
				if _, err := w.Write(buf); err != nil {
					return fmt.Errorf("query: line protocol: %w", err)
				}
				buf = buf[:0]
			}
		}
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("query: line protocol: %w", err)
	}
	return nil
}
