// Package influxframe moves tabular data in and out of InfluxDB from Go
// without losing any of it. It holds no code: the work is done by four
// packages, each with one job, that a script composes in a few lines.
//
//   - frame: the typed columnar Frame (Arrow memory) and its readers. Open
//     reads a CSV file (or .gz, stdin, a URL), Arrow or Parquet into a
//     ChunkReader, inferring every CSV column's kind over every row; gota
//     DataFrames come in through NewDataFrameReader and go out through
//     ToDataFrame.
//   - transform: NewReader wraps a ChunkReader and yields clean time series:
//     one time column, tags as text, float64 fields, the mixed-type and
//     duplicate policies applied, every decision in a Report, and every row
//     that cannot become a point handed on with its position and reason.
//   - sink: Write drains such a reader into a bucket through the client
//     library's influxdb2.Client, on goroutines of its own, in batches with
//     retries; every row ends written or in a rejects file beside the input,
//     and the error says how many did not make it and where they are.
//   - query: Frames and DataFrame run Flux and return typed frames or a gota
//     DataFrame, as influxdb-client-python's query_data_frame does; Export
//     writes them to CSV, Arrow, Parquet or line protocol.
//
// Data flows one way: file -> frame.ChunkReader -> transform.Reader ->
// sink.Write -> InfluxDB -> query -> frame or gota. The command influxframe
// (cmd/influxframe) is the same stages behind flags.
package influxframe
