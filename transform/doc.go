// Package transform turns a frame read from a file into clean time series:
// one time column (int64 nanoseconds, UTC), tags as text, fields as float64
// (or text for declared string fields), following the policies in Options
// for mixed-type and text columns and duplicate points, and reports every
// decision it made.
//
// Call order: NewNormalizer decides, from the input schema and its inference
// statistics alone, what every column becomes; a mixed-type column under
// PolicyReject is an error here, before a single row is written. Then Apply
// converts each chunk, returning the normalised record and the rows that
// cannot become points (with file, line, reason and the row's text). Report
// gives the totals at any time.
//
//	n, err := transform.NewNormalizer(reader.FrameSchema(), "taxi.csv", opts)
//	for reader.Next() {
//		out, rejected, err := n.Apply(reader.Record(), reader.Lines())
//		...
//		out.Release()
//	}
//	rep := n.Report()
//
// The output record's Arrow schema carries each column's role in its field
// metadata (frame.MetaRole) and the measurement in the schema metadata
// (frame.MetaMeasurement): the sink package needs nothing else.
package transform
