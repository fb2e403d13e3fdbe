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
// columns, and for rows with the same tags and time (duplicates). A column
// that needs no change (a string column, or a float64 column without NaN
// or ±Inf, in a chunk whose every row is a point) is the input record's
// own array, retained rather than copied.
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
//
// # Time
//
// The time column is the one Options.TimeColumn names, or the best
// candidate: a column of timestamps, else an integer column named like
// time (epochs) or like a year (see Options.TimeFormat). Integers are read
// in the one unit in which all of them, smallest to largest, are times
// from 1973-03-03 to 2100, or as years (1000 to 2999, in a column named
// year); anything else is refused with ErrAmbiguousTime and what each
// reading would mean, never guessed. Options.TimeFormat always wins.
//
// # Explanations
//
// Report.Suggestions say what would fix what normalisation found, with the
// flag that does it: the columns that could be the time column (and the
// layout their values read in), the readings of ambiguous integer times,
// and the dropped text column that tells duplicate rows apart (--tags). A
// header without data rows is ErrNoRows, not "no time column".
//
// # Contracts
//
// Reader.Contract writes down what was decided for one input; given as
// Options.Contract to a later input, it is checked (a column that
// appeared, disappeared or changed kind is a *SchemaError naming column
// and line) and it replaces inference, so that every input comes out with
// the same types, time reading and precision. See Contract for what counts
// as a changed kind.
package transform
