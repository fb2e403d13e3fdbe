package query

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	influxhttp "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/influx"
)

// InfluxQL runs an InfluxQL query against the /query endpoint (of InfluxDB
// 1.x, or of 2.x for v1 compatibility) and returns its result as frames:
// one per series (measurement name and tag set) of each statement, in order
// of first appearance, the frames of each statement after those of the
// statement before. The caller releases the frames.
//
// db is the database as the bucket flag takes it on 1.x: "db/rp" or "db"
// (the database's default retention policy); it may be empty when the
// query names its databases itself (the field types are then not asked
// for). The request goes to the client's server URL with its Authorization
// header; on 2.x the token authorizes /query when a DBRP mapping maps the
// database to a bucket (influxframe's --create-bucket creates it, as does
// `influx v1 dbrp create`). It asks for epoch=ns and chunked=true with
// chunk_size the chunk size (WithChunkSize), and decodes the response as it
// arrives (see DecodeInfluxQL).
//
// # Columns
//
// Each frame holds, in this order: time (timestamp[ns, UTC],
// frame.RoleTime) when the series' first column is time (SHOW statements
// have none); the series' tags (GROUP BY) as text columns with
// frame.RoleTag, in key order, constant over the frame, null where the
// value is empty; then the other columns of the series, in the response's
// order, with frame.RoleField, except those holding tags (below). The
// schema's Measurement is the series' name, so WriteLineProtocol and Export
// to .lp write the frames back as points; the Arrow schema metadata
// MetaStatementID holds the statement_id.
//
// A column named like one of the series' tags holds that tag (it is
// a tag column and the series tag is not repeated), unless it is a field
// key or the keys are unknown (db is empty); then the series tag is renamed
// <tag>_1, as InfluxQL renames a tag that clashes with a field.
//
// # Types
//
// InfluxQL's JSON carries no types (it writes the float 1.0 as 1), so the
// field types come from the server: for each measurement of the result,
// InfluxQL asks once SHOW FIELD KEYS and SHOW TAG KEYS (with the same db
// and rp), and types each column by the first rule that applies:
//
//  1. time: timestamp[ns, UTC] (epoch nanoseconds, or RFC 3339 text);
//  2. a field key: its type, float -> float64, integer -> int64,
//     unsigned -> uint64, string -> string, boolean -> bool (a key stored
//     with several types in different shards: rule 5);
//  3. a tag key, or the column holding a tag of the series (above):
//     string, role tag;
//  4. named like an InfluxQL function whose result is always a float
//     (mean, median, stddev, integral, derivative, non_negative_derivative,
//     the moving averages and other technical-analysis functions,
//     holt_winters, sqrt, pow, exp, ln, log, log2, log10 and the
//     trigonometric ones), or "<function>_<field key>" as mean(*) names
//     its columns: float64;
//  5. any other column (selectors and aggregates such as max, last, sum,
//     count, expressions, aliases): from its values, as below.
//
// A column typed by rules 2 to 5 still takes every value: a value that its
// type cannot hold promotes the column, and the rows before are converted:
//
//   - a column of rule 5 starts untyped; its first non-null value decides:
//     a JSON number with a fraction or an exponent -> float64, an integral
//     number -> int64 (float64 when it exceeds int64), a string ->
//     string, true or false -> bool;
//   - int64 and uint64 become float64 for a number with a fraction or an
//     exponent, or an integral one they cannot hold (beyond int64; for
//     uint64, negative or beyond uint64);
//   - a number column (int64, uint64, float64) or a bool column becomes
//     string for a value of another kind (a string, a bool, a number):
//     the values before are written as frame.FormatValue writes them, the
//     later ones as their JSON text;
//   - a string column takes numbers and bools as their JSON text;
//   - nulls are nulls, in every type; a column with nulls only is float64.
//
// So an integral float field comes back as float64, and an aggregate of
// integral floats (max(f) = 2) as int64 unless another of its values has
// a fraction: to type such a column from the field, alias it to the
// field's name (SELECT max(f) AS f).
//
// # Errors
//
// The error of a statement ({"results":[{"statement_id":0,"error":"..."}]})
// or of the whole query ({"error":"..."}, or an HTTP 400 answer to a query
// that does not parse) is an *InfluxQLError; a missing database or
// retention policy gets a Hint (on 2.x, how to create the DBRP mapping).
// Other HTTP errors (401, 404, ...) wrap the client library's *http.Error,
// and a response that is not InfluxQL's JSON is a *ParseError. Every error
// starts with "query: ". Options: WithAllocator and WithChunkSize.
func InfluxQL(ctx context.Context, client influxdb2.Client, db, q string, opts ...Option) ([]*frame.Frame, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, errors.New("query: nil client")
	}
	dbName, rp := influx.SplitV1Bucket(db)
	params := url.Values{}
	if dbName != "" {
		params.Set("db", dbName)
	}
	if rp != "" {
		params.Set("rp", rp)
	}
	var keys func(string) (MeasurementKeys, error)
	if dbName != "" {
		keyParams := url.Values{}
		for k, v := range params {
			keyParams[k] = v
		}
		keys = func(measurement string) (MeasurementKeys, error) {
			return showKeys(ctx, client, keyParams, measurement)
		}
	}
	params.Set("epoch", "ns")
	params.Set("chunked", "true")
	params.Set("chunk_size", strconv.Itoa(o.chunk))
	var (
		frames  []*frame.Frame
		version string
	)
	err = influxQLRequest(ctx, client, params, q, func(resp *http.Response, body io.Reader) error {
		version = resp.Header.Get("X-Influxdb-Version")
		var err error
		frames, err = DecodeInfluxQL(body, keys, opts...)
		return err
	})
	if err != nil {
		var qe *InfluxQLError
		if errors.As(err, &qe) {
			qe.Hint = influxQLHint(qe.Message, version, dbName, rp)
		}
		return nil, err
	}
	return frames, nil
}

