package influx

import "strings"

var (
	influxQLIdentEscaper  = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	influxQLStringEscaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	fluxStringEscaper     = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
)

// QuoteIdent returns name as a double-quoted InfluxQL identifier, safe to
// splice into a statement whatever it holds: backslashes, double quotes and
// newlines are escaped, so that `CREATE DATABASE ` + QuoteIdent(db) names
// exactly db.
func QuoteIdent(name string) string {
	return `"` + influxQLIdentEscaper.Replace(name) + `"`
}

// QuoteString returns s as a single-quoted InfluxQL string literal (for
// WHERE tag = '...' and the like), with backslashes, single quotes and
// newlines escaped.
func QuoteString(s string) string {
	return `'` + influxQLStringEscaper.Replace(s) + `'`
}

// QuoteFlux returns s as a Flux string literal: double-quoted, with
// backslashes, double quotes, newlines, carriage returns, tabs and the
// interpolation opener "${" escaped, so that a bucket or measurement name can
// be spliced into a Flux query as a value and never as code.
func QuoteFlux(s string) string {
	return `"` + fluxStringEscaper.Replace(s) + `"`
}
