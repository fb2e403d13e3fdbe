// Package frame holds influxframe's data model, the typed columnar Frame,
// and moves it in and out of files and gota.
//
// # Data model
//
// A Frame is Arrow memory: a *Schema (each column's name, Kind and Role,
// plus, once normalised, the measurement and the write Precision) and a list
// of arrow.Record chunks that share the schema's Arrow form. Frames are
// reference counted like Arrow records: call Release when done. A column's
// Kind is what it holds (null, bool, int, float, time, text, or mixed:
// numbers and other text); its Role is what it becomes in InfluxDB (time,
// tag, field), which the transform package decides. Roles, the measurement
// and the precision travel in the Arrow schema metadata, so that a record
// carries them to every later stage and into Arrow and Parquet files.
//
// # Reading
//
// Every input is read through a ChunkReader, an iterator in the style of
// array.RecordReader: Next, Record (valid until the next Next), Lines (the
// source line of each row), Err, Release. Open picks the reader an input
// needs (CSV, also .gz, stdin or a URL; Arrow IPC; Parquet), and the reader
// owns the input:
//
//	r, err := frame.Open(ctx, "taxi.csv", frame.OpenOptions{})
//	...
//	defer r.Release()
//	for r.Next() {
//		rec := r.Record() // valid until the next call to Next
//	}
//	if err := r.Err(); err != nil { ... }
//
// A CSV file's dialect (its delimiter, quote, decimal separator and
// whether its first record is a header) is sniffed from its first 64 KiB,
// as DuckDB's read_csv does, unless CSVOptions gives it; a file whose
// dialect cannot be decided is an error wrapping ErrDialect that lists
// what was tried. The reader says which dialect it read (Dialect,
// DialectReader). A CSV file's kinds are inferred over every row, not a
// sample (a stream is
// spooled to a temporary file first), following a promotion ladder per
// column over every non-empty cell: bool, integer, float (integers and
// floats promote to float), timestamp, text. A column holding both numbers
// and other text is KindMixed and keeps its raw text, so that a later stage
// can name the first offending rows; Stats records, per column, how many
// cells of each kind were seen and where the first of each was. Timestamps
// stay text (KindTime over an Arrow string column): which column is the time
// column, and its layout and zone, are the transform package's decisions.
// Records hold DefaultChunkSize rows unless told otherwise.
//
// An input whose records fit in CSVOptions.HoldBytes (64 MiB of Arrow
// buffers by default) is read and split once: inference reads it in one
// goroutine, every core observing a share of each batch's columns, and
// converts each chunk as it goes, in the kinds inferred so far; a chunk
// whose columns all kept their kind to the end is handed out by Next as it
// is, any other is converted again (see hold.go). Rows, lines, Stats and
// errors are the same either way.
//
// A larger input is read twice, both passes on every core (GOMAXPROCS)
// when it is a seekable file (or a spool file, for conversion): inference
// splits the rows into
// byte ranges at line ends, infers them at once, checks that each range
// really began at a record (a cut can fall inside a quoted cell that spans
// lines; such a range is read again) and merges them in order; conversion
// hands each chunk of rows, whose first byte and line inference noted, to
// a worker with its own buffers, and Next returns the chunks in order.
// Rows, lines, Stats and errors are those of a reading in one goroutine.
// Both passes read records in batches of cells (csvscan.Batch) and work
// on a batch a column at a time: inference classifies the cells as bytes,
// and conversion writes them straight into Arrow buffers allocated at the
// chunk's size, its row count known from inference.
//
// N processes can import one CSV file together, each reading one shard:
// CSVOptions.Shard = Shard{K, N} reads only the records that start in the
// K-th of N equal byte ranges of the data after the header, each range
// ending where the first record at or after its end starts. Quotes are
// respected (a quoted cell spanning lines is never split), so the ranges
// come from a scan of the whole file with the tokenizer; every process
// computes the same ones, every record is in exactly one shard, and rows
// keep their line numbers in the file. The header is read from the start of
// the file, and inference sees the shard's rows only. A shard needs a
// seekable file: a .gz file, standard input, a URL, and Arrow and Parquet
// inputs are refused.
//
// gota DataFrames convert both ways: NewDataFrameReader reads a DataFrame
// built in a script as the CSV reader reads a file (string series go
// through the same inference, with the DataFrame's 1-based row numbers in
// place of lines), and ToDataFrame copies a frame into one series per
// column, as query.DataFrame hands results to gota.
//
// # Writing
//
// NewRecordWriter and WriteFile write records as CSV, an Arrow IPC file or
// stream, or Parquet; FormatOf is the one place that maps a file name to a
// Format, line protocol included (which the sink and query packages write).
//
// # Errors
//
// Errors about input are *ParseError values naming file, line and column,
// and unwrap to a sentinel cause such as ErrFieldCount or ErrCorrupt. A row
// that does not become a point is a Reject, with its position and reason.
package frame
