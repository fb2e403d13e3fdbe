package transform

import (
	"fmt"
	"strings"
	"time"

	"github.com/influxframe/influxframe/frame"
)

// MixedPolicy says what happens to a column holding numbers and other text.
type MixedPolicy string

// The mixed-type policies.
const (
	MixedReject MixedPolicy = "reject" // fail before writing anything (default)
	MixedDrop   MixedPolicy = "drop"   // drop the column, and report it
)

// StringsPolicy says what happens to an undeclared column of pure text.
type StringsPolicy string

// The text-column policies.
const (
	StringsDrop   StringsPolicy = "drop"   // drop the column, and report it (default)
	StringsTag    StringsPolicy = "tag"    // write it as a tag
	StringsField  StringsPolicy = "field"  // write it as a string field
	StringsReject StringsPolicy = "reject" // fail
)

// DuplicatesPolicy says what happens to rows with the same measurement, tag
// set and timestamp, which InfluxDB would store as one point.
type DuplicatesPolicy string

// The duplicate-point policies.
const (
	DuplicatesReject DuplicatesPolicy = "reject" // reject later rows (default)
	DuplicatesLast   DuplicatesPolicy = "last"   // keep all; the server keeps the last values
	DuplicatesOffset DuplicatesPolicy = "offset" // shift later rows by one precision unit
)

// Options configure a Normalizer. The zero value detects the time column,
// writes every numeric column as a float64 field, rejects mixed-type
// columns, drops undeclared text columns and rejects duplicate points.
type Options struct {
	// Measurement names the measurement (default: the input's base name).
	Measurement string
	// TimeColumn names the time column (default: detected).
	TimeColumn string
	// TimeFormat is a Go layout or one of rfc3339, unix, unix_ms, unix_us,
	// unix_ns, year (default: detected from the values). It always wins
	// over detection. Without it, an integer time column is read in the
	// one unit that makes all of its values, from the smallest to the
	// largest, times from 1973-03-03 (1e8 seconds) to 2100
	// (timefmt.PlausibleEpochs), or as years when its name says year
	// (see yearName) and its values are 1000 to 2999; when no reading or
	// more than one fits, NewReader refuses the column with ErrAmbiguousTime
	// and the dates each reading would mean.
	TimeFormat string
	// Location is the zone of zone-less timestamps (default UTC).
	Location *time.Location
	// Tags are the columns written as tags, kept as text.
	Tags []string
	// StringFields are the columns written as string fields, kept as text.
	StringFields []string
	// Fields, if not empty, keeps only these fields.
	Fields []string
	// Exclude drops these columns.
	Exclude []string
	// Mixed is the mixed-type column policy (default MixedReject).
	Mixed MixedPolicy
	// Strings is the undeclared text column policy (default StringsDrop).
	Strings StringsPolicy
	// Duplicates is the duplicate point policy (default DuplicatesReject).
	Duplicates DuplicatesPolicy
	// DefaultTags are added to every point, like the default tags of
	// influxdb-client-python's config ([tags]); a column of the same name
	// takes precedence.
	DefaultTags map[string]string
	// Precision is the write precision (default: the coarsest that loses
	// nothing, from the time column's values). A row whose timestamp is
	// finer is rejected, never truncated.
	Precision frame.Precision
	// Contract, when set, is the schema an earlier input was given (see
	// Contract): NewReader checks the input against it before reading a
	// row, and takes the time column, time format, precision, measurement
	// and every column's role from it instead of inferring them. The
	// options that decide roles (TimeColumn, TimeFormat, Tags,
	// StringFields, Fields, Exclude) must then be empty, and the Mixed and
	// Strings policies decide nothing; Measurement and Precision, when set,
	// override the contract's.
	Contract *Contract
}

