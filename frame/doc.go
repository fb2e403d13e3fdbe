// Package frame holds influxframe's typed columnar table, the Frame, and
// moves it in and out of files.
//
// A Frame is Arrow memory: a *Schema (each column's name, inferred Kind and
// Role) and a list of arrow.Record chunks that share the schema's Arrow form.
// Frames are reference counted like Arrow records: call Release when done.
//
// Text files are read by CSVReader, an iterator in the style of
// array.RecordReader: it first infers every column's kind over every row of
// the input (spooling a non-seekable input to a temporary file), then yields
// records of a chunk size chosen at construction:
//
//	r, err := frame.NewCSVReader(f, "taxi.csv", frame.CSVOptions{})
//	...
//	defer r.Release()
//	for r.Next() {
//		rec := r.Record() // valid until the next call to Next
//	}
//	if err := r.Err(); err != nil { ... }
//
// Inference follows a promotion ladder per column, over every non-empty cell:
// bool, integer, float (integers and floats promote to float), timestamp, text.
// A column holding both numeric cells (bool, integer, float) and other text is
// KindMixed and keeps its raw text, so that a later stage can name the first
// offending rows; Stats records, per column, how many cells of each kind were
// seen and where the first of each was.
//
// Timestamps stay text in a frame read from CSV (KindTime over an Arrow string
// column): which column is the time column, and its layout and zone, are the
// transform package's decisions. ParseTime parses them.
//
// gota DataFrames convert both ways. ToDataFrame copies a frame into one
// series per column. FromDataFrame turns a DataFrame built in a script into
// a frame that the transform package treats as one read from CSV: float,
// int and bool series keep their types, and string series go through the
// CSV inference and conversion above, with the DataFrame's 1-based row
// numbers in place of lines.
//
// Errors about input are *ParseError values naming file, line and column, and
// unwrap to a sentinel cause such as ErrFieldCount.
package frame
