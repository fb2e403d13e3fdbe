package pipeline

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/internal/influx"
)

// FieldCheck is one field's count: values in the points built, and values
// the server holds for the measurement in the import's time range.
type FieldCheck struct {
	Field       string
	Built, Held int64
}

// Verification is the result of Verify.
type Verification struct {
	File   string
	Fields []FieldCheck
	// Slack is the number of points the import did not write (refused,
	// not sent, skipped): each can lower a field's count by one, so a
	// field passes with Held >= Built - Slack. Zero makes the check exact.
	Slack int64
}

// Short returns the fields whose count falls short.
func (v *Verification) Short() []FieldCheck {
	var out []FieldCheck
	for _, f := range v.Fields {
		if f.Held < f.Built-v.Slack {
			out = append(out, f)
		}
	}
	return out
}

// VerifyError reports fields with fewer values on the server than the
// import wrote: points lost on the way, or overwritten (same series and
// time) by one another or by data already there.
type VerifyError struct{ V *Verification }

func (e *VerifyError) Error() string {
	var parts []string
	for _, f := range e.V.Short() {
		parts = append(parts, fmt.Sprintf("%s: %d of %d", f.Field, f.Held, f.Built-e.V.Slack))
	}
	return fmt.Sprintf("%s: verify: the server holds fewer values than were written (%s)", e.V.File, strings.Join(parts, "; "))
}

// Verify counts back, for each field written from res, the values the
// server holds for the measurement in the import's time range, and
// returns a *VerifyError when one falls short. More values than written
// pass: the range may hold earlier data. Line-protocol inputs are not
// verified (their fields are not counted on the way in).
func Verify(ctx context.Context, client influxdb2.Client, org, bucket string, res *FileResult) (*Verification, error) {
	v := &Verification{File: res.File, Slack: res.PointsRejected + res.Skipped}
	if res.Expected == nil || res.built == 0 {
		return v, nil
	}
	held, err := influx.CountFields(ctx, client, org, bucket, res.Report.Measurement,
		time.Unix(0, res.MinTime), time.Unix(0, res.MaxTime))
	if err != nil {
		return v, err
	}
	for f, n := range res.Expected {
		if n > 0 {
			v.Fields = append(v.Fields, FieldCheck{Field: f, Built: n, Held: held[f]})
		}
	}
	sort.Slice(v.Fields, func(i, j int) bool { return v.Fields[i].Field < v.Fields[j].Field })
	if len(v.Short()) > 0 {
		return v, &VerifyError{V: v}
	}
	return v, nil
}