// WithContract returns o enforcing the contract c, with the options that
// decide roles (which c decides: TimeColumn, TimeFormat, Tags,
// StringFields, Fields, Exclude) cleared: the contract written for one
// input is enforced on the next with the same options otherwise.
func (o Options) WithContract(c *Contract) Options {
	o.Contract = c
	o.TimeColumn, o.TimeFormat = "", ""
	o.Tags, o.StringFields, o.Fields, o.Exclude = nil, nil, nil, nil
	return o
}

// ErrOptions is the cause of every invalid-option error.
var ErrOptions = fmt.Errorf("transform: invalid options")

func (o *Options) validate() error {
	if o.Mixed == "" {
		o.Mixed = MixedReject
	}
	if o.Strings == "" {
		o.Strings = StringsDrop
	}
	if o.Duplicates == "" {
		o.Duplicates = DuplicatesReject
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	switch o.Mixed {
	case MixedReject, MixedDrop:
	default:
		return fmt.Errorf("%w: mixed policy %q (want reject or drop)", ErrOptions, o.Mixed)
	}
	switch o.Strings {
	case StringsDrop, StringsTag, StringsField, StringsReject:
	default:
		return fmt.Errorf("%w: strings policy %q (want drop, tag, field or reject)", ErrOptions, o.Strings)
	}
	switch o.Duplicates {
	case DuplicatesReject, DuplicatesLast, DuplicatesOffset:
	default:
		return fmt.Errorf("%w: duplicates policy %q (want reject, last or offset)", ErrOptions, o.Duplicates)
	}
	if o.Precision > frame.Second {
		return fmt.Errorf("%w: precision %s", ErrOptions, o.Precision)
	}
	seen := map[string]string{}
	for _, l := range []struct {
		what string
		cols []string
	}{{"--tags", o.Tags}, {"--string-fields", o.StringFields}} {
		for _, c := range l.cols {
			if prev, ok := seen[c]; ok {
				return fmt.Errorf("%w: column %q is in both %s and %s", ErrOptions, c, prev, l.what)
			}
			seen[c] = l.what
		}
	}
	if o.Contract != nil {
		for _, set := range []struct {
			flag string
			set  bool
		}{{"--time-column", o.TimeColumn != ""}, {"--time-format", o.TimeFormat != ""}, {"--tags", len(o.Tags) > 0},
			{"--string-fields", len(o.StringFields) > 0}, {"--fields", len(o.Fields) > 0}, {"--exclude", len(o.Exclude) > 0}} {
			if set.set {
				return fmt.Errorf("%w: %s with a schema contract: the contract decides every column's role; edit it instead", ErrOptions, set.flag)
			}
		}
	}
	if o.TimeColumn != "" {
		if w, ok := seen[o.TimeColumn]; ok {
			return fmt.Errorf("%w: time column %q is also in %s", ErrOptions, o.TimeColumn, w)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var timeNames = []string{"time", "_time", "timestamp", "datetime", "date", "ts"}

// timeNameRank ranks a column name for time-column detection (lower is
// better; len(timeNames)+1 for names that do not look like time).
func timeNameRank(name string) int {
	n := strings.ToLower(name)
	for i, t := range timeNames {
		if n == t {
			return i
		}
	}
	if strings.Contains(n, "time") || strings.Contains(n, "date") {
		return len(timeNames)
	}
	return len(timeNames) + 1
}

// yearName reports whether a column's name says it holds years: "year",
// "yr" or "yyyy" in any case, or a name ending in "year" after a
// separator ("fiscal_year", "fiscal-year", "fiscal year", "fiscal.year")
// or in camel case ("fiscalYear", "FiscalYear"); not "lightyear".
func yearName(name string) bool {
	switch strings.ToLower(name) {
	case "year", "yr", "yyyy":
		return true
	}
	const year = "year"
	if len(name) <= len(year) || !strings.EqualFold(name[len(name)-len(year):], year) {
		return false
	}
	before := name[len(name)-len(year)-1]
	switch {
	case before == '_' || before == '-' || before == ' ' || before == '.':
		return true
	case strings.HasSuffix(name, "Year") && before >= 'a' && before <= 'z':
		return true
	}
	return false
}