// influxQLHint says how to create what a "not found" message misses.
func influxQLHint(msg, version, db, rp string) string {
	v1 := strings.HasPrefix(strings.TrimPrefix(version, "v"), "1.")
	v2 := strings.HasPrefix(strings.TrimPrefix(version, "v"), "2.") || version == "dev"
	if rp == "" {
		rp = "autogen"
	}
	missingDB := strings.HasPrefix(msg, "database not found")
	missingRP := strings.HasPrefix(msg, "retention policy not found")
	// 2.x answers SHOW statements of an unmapped database so.
	noDefault := strings.HasPrefix(msg, "default retention policy not set")
	switch {
	case !missingDB && !missingRP && !noDefault:
		return ""
	case v2:
		return fmt.Sprintf("InfluxDB 2.x answers InfluxQL only for a database and retention policy mapped to a bucket (DBRP mapping), and none maps %s/%s: "+
			"create the bucket and the mapping with --create-bucket, or map an existing bucket with "+
			"`influx v1 dbrp create --db %s --rp %s --bucket-id <bucket ID> --default`", db, rp, db, rp)
	case v1 && missingDB:
		return fmt.Sprintf("create it with --create-bucket, or with CREATE DATABASE %s", influx.QuoteIdent(db))
	case v1 && missingRP:
		return fmt.Sprintf("create it with CREATE RETENTION POLICY %s ON %s DURATION <duration> REPLICATION 1", influx.QuoteIdent(rp), influx.QuoteIdent(db))
	}
	return ""
}

// influxQLRequest POSTs the query q (as a form, so that its length is not
// limited by the URL's) to /query with params and hands the response body
// to read. Answers other than 2xx are errors: an *InfluxQLError for a 400
// that carries InfluxQL's error (a query that does not parse), else
// "query: " wrapping the client's *http.Error.
func influxQLRequest(ctx context.Context, client influxdb2.Client, params url.Values, q string, read func(*http.Response, io.Reader) error) error {
	svc := client.HTTPService()
	u, err := url.Parse(svc.ServerURL())
	if err != nil {
		return fmt.Errorf("query: server URL: %w", err)
	}
	u = u.JoinPath("query")
	u.RawQuery = params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(url.Values{"q": {q}}.Encode()))
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := svc.DoHTTPRequestWithResponse(req, nil)
	if err != nil {
		return fmt.Errorf("query: %w", influxhttp.NewError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return influxQLStatusError(resp)
	}
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return fmt.Errorf("query: reading response: %w", err)
		}
		defer zr.Close()
		body = zr
	}
	err = read(resp, body)
	// Drain what read left so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	return err
}

