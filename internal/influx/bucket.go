package influx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/domain"
)

// SplitV1Bucket splits a 1.x bucket "db/rp" at its first slash into the
// database and the retention policy; "db" alone gives an empty rp (the
// database's default policy), as InfluxDB 1.8's v2 compatibility API reads
// bucket names.
func SplitV1Bucket(bucket string) (db, rp string) {
	db, rp, _ = strings.Cut(bucket, "/")
	return db, rp
}

// EnsureBucket makes sure the bucket exists, creating it when it does not,
// and reports whether it did.
//
// On V2 it looks the bucket up by name in org (an organization name, or an
// ID) with the buckets API and creates it with infinite retention if it is
// missing. On V1 bucket is "db/rp" or "db": a missing database is created
// with CREATE DATABASE (whose default retention policy is autogen); a
// missing retention policy is an error wrapping ErrNotFound (it is not
// created, since its duration would be a guess). The 1.x user and password
// come from the client's token "user:password", sent as basic
// authentication.
//
// Errors are classified (see Classify) and wrap ErrNotFound for a missing
// organization.
func EnsureBucket(ctx context.Context, client influxdb2.Client, server Server, org, bucket string) (created bool, err error) {
	if bucket == "" {
		return false, errors.New("influx: no bucket given")
	}
	switch server.Kind {
	case V1:
		created, err = ensureV1(ctx, client, bucket)
	case V2:
		created, err = ensureV2(ctx, client, org, bucket)
	default:
		return false, fmt.Errorf("influx: unknown server kind %d (call Detect first)", int(server.Kind))
	}
	return created, Classify(err)
}

var orgIDRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

func ensureV2(ctx context.Context, client influxdb2.Client, org, bucket string) (bool, error) {
	if org == "" {
		return false, fmt.Errorf("influx: bucket %q: an org is needed to find or create a bucket on InfluxDB 2.x", bucket)
	}
	o, err := client.OrganizationsAPI().FindOrganizationByName(ctx, org)
	if err != nil && orgIDRE.MatchString(org) && Classify(err) == err {
		if byID, idErr := client.OrganizationsAPI().FindOrganizationByID(ctx, org); idErr == nil {
			o, err = byID, nil
		}
	}
	if err != nil {
		if c := Classify(err); c != err {
			return false, c
		}
		if strings.Contains(err.Error(), "not found") {
			return false, fmt.Errorf("%w: organization %q: %w", ErrNotFound, org, err)
		}
		return false, fmt.Errorf("influx: find organization %q: %w", org, err)
	}
	if o == nil || o.Id == nil {
		return false, fmt.Errorf("%w: organization %q", ErrNotFound, org)
	}
	found, err := v2BucketExists(ctx, client, *o.Id, bucket)
	if err != nil || found {
		return false, err
	}
	if _, err := client.BucketsAPI().CreateBucketWithNameWithID(ctx, *o.Id, bucket); err != nil {
		// Someone else may have created it meanwhile.
		if found, ferr := v2BucketExists(ctx, client, *o.Id, bucket); ferr == nil && found {
			return false, nil
		}
		return false, fmt.Errorf("influx: create bucket %q in organization %q: %w", bucket, org, err)
	}
	return true, nil
}

func v2BucketExists(ctx context.Context, client influxdb2.Client, orgID, bucket string) (bool, error) {
	res, err := client.APIClient().GetBuckets(ctx, &domain.GetBucketsParams{Name: &bucket, OrgID: &orgID})
	if err != nil {
		// 2.0 answers 404 {"code": "not found"} where later versions
		// answer an empty list.
		if strings.HasPrefix(err.Error(), string(domain.ErrorCodeNotFound)+":") {
			return false, nil
		}
		return false, fmt.Errorf("influx: find bucket %q: %w", bucket, err)
	}
	if res.Buckets != nil {
		for _, b := range *res.Buckets {
			if b.Name == bucket {
				return true, nil
			}
		}
	}
	return false, nil
}

func ensureV1(ctx context.Context, client influxdb2.Client, bucket string) (bool, error) {
	db, rp := SplitV1Bucket(bucket)
	if db == "" {
		return false, fmt.Errorf("influx: bucket %q names no database (1.x buckets are db/rp or db)", bucket)
	}
	dbs, err := v1Column(ctx, client, "", "SHOW DATABASES")
	if err != nil {
		return false, err
	}
	created := false
	if !slices.Contains(dbs, db) {
		if _, err := v1Column(ctx, client, "", "CREATE DATABASE "+QuoteIdent(db)); err != nil {
			return false, err
		}
		created = true
	}
	if rp != "" {
		rps, err := v1Column(ctx, client, db, "SHOW RETENTION POLICIES ON "+QuoteIdent(db))
		if err != nil {
			return created, err
		}
		if !slices.Contains(rps, rp) {
			return created, fmt.Errorf("%w: retention policy %q on database %q (create it with CREATE RETENTION POLICY %s ON %s DURATION ... REPLICATION 1)",
				ErrNotFound, rp, db, QuoteIdent(rp), QuoteIdent(db))
		}
	}
	return created, nil
}

// v1Column runs one InfluxQL statement with POST /query and returns the
// first column of its series (the names, for SHOW statements).
func v1Column(ctx context.Context, client influxdb2.Client, db, stmt string) ([]string, error) {
	rows, err := v1Rows(ctx, client, db, stmt)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, row := range rows {
		if len(row) > 0 {
			if name, ok := row[0].(string); ok {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// v1Rows runs one InfluxQL statement with POST /query and returns the rows
// of all its series.
func v1Rows(ctx context.Context, client influxdb2.Client, db, stmt string) ([][]any, error) {
	form := url.Values{"q": {stmt}}
	if db != "" {
		form.Set("db", db)
	}
	u, err := endpoint(client, "query", nil)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.HTTPService().DoHTTPRequestWithResponse(req, v1Auth(client))
	if err != nil {
		return nil, fmt.Errorf("influx: %s: %w", stmt, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("influx: %s: %w", stmt, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("influx: %s: %w", stmt, statusError(resp, body))
	}
	var r struct {
		Results []struct {
			Series []struct {
				Values [][]any `json:"values"`
			} `json:"series"`
			Error string `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("influx: %s: cannot decode the answer: %w", stmt, err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("influx: %s: %s", stmt, r.Error)
	}
	var out [][]any
	for _, res := range r.Results {
		if res.Error != "" {
			return nil, fmt.Errorf("influx: %s: %s", stmt, res.Error)
		}
		for _, s := range res.Series {
			out = append(out, s.Values...)
		}
	}
	return out, nil
}

// v1Auth sends a "user:password" token as basic authentication, which every
// 1.x version understands (1.8 also takes it as "Token user:password").
func v1Auth(client influxdb2.Client) func(*http.Request) {
	tok, ok := strings.CutPrefix(client.HTTPService().Authorization(), "Token ")
	if !ok {
		return nil
	}
	user, pass, ok := strings.Cut(tok, ":")
	if !ok {
		return nil
	}
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}
