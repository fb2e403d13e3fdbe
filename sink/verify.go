package sink

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/influxframe/influxframe/internal/influx"
)

// FieldCheck is one field's count: the values written (acknowledged by
// the server), and the values the server holds for the measurement over
// the write's time range.
type FieldCheck struct {
	Field         string
	Written, Held int64
}

// VerifyError reports the fields of which the server holds fewer values
// than were written: points that overwrote one another (the same series
// and time), or were lost on the way.
type VerifyError struct {
	Input  string
	Fields []FieldCheck // every field counted; Short() are those that fall short
}

// Short returns the fields whose count falls short.
func (e *VerifyError) Short() []FieldCheck {
	var out []FieldCheck
	for _, f := range e.Fields {
		if f.Held < f.Written {
			out = append(out, f)
		}
	}
	return out
}

func (e *VerifyError) Error() string {
	var parts []string
	for _, f := range e.Short() {
		parts = append(parts, fmt.Sprintf("%s: %d of %d", f.Field, f.Held, f.Written))
	}
	return fmt.Sprintf("%s: verify: the server holds fewer values than were written (%s)", e.Input, strings.Join(parts, "; "))
}

// Verify counts back, for each field of st.Fields, the values the server
// holds for st.Measurement over [st.MinTime, st.MaxTime], and returns them
// with a *VerifyError when one falls short. More values than written pass:
// the range may hold data written before. Nothing is counted for a write
// that counted no fields (a line-protocol input).
func Verify(ctx context.Context, client influxdb2.Client, org, bucket string, st Stats) ([]FieldCheck, error) {
	if len(st.Fields) == 0 {
		return nil, nil
	}
	held, err := influx.CountFields(ctx, client, org, bucket, st.Measurement,
		time.Unix(0, st.MinTime), time.Unix(0, st.MaxTime))
	if err != nil {
		return nil, fmt.Errorf("sink: verify: %w", err)
	}
	var checks []FieldCheck
	for f, n := range st.Fields {
		checks = append(checks, FieldCheck{Field: f, Written: n, Held: held[f]})
	}
	sort.Slice(checks, func(i, j int) bool { return checks[i].Field < checks[j].Field })
	ve := &VerifyError{Input: st.Input, Fields: checks}
	if len(ve.Short()) > 0 {
		return checks, ve
	}
	return checks, nil
}
