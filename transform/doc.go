// Package transform turns the records of a frame.ChunkReader into clean
// time series, and explains every decision it made.
//
// # Data model
//
// A normalised record has one time column (an Arrow timestamp in
// nanoseconds, UTC, role time), then the tags (text, exactly as written),
// then the fields (float64: integers and bools are cast, bool as 1/0; or
// text for declared string fields). Its schema carries the measurement and
// the write precision (frame.Schema.Measurement and Precision): the coarsest
// that loses nothing, unless Options.Precision says otherwise. Empty cells,
// NaN and ±Inf are nulls: the field is left out of that point, never written
// as 0. Options set the policies for columns mixing numbers and text
// (rejected before anything is read, or dropped), for undeclared text
// columns, and for rows with the same tags and time (duplicates).
//
// # Call order
//
// NewReader wraps a reader and decides, from its schema and inference
// statistics alone, what every column becomes; a refused column is a
// *SchemaError naming file, line, column and value before a single row is
// read. Next then normalises one input chunk at a time; Rejects says which
// of its rows could not become points, with position, reason and cells;
// Report has every decision and total so far:
//
//	r, err := frame.Open(ctx, "taxi.csv", frame.OpenOptions{})
//	...
//	in, err := transform.NewReader(r, transform.Options{Tags: []string{"station"}})
//	...
//	defer in.Release()
//	for in.Next() {
//		rec := in.Record()  // normalised; in.Lines() are its source lines
//		_ = in.Rejects()    // the chunk's rows that did not make it
//	}
//	rep := in.Report()
//
// A *Reader is what sink.Write drains: the sink reads its rejects too, so
// that no row goes unaccounted.
package transform
