package influx

import (
	"context"
	"fmt"
	"strings"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/domain"
)

// DefaultRetentionPolicy is the retention policy that EnsureDBRP maps when
// the bucket names none, as InfluxDB 1.x names a new database's.
const DefaultRetentionPolicy = "autogen"

// EnsureDBRP makes sure that InfluxQL queries of a database reach the
// InfluxDB 2.x bucket of that name, creating the DBRP mapping (database and
// retention policy to bucket) that 2.x's /query endpoint needs when it is
// missing, and reports whether it did. Call it on V2 only (1.x has no
// mappings).
//
// bucket is the bucket's name, which also names the database and retention
// policy as the bucket flag does for 1.x: "db/rp" maps database db and
// retention policy rp, "db" maps db and autogen. org is an organization
// name or ID. The mapping is the database's default (queries without rp
// use it) unless another mapping of the database already is.
//
// It finds the bucket in org (ErrNotFound when it is missing), lists the
// organization's mappings of the database with GET /api/v2/dbrps, and
// creates one with POST /api/v2/dbrps only when none maps the retention
// policy, so that it is idempotent. A mapping of the same database and
// retention policy to another bucket is an error. Errors are classified
// (see Classify).
func EnsureDBRP(ctx context.Context, client influxdb2.Client, org, bucket string) (created bool, err error) {
	created, err = ensureDBRP(ctx, client, org, bucket)
	return created, Classify(err)
}

func ensureDBRP(ctx context.Context, client influxdb2.Client, org, bucket string) (bool, error) {
	db, rp := SplitV1Bucket(bucket)
	switch {
	case db == "":
		return false, fmt.Errorf("influx: bucket %q names no database", bucket)
	case org == "":
		return false, fmt.Errorf("influx: bucket %q: an org is needed to map a database to a bucket on InfluxDB 2.x", bucket)
	}
	if rp == "" {
		rp = DefaultRetentionPolicy
	}
	orgID, err := findOrgID(ctx, client, org)
	if err != nil {
		return false, err
	}
	bucketID, err := findBucketID(ctx, client, orgID, org, bucket)
	if err != nil {
		return false, err
	}
	existing, err := listDBRPs(ctx, client, orgID, db)
	if err != nil {
		return false, err
	}
	def := true
	for _, m := range existing {
		if m.RetentionPolicy == rp {
			if m.BucketID != bucketID {
				return false, fmt.Errorf("influx: database %q retention policy %q already maps to bucket ID %s, not to bucket %q (%s)",
					db, rp, m.BucketID, bucket, bucketID)
			}
			return false, nil
		}
		if m.Default {
			def = false
		}
	}
	_, err = client.APIClient().PostDBRP(ctx, &domain.PostDBRPAllParams{Body: domain.PostDBRPJSONRequestBody{
		BucketID:        bucketID,
		OrgID:           &orgID,
		Database:        db,
		RetentionPolicy: rp,
		Default:         &def,
	}})
	if err != nil {
		// Someone else may have created it meanwhile.
		if again, lerr := listDBRPs(ctx, client, orgID, db); lerr == nil {
			for _, m := range again {
				if m.RetentionPolicy == rp && m.BucketID == bucketID {
					return false, nil
				}
			}
		}
		return false, fmt.Errorf("influx: map database %q retention policy %q to bucket %q: %w", db, rp, bucket, err)
	}
	return true, nil
}

// findOrgID returns the ID of the organization named org, or of the one
// whose ID is org.
func findOrgID(ctx context.Context, client influxdb2.Client, org string) (string, error) {
	o, err := client.OrganizationsAPI().FindOrganizationByName(ctx, org)
	if err != nil && orgIDRE.MatchString(org) && Classify(err) == err {
		if byID, idErr := client.OrganizationsAPI().FindOrganizationByID(ctx, org); idErr == nil {
			o, err = byID, nil
		}
	}
	if err != nil {
		if c := Classify(err); c != err {
			return "", c
		}
		if strings.Contains(err.Error(), "not found") {
			return "", fmt.Errorf("%w: organization %q: %w", ErrNotFound, org, err)
		}
		return "", fmt.Errorf("influx: find organization %q: %w", org, err)
	}
	if o == nil || o.Id == nil {
		return "", fmt.Errorf("%w: organization %q", ErrNotFound, org)
	}
	return *o.Id, nil
}

// findBucketID returns the ID of the bucket named bucket in the
// organization.
func findBucketID(ctx context.Context, client influxdb2.Client, orgID, org, bucket string) (string, error) {
	res, err := client.APIClient().GetBuckets(ctx, &domain.GetBucketsParams{Name: &bucket, OrgID: &orgID})
	if err != nil && !strings.HasPrefix(err.Error(), string(domain.ErrorCodeNotFound)+":") {
		return "", fmt.Errorf("influx: find bucket %q: %w", bucket, err)
	}
	// 2.0 answers 404 {"code": "not found"} where later versions answer an
	// empty list.
	if err == nil && res.Buckets != nil {
		for _, b := range *res.Buckets {
			if b.Name == bucket && b.Id != nil {
				return *b.Id, nil
			}
		}
	}
	return "", fmt.Errorf("%w: bucket %q in organization %q (create it with --create-bucket)", ErrNotFound, bucket, org)
}

// listDBRPs returns the organization's mappings of database db.
func listDBRPs(ctx context.Context, client influxdb2.Client, orgID, db string) ([]domain.DBRP, error) {
	res, err := client.APIClient().GetDBRPs(ctx, &domain.GetDBRPsParams{OrgID: &orgID, Db: &db})
	if err != nil {
		return nil, fmt.Errorf("influx: list the DBRP mappings of database %q: %w", db, err)
	}
	if res == nil || res.Content == nil {
		return nil, nil
	}
	return *res.Content, nil
}
