package sink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"

	"github.com/influxframe/influxframe/frame"
	"github.com/influxframe/influxframe/internal/influx"
)

// Conflict is a field of a write whose type differs from the one the server
// already stores for it in the measurement: InfluxDB would refuse every
// point that holds it (a partial write), the very loss this package exists
// to prevent.
type Conflict struct {
	Field  string   `json:"field"`
	Writes string   `json:"writes"` // the type the write sends: "float" or "string"
	Stored []string `json:"stored"` // the types the server holds
	Fix    string   `json:"fix"`    // how to write the file without the conflict
}

// PreflightError lists the conflicts a preflight found, before anything
// was sent.
type PreflightError struct {
	Measurement string
	Conflicts   []Conflict
}

func (e *PreflightError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "preflight: %d field(s) of measurement %q conflict with the types the server already holds; nothing was written:", len(e.Conflicts), e.Measurement)
	for _, c := range e.Conflicts {
		fmt.Fprintf(&b, "\n  %s: this write sends %s, the server holds %s; %s", c.Field, c.Writes, strings.Join(c.Stored, " and "), c.Fix)
	}
	return b.String()
}

// Preflight reads the field types the measurement of a write already has
// in bucket (see influx.FieldTypes: InfluxQL on 1.x, Flux on 2.x) and
// returns every field of s, a normalised schema, whose type would conflict,
// with a fix. measurement replaces the schema's when not empty. Write runs
// it before its first request unless Options.SkipPreflight is set.
func Preflight(ctx context.Context, client influxdb2.Client, org, bucket string, s *frame.Schema, measurement string) ([]Conflict, error) {
	if measurement == "" {
		measurement = s.Measurement
	}
	server, err := influx.Detect(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("sink: preflight: %w", err)
	}
	stored, err := influx.FieldTypes(ctx, client, server, org, bucket, measurement)
	if err != nil {
		return nil, fmt.Errorf("sink: preflight: %w", err)
	}
	var out []Conflict
	for i, c := range s.Columns {
		have, ok := stored[c.Name]
		if c.Role != frame.RoleField || !ok {
			continue
		}
		writes := influx.TypeFloat
		if id := s.Arrow().Field(i).Type.ID(); id == arrow.STRING || id == arrow.LARGE_STRING {
			writes = influx.TypeString
		}
		if len(have) == 1 && have[0] == writes {
			continue
		}
		out = append(out, Conflict{Field: c.Name, Writes: writes, Stored: have, Fix: fixFor(c.Name, writes, have)})
	}
	return out, nil
}

// fixFor says how to write a field without its conflict.
func fixFor(field, writes string, stored []string) string {
	other := "leave it out (--exclude " + field + "), write to another measurement (--measurement NAME), " +
		"or write anyway (--no-preflight): the server then refuses the points in the shards (time ranges) where the type differs, and they go to the rejects file"
	switch {
	case writes == influx.TypeFloat && slices.Equal(stored, []string{influx.TypeString}):
		return "keep it as text with --string-fields " + field + ", " + other
	case writes == influx.TypeString && slices.Equal(stored, []string{influx.TypeFloat}):
		return "it is written as text (--string-fields, or --strings field); write it as a number by leaving it out of those, " + other
	case writes == influx.TypeFloat:
		return "numbers are written as floats; " + other
	}
	return other
}

// preflight runs Preflight for Write, retrying, as Write retries its
// requests, what a server that is restarting or overloaded answers: a
// network error, a 429 or a 5xx.
func preflight(ctx context.Context, client influxdb2.Client, org, bucket string, s *frame.Schema, o *Options) ([]Conflict, error) {
	deadline := time.Now().Add(o.MaxRetryTime)
	for attempt := 1; ; attempt++ {
		conflicts, err := Preflight(ctx, client, org, bucket, s, o.Measurement)
		if err == nil || attempt > o.MaxRetries || !transient(err) {
			return conflicts, err
		}
		var after time.Duration
		var he *http2.Error
		if errors.As(err, &he) {
			after = time.Duration(he.RetryAfter) * time.Second
		}
		delay := o.retryDelay(attempt, after, rand.Int64N)
		if time.Now().Add(delay).After(deadline) {
			return conflicts, err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// transient reports whether err is what a server that is restarting or
// overloaded answers: a network error, a response cut short, a 429 or a
// 5xx.
func transient(err error) bool {
	var he *http2.Error
	if errors.As(err, &he) {
		return classify(he) == vRetry
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}
