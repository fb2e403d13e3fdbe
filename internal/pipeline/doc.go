// Package pipeline joins the stages of an import: a reader goroutine reads
// and normalises chunks (frame.CSVReader, transform.Normalizer) and sends
// them over a bounded channel to sink.Writer, whose worker goroutines encode
// and post them. Memory is bounded by the chunk size times the channel
// capacity, not by the file.
//
// Every row ends in exactly one place: written, rejected by normalisation
// (kept in the rejects file as its CSV row), or refused or not sent by the
// writer (kept in the rejects file as line protocol). Summary adds them up.
//
// The package is internal: it is the logic behind the CLI's import,
// validate and convert commands, so that cmd/influxframe holds only flags
// and output.
package pipeline
