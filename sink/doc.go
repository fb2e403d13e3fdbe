// Package sink writes normalised records to InfluxDB, or to a file, and
// accounts for every row: each one ends written or in the rejects, with a
// reason, and the rejects file that collects them, imported, completes the
// job.
//
// # Data model
//
// The input is a frame.ChunkReader of normalised records, as the transform
// package's Reader yields them: one time column (an Arrow timestamp, role
// time), tag columns of text (a null or empty value leaves the tag out of
// that row's point), field columns (float64, or text for string fields; a
// null leaves the field out), and, in the schema, the measurement and the
// write precision (frame.Schema.Measurement and Precision), which the sink
// reads from the records instead of from a setting. A reader that also has
// a Rejects method (*transform.Reader does) hands over, with each record,
// the rows of its input that did not become points; they go to the rejects
// too. A row with no field value, a null time, a string that is not UTF-8,
// or a tag value that line protocol cannot hold (a newline, a trailing
// backslash) cannot be a point: it is skipped, counted and rejected, and
// nothing in the input makes the package panic.
//
// # Call order
//
// One call does a whole write, owns its goroutines and returns its Stats:
//
//	in, err := transform.NewReader(r, transform.Options{Tags: []string{"station"}})
//	...
//	defer in.Release()
//	st, err := sink.Write(ctx, client, org, bucket, in, sink.Options{})
//	// err != nil unless every row was written; st.Rows == st.Written + st.Lost()
//
// Write posts to a server through the client library's own influxdb2.Client;
// WriteFrame does the same for a whole normalised frame; WriteFile ends the
// same stages in a file instead (line protocol for a dry run, or a table
// format for a conversion); WriteLineProtocol posts line protocol as it is
// (replaying a rejects file).
//
// # Writing
//
// Write uses the write endpoint /api/v2/write that InfluxDB 2.x and 1.8
// share. Options.Mode chooses how batches are cut: ModeSync posts each
// chunk's batches before taking the next chunk; ModeBatching (the default)
// lets a batch span chunks and posts it when full or Options.FlushInterval
// after its first line; ModeAsync does the same and encodes the next batch
// while the previous one is in flight. In every mode each batch is posted
// and its outcome known before the worker forgets it: nothing is
// fire-and-forget. Options.Workers goroutines take chunks as they come (the
// input is thus partitioned across them), encode them and post their own
// batches of at most Options.BatchSize lines, one request in flight per
// worker.
//
// Each request is retried on 429, 5xx and network errors after a random
// delay within [RetryInterval*ExponentialBase^(n-1),
// RetryInterval*ExponentialBase^n] (at most MaxRetryDelay) or the server's
// Retry-After, until MaxRetries retries or MaxRetryTime have passed. A 400,
// 413 or 422 answer (a partial write: InfluxDB 1.x says "partial write" in
// a 400, 2.x answers 422; or an unparseable line, or a body too large) is
// split in halves, re-posting both, until the refused lines are known:
// only those are rejected, with the server's message. Re-posting lines the
// server already stored is harmless: the same series, time and field
// overwrite themselves with the same value. Another 4xx rejects the lines
// of the request. 401, 403 and 404 (bad token, missing bucket), and retries
// run out, stop the write.
//
// When the write stops (that, or ctx cancelled), every point not
// acknowledged goes to the rejects with the reason, the batch in flight as
// well as the rest of the input, which Write goes on reading without
// posting; it then returns an *IncompleteError whose Cause is what stopped
// it.
//
// # Rejects and errors
//
// The rejects are on by default: a file beside the input,
// "<input>.rejected.lp" (Options.Rejects names another, Options.RejectsTo
// takes a writer), created only when something is rejected. It is line
// protocol in nanoseconds, each group of lines after a comment "#
// <reason>"; rows that never became points are comments "# <file>:<line>:
// <reason>: <csv row>". A write that did not store every row returns an
// *IncompleteError (errors.Is ErrIncomplete) that says how many rows and
// where they are: ignoring everything but the error still tells of every
// lost row. The token never appears in an error or a reason.
package sink
