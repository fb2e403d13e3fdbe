// Package sink writes normalised frames to InfluxDB as line protocol, and
// accounts for every row: each one ends written, rejected or skipped, with
// a reason, and what was not written lands in a rejects file that,
// imported, completes the job.
//
// # Data model
//
// The input is a normalised record, as the transform package makes it: an
// arrow.Record whose fields carry the metadata frame.MetaRole (time, tag or
// field, read with frame.SchemaFromArrow) and whose schema metadata
// frame.MetaMeasurement names the measurement. There is one time column, an
// Arrow timestamp; tag columns are strings, a null or empty value leaving
// the tag out of that row's point; field columns are float64, or strings for
// string fields, a null leaving the field out. A row with no field value, a
// null time, a string that is not UTF-8, or a tag value that line protocol
// cannot hold (a control character such as a newline, a trailing backslash)
// cannot be a point: it is skipped, counted and reported, never dropped
// silently, and nothing in the input makes the package panic. NaN and
// infinite values (which a normalised record does not hold) are left out
// and counted.
//
// # Encoding
//
// An Encoder appends the line protocol of a record's rows to a
// caller-owned buffer through lineprotocol.Encoder, which does all the
// escaping, with tags sorted by key and timestamps at a chosen precision:
//
//	enc, err := sink.NewEncoder(sink.EncodeOptions{Precision: lineprotocol.Second})
//	...
//	enc.Reset(rec)                        // once per record; the plan is kept per schema
//	buf, err = enc.AppendRow(buf[:0], i)  // one line, or a *RowError
//
// One thing differs from lineprotocol's output: it escapes newlines,
// carriage returns and tabs in string field values as \n, \r and \t, which
// InfluxDB (1.x and 2.x alike: its parser unescapes only \\ and \") would
// store as a backslash and a letter. The Encoder writes these three
// characters as they are inside the quotes, which InfluxDB and
// lineprotocol.Decoder both read back unchanged.
//
// # Writing
//
// A Writer posts to one bucket through the client library's own
// influxdb2.Client (its URL, token and HTTP client), with the precision and
// compression of its Options, using the write endpoint /api/v2/write that
// InfluxDB 2.x and 1.8 share:
//
//	w, err := sink.NewWriter(client, org, bucket, sink.Options{Rejects: sink.NewRejects(path)})
//	...
//	err = w.Run(ctx, chunks) // returns when chunks is closed and all is done
//	st := w.Stats()          // st.Rows == st.Written + st.Rejected + st.Skipped
//
// Options.Mode chooses how batches are cut: ModeSync posts each chunk's
// batches before taking the next chunk; ModeBatching (the default) lets a
// batch span chunks and posts it when full or Options.FlushInterval after
// its first line; ModeAsync does the same and encodes the next batch while
// the previous one is in flight. In every mode each batch is posted and
// its outcome known before the worker forgets it: nothing is fire-and-forget.
//
// Run owns its goroutines: Options.Workers workers take chunks from the
// channel as they come (the frame is thus partitioned across them), encode
// them and post their own batches of at most Options.BatchSize lines, one
// request in flight per worker; Run waits for all of them before it
// returns. The producer owns the channel and must close it, also after ctx
// is cancelled; Run owns each chunk's record and releases it.
//
// Each request is retried on 429, 5xx and network errors after a random
// delay within [RetryInterval*ExponentialBase^(n-1),
// RetryInterval*ExponentialBase^n] (at most MaxRetryDelay) or the server's
// Retry-After, until MaxRetries retries or MaxRetryTime have passed. A 400,
// 413 or 422 answer (a partial write: InfluxDB 1.x says "partial write" in a
// 400, 2.x answers 422; or an unparseable line, or a body too large) is
// split in halves, re-posting both, until the refused lines are known:
// only those are rejected, with the server's message. Re-posting lines the
// server already stored is harmless: the same series, time and field
// overwrite themselves with the same value. Another 4xx rejects the lines of
// the request. 401, 403 and 404 (bad token, missing bucket), and retries
// run out, stop the write.
//
// When the write stops (that, or ctx cancelled), every point not
// acknowledged goes to the rejects with the reason, the batch in flight as
// well as each chunk still to come, and Run drains the channel without
// posting, so the producer never blocks; it then returns the error that
// stopped it. The rejects file (Rejects) is line protocol in nanoseconds,
// each group of lines after a comment "# <reason>"; rows that never became
// points are comments "# <file>:<line>: <reason>: <csv row>".
//
// The token never appears in an error or a reason: the package removes it
// from every message it makes.
package sink
