// Package query runs Flux queries and turns their results into frames:
// typed Arrow tables (frame.Frame), gota DataFrames, files (CSV, Arrow,
// Parquet, line protocol) and terminal tables.
//
// # Data model
//
// A Flux result is a stream of tables in annotated CSV: each table (or run
// of tables) starts with #datatype, #group and #default annotation rows and
// a header row, and every row has an empty first cell, the annotation column.
// Frames returns one frame per distinct column set (the list of column names
// and types): tables with the same column set are concatenated in order of
// appearance, and the frames come in order of first appearance. Several
// results (several yield calls) go into the same frames, told apart by their
// result column.
//
// Like influxdb-client-python's query_data_frame, a frame keeps the result
// and table columns and every column of the response, in the response's
// order, and drops the annotation column. An empty cell takes the column's
// #default value (result is "_result" that way) and is null when there is
// none: annotated CSV cannot tell an empty string from a null.
//
// Types follow #datatype:
//
//	dateTime:RFC3339, dateTime:RFC3339Nano  timestamp[ns, UTC]
//	double                                  float64
//	long                                    int64
//	unsignedLong                            uint64
//	boolean                                 bool
//	string                                  string (utf8)
//	duration                                duration[ns] (integer nanoseconds, or "1h30m", "2d")
//	base64Binary                            binary (decoded)
//	any other                               string, the cell's text
//
// Roles (frame.Column.Role): _time is frame.RoleTime; result, table,
// _start, _stop, _measurement and _field describe the series and have no
// role (frame.RoleNone); other columns of the group key (#group true) are
// tags (frame.RoleTag) when they are strings and have no role otherwise;
// _value and every other column outside the group key are fields
// (frame.RoleField). When tables of one column set disagree about the group
// key, the first table decides.
//
// # Call order
//
// For a whole result:
//
//	frames, err := query.Frames(ctx, client, org, flux) // []*frame.Frame
//	...
//	defer release(frames) // each frame's Release
//	wide, err := query.Pivot(frames)         // one column per field, optional
//	err = query.Export("out.parquet", frames...) // one table: the union of the columns
//	err = query.Export("out.lp", frames...)      // each field with its own type
//	one, err := query.Combine(frames)
//	err = query.PrintTable(os.Stdout, one, 20)
//
// DataFrame does Frames and Combine and hands the result to gota
// (frame.ToDataFrame), like query_data_frame. For a result too large to hold, Stream hands the
// response body to a Decoder, an iterator over Arrow records:
//
//	err := query.Stream(ctx, client, org, flux, func(body io.Reader) error {
//		d, err := query.NewDecoder(body)
//		if err != nil {
//			return err
//		}
//		defer d.Release()
//		for d.Next() {
//			rec := d.Record() // valid until the next call to Next
//			_ = d.Schema()    // its column set's *frame.Schema
//		}
//		return d.Err()
//	})
//
// The decoder reads the response row by row as it arrives, with a converter
// chosen per column and table, and appends straight to Arrow builders: its
// memory is the records it builds (at most WithChunkSize rows per column
// set at a time), not the response text.
//
// Plot and PlotFile draw a result's frames, long or pivoted, as a PNG or SVG
// line chart: every numeric field against time, one line per series (a
// field with one set of measurement and tag values), labelled in a legend by
// what tells the series apart, with at most PlotOptions.MaxSeries lines and
// the others named in PlotInfo.Omitted.
//
// # InfluxQL
//
// InfluxQL runs an InfluxQL query against /query (InfluxDB 1.x, or 2.x
// through a DBRP mapping) and returns the same typed frames, one per series
// (measurement and tag set) of each statement, in order: time, the tags
// (frame.RoleTag), then the other columns (frame.RoleField), with the
// schema's Measurement set so that Export to .lp writes them back as points.
// InfluxQL's JSON has no types (a float 1.0 comes as 1), so a column named
// like a field key takes the field's type from SHOW FIELD KEYS, asked once
// per measurement; other columns (aggregates, expressions) are typed from
// their values by the promotion rules InfluxQL documents. DecodeInfluxQL
// decodes the chunked JSON response as it arrives, straight into Arrow
// builders; a statement's error is an *InfluxQLError.
//
// # Errors
//
// Every error starts with "query: ". A response that is not annotated CSV
// (or InfluxQL's JSON) is a *ParseError with its line and column; an error
// the server writes into the response (its "error,reference" table) is a
// *ServerError (an *InfluxQLError for InfluxQL); an HTTP error wraps the
// client library's *http.Error. Use errors.As and errors.Is.
package query
