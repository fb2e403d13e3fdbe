package main

import (
	"context"
	"fmt"
	"os"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/spf13/pflag"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/influx"
	"github.com/influxframe/influxframe/transform"
)

// connFlags are the connection flags of import, query and validate.
type connFlags struct {
	config string
	s      influx.Settings
	fs     *pflag.FlagSet
}

func (c *connFlags) register(fs *pflag.FlagSet) {
	c.fs = fs
	fs.StringVar(&c.config, "config", "", "connection config file (INI [influx2], TOML or JSON, as influxdb-client-python reads it)")
	fs.StringVar(&c.s.URL, "url", "", "server URL (default "+influx.DefaultURL+")")
	fs.StringVar(&c.s.Org, "org", "", "organization (InfluxDB 2.x; ignored by 1.x)")
	fs.StringVar(&c.s.Token, "token", "", "API token, or user:password for InfluxDB 1.x (never printed)")
	fs.StringVar(&c.s.Bucket, "bucket", "", "bucket, or db/rp (or db) for InfluxDB 1.x")
	fs.DurationVar(&c.s.Timeout, "timeout", 0, "HTTP timeout (default "+influx.DefaultTimeout.String()+")")
	fs.BoolVar(&c.s.TLSSkipVerify, "tls-skip-verify", false, "do not verify the server's TLS certificate")
	fs.StringVar(&c.s.CACert, "ca-cert", "", "PEM file of certificate authorities to trust")
}

// settings merges flags, environment and config file.
func (c *connFlags) settings(env []string) (influx.Settings, error) {
	return influx.Load(influx.Sources{
		ConfigFile: c.config,
		Environ:    env,
		Flags:      c.s,
		Set:        influx.ChangedFlags(c.fs.Changed),
	})
}

// connect builds the client and asks the server what it is.
func (c *connFlags) connect(ctx context.Context, env []string) (influxdb2.Client, influx.Settings, influx.Server, error) {
	s, err := c.settings(env)
	if err != nil {
		return nil, s, influx.Server{}, err
	}
	client, err := influx.NewClient(s)
	if err != nil {
		return nil, s, influx.Server{}, err
	}
	srv, err := influx.Detect(ctx, client)
	if err != nil {
		client.Close()
		return nil, s, srv, fmt.Errorf("connecting to %s: %w", s.Redacted().URL, influx.Classify(err))
	}
	return client, s, srv, nil
}

// schemaFlags are the normalisation flags of import, validate and convert.
type schemaFlags struct {
	o          transform.Options
	mixed      string
	strings    string
	duplicates string
	timezone   string
	report     string
	schema     string
	// The CSV dialect; empty (false) is sniffed.
	delimiter, decimal, quote string
	noHeader, header          bool
}

func (f *schemaFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.o.Measurement, "measurement", "", "measurement name (default: the file's base name)")
	fs.StringVar(&f.o.TimeColumn, "time-column", "", "time column (default: detected)")
	fs.StringVar(&f.o.TimeFormat, "time-format", "", "Go time layout, or rfc3339, unix, unix_ms, unix_us, unix_ns, year (default: detected)")
	fs.StringVar(&f.timezone, "timezone", "UTC", "zone of timestamps that have none")
	fs.StringSliceVar(&f.o.Tags, "tags", nil, "columns written as tags, kept as text")
	fs.StringSliceVar(&f.o.StringFields, "string-fields", nil, "columns written as string fields, kept as text")
	fs.StringSliceVar(&f.o.Fields, "fields", nil, "keep only these fields")
	fs.StringSliceVar(&f.o.Exclude, "exclude", nil, "drop these columns")
	fs.StringVar(&f.mixed, "mixed", "reject", "columns mixing numbers and text: reject|drop")
	fs.StringVar(&f.strings, "strings", "drop", "undeclared text columns: drop|tag|field|reject")
	fs.StringVar(&f.duplicates, "duplicates", "reject", "rows with the same tags and time: reject|last|offset")
	fs.StringVar(&f.report, "report", "", "write the normalisation report as JSON to this file")
	fs.StringVar(&f.schema, "schema", "", "enforce the schema file written by validate --schema-out: same columns, kinds, roles, time reading and precision (and CSV dialect, unless given)")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV field delimiter: , ; tab | or any one character (default: sniffed; tab for .tsv)")
	fs.StringVar(&f.decimal, "decimal", "", "decimal separator of CSV numbers: . or , (default: sniffed)")
	fs.StringVar(&f.quote, "quote", "", `CSV quote character: " or ', or none (default: sniffed)`)
	fs.BoolVar(&f.noHeader, "no-header", false, "the first CSV row is data: columns are named column0, column1, ... (default: sniffed)")
	fs.BoolVar(&f.header, "header", false, "the first CSV row names the columns, even when it looks like data (years, say) (default: sniffed)")
}

// options returns the transform options and the CSV dialect options the
// flags describe: the dialect is the --schema contract's, if it has one,
// with the dialect flags given taking precedence.
func (f *schemaFlags) options() (transform.Options, frame.CSVOptions, error) {
	o, err := f.transformOptions()
	if err != nil {
		return o, frame.CSVOptions{}, err
	}
	var c frame.CSVOptions
	if o.Contract != nil && o.Contract.Dialect != nil {
		c = o.Contract.Dialect.CSVOptions()
	}
	if f.delimiter != "" {
		if c.Comma, err = frame.ParseDelimiter(f.delimiter); err != nil {
			return o, c, usagef("--delimiter: %v", err)
		}
	}
	if f.decimal != "" {
		if c.Decimal, err = frame.ParseDecimal(f.decimal); err != nil {
			return o, c, usagef("--decimal: %v", err)
		}
	}
	if f.quote != "" {
		if c.Quote, err = frame.ParseQuote(f.quote); err != nil {
			return o, c, usagef("--quote: %v", err)
		}
	}
	if f.noHeader || f.header {
		c.NoHeader, c.Header = f.noHeader, f.header
	}
	if err := c.CheckDialect(); err != nil {
		return o, c, usagef("%v", err)
	}
	return o, c, nil
}

// transformOptions returns the transform options the flags describe.
func (f *schemaFlags) transformOptions() (transform.Options, error) {
	o := f.o
	o.Mixed = transform.MixedPolicy(f.mixed)
	o.Strings = transform.StringsPolicy(f.strings)
	o.Duplicates = transform.DuplicatesPolicy(f.duplicates)
	loc, err := time.LoadLocation(f.timezone)
	if err != nil {
		return o, usagef("--timezone %q: %v", f.timezone, err)
	}
	o.Location = loc
	if f.schema != "" {
		fh, err := os.Open(f.schema)
		if err != nil {
			return o, fmt.Errorf("--schema: %w", err)
		}
		defer fh.Close()
		c, err := transform.ReadContract(fh)
		if err != nil {
			return o, usagef("--schema %s: %v", f.schema, err)
		}
		o.Contract = c
	}
	return o, nil
}
