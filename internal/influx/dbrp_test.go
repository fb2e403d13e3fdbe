package influx

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/domain"

	"github.com/influxframe/influxframe/internal/testserver"
)

// TestEnsureDBRP maps buckets of a real 2.0.9 server and checks the
// mappings the server lists, and that /query answers for the database.
func TestEnsureDBRP(t *testing.T) {
	srv := testserver.Shared(t, testserver.V2)
	client := srv.Client()
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	mappings := func(t *testing.T, db string) []domain.DBRP {
		t.Helper()
		got, err := listDBRPs(ctx, client, srv.OrgID, db)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	ensure := func(t *testing.T, org, bucket string, wantCreated bool) {
		t.Helper()
		created, err := EnsureDBRP(ctx, client, org, bucket)
		if err != nil {
			t.Fatalf("EnsureDBRP(%q, %q): %v", org, bucket, err)
		}
		if created != wantCreated {
			t.Fatalf("EnsureDBRP(%q, %q) created = %v, want %v", org, bucket, created, wantCreated)
		}
	}

	t.Run("bucket", func(t *testing.T) {
		bucket := srv.NewBucket(t)
		// 2.0.9 answers SELECT with "database not found" and SHOW with
		// "default retention policy not set for".
		if _, err := v1Column(ctx, client, bucket, "SELECT * FROM m"); err == nil || !strings.Contains(err.Error(), "database not found") {
			t.Fatalf("/query before the mapping: %v, want database not found", err)
		}
		ensure(t, srv.Org, bucket, true)
		ensure(t, srv.Org, bucket, false) // idempotent
		ensure(t, srv.OrgID, bucket, false)
		got := mappings(t, bucket)
		if len(got) != 1 {
			t.Fatalf("%d mappings, want 1: %+v", len(got), got)
		}
		if m := got[0]; m.Database != bucket || m.RetentionPolicy != "autogen" || !m.Default || m.OrgID != srv.OrgID || m.BucketID == "" {
			t.Errorf("mapping %+v", m)
		}
		for _, q := range []string{"SELECT * FROM m", "SHOW MEASUREMENTS"} {
			if _, err := v1Column(ctx, client, bucket, q); err != nil {
				t.Errorf("/query %s after the mapping: %v", q, err)
			}
		}
	})

	t.Run("db/rp", func(t *testing.T) {
		db := "db_" + strings.ReplaceAll(srv.NewBucket(t), "-", "_")
		for _, b := range []string{db + "/one", db + "/two"} {
			if err := srv.CreateBucket(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		ensure(t, srv.Org, db+"/one", true)
		ensure(t, srv.Org, db+"/two", true)
		ensure(t, srv.Org, db+"/two", false)
		def := map[string]bool{}
		for _, m := range mappings(t, db) {
			def[m.RetentionPolicy] = m.Default
		}
		if len(def) != 2 || !def["one"] || def["two"] {
			t.Errorf("defaults by retention policy %v, want one the default and two not", def)
		}
	})

	t.Run("conflict", func(t *testing.T) {
		// "b" and "b/autogen" both name database b, retention policy
		// autogen: the second cannot be mapped too.
		bucket := srv.NewBucket(t)
		if err := srv.CreateBucket(ctx, bucket+"/autogen"); err != nil {
			t.Fatal(err)
		}
		ensure(t, srv.Org, bucket, true)
		_, err := EnsureDBRP(ctx, client, srv.Org, bucket+"/autogen")
		if err == nil || !strings.Contains(err.Error(), "already maps to bucket ID") {
			t.Errorf("err = %v, want already maps", err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, org, bucket string
			notFound          bool
			want              string
		}{
			{name: "missing bucket", org: srv.Org, bucket: "no-such-bucket", notFound: true, want: "--create-bucket"},
			{name: "missing org", org: "no-such-org", bucket: srv.Bucket, notFound: true, want: "organization"},
			{name: "no org", org: "", bucket: srv.Bucket, want: "an org is needed"},
			{name: "no database", org: srv.Org, bucket: "/rp", want: "names no database"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				created, err := EnsureDBRP(ctx, client, tc.org, tc.bucket)
				if err == nil || created {
					t.Fatalf("created %v, err %v", created, err)
				}
				if errors.Is(err, ErrNotFound) != tc.notFound {
					t.Errorf("errors.Is(%v, ErrNotFound) = %v", err, !tc.notFound)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want %q in it", err, tc.want)
				}
			})
		}
	})

	t.Run("unauthorized", func(t *testing.T) {
		bad := srv.Client()
		defer bad.Close()
		bad.HTTPService().SetAuthorization("Token wrong")
		_, err := EnsureDBRP(ctx, bad, srv.Org, srv.Bucket)
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("err = %v, want ErrUnauthorized", err)
		}
	})
}