// influxQLStatusError builds the error of an answer that is not 2xx.
// InfluxDB 1.x writes {"error": "..."}, 2.x {"code": "...", "message":
// "..."}.
func influxQLStatusError(resp *http.Response) error {
	e := influxhttp.NewError(nil)
	e.StatusCode = resp.StatusCode
	e.Header = resp.Header
	if v, err := strconv.ParseUint(resp.Header.Get("Retry-After"), 10, 32); err == nil {
		e.RetryAfter = uint(v)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var msg struct {
		Error   string `json:"error"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &msg)
	e.Code = msg.Code
	if e.Code == "" {
		e.Code = resp.Status
	}
	switch {
	case msg.Error != "":
		e.Message = msg.Error
	case msg.Message != "":
		e.Message = msg.Message
	case resp.Header.Get("X-Influxdb-Error") != "":
		e.Message = resp.Header.Get("X-Influxdb-Error")
	default:
		e.Message = strings.TrimSpace(string(body))
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode == http.StatusBadRequest && (msg.Error != "" || msg.Message != "") {
		return &InfluxQLError{Statement: -1, Message: e.Message, Err: e}
	}
	return fmt.Errorf("query: %w", e)
}

// showKeys asks for a measurement's field keys (with their types) and tag
// keys.
func showKeys(ctx context.Context, client influxdb2.Client, params url.Values, measurement string) (MeasurementKeys, error) {
	m := influx.QuoteIdent(measurement)
	q := "SHOW FIELD KEYS FROM " + m + "; SHOW TAG KEYS FROM " + m
	var chunks []keysChunk
	err := influxQLRequest(ctx, client, params, q, func(_ *http.Response, body io.Reader) error {
		dec := json.NewDecoder(io.LimitReader(body, 64<<20))
		for {
			var c keysChunk
			if err := dec.Decode(&c); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			chunks = append(chunks, c)
		}
	})
	if err != nil {
		return MeasurementKeys{}, fmt.Errorf("query: keys of measurement %q: %w", measurement, unprefix(err))
	}
	keys := MeasurementKeys{Fields: map[string]string{}}
	for _, c := range chunks {
		if c.Error != "" {
			return MeasurementKeys{}, fmt.Errorf("query: keys of measurement %q: %w", measurement,
				unprefix(&InfluxQLError{Statement: -1, Message: c.Error}))
		}
		for _, r := range c.Results {
			if r.Error != "" {
				return MeasurementKeys{}, fmt.Errorf("query: keys of measurement %q: %w", measurement,
					unprefix(&InfluxQLError{Statement: r.StatementID, Message: r.Error}))
			}
			for _, s := range r.Series {
				for _, row := range s.Values {
					if len(row) == 0 {
						continue
					}
					name, ok := row[0].(string)
					switch {
					case !ok:
					case r.StatementID == 1:
						keys.Tags = append(keys.Tags, name)
					case len(row) >= 2:
						typ, _ := row[1].(string)
						if prev, seen := keys.Fields[name]; seen && prev != typ {
							typ = "" // different types in different shards
						}
						keys.Fields[name] = typ
					}
				}
			}
		}
	}
	return keys, nil
}

// keysChunk is a chunk of the answer to SHOW FIELD KEYS (statement 0) and
// SHOW TAG KEYS (statement 1): a few rows, decoded the plain way.
type keysChunk struct {
	Results []struct {
		StatementID int `json:"statement_id"`
		Series      []struct {
			Values [][]any `json:"values"`
		} `json:"series"`
		Error string `json:"error"`
	} `json:"results"`
	Error string `json:"error"`
}

// unprefix drops the "query: " of an error of this package that is
// wrapped in another.
func unprefix(err error) error {
	if s, ok := strings.CutPrefix(err.Error(), "query: "); ok {
		return prefixless{s, err}
	}
	return err
}

type prefixless struct {
	msg string
	err error
}

func (e prefixless) Error() string { return e.msg }
func (e prefixless) Unwrap() error { return e.err }
