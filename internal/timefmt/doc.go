// Package timefmt reads timestamps as influxframe's stages meet them: the
// layouts CSV inference recognises (Layouts, Detect), a parser for a time
// column in a chosen or detected layout or epoch unit (NewParser), and the
// fast ISO 8601 path (ParseISO) that frame's inference, transform's
// normalisation and query's annotated-CSV decoder share.
package timefmt
