// Package influx is influxframe's connection plumbing: settings, the client,
// the server's kind, buckets, and safe quoting for the few InfluxQL and Flux
// statements the tool builds itself.
//
// The data model is Settings (URL, org, token, bucket, timeout, TLS, proxy,
// default tags), read the way influxdb-client-python reads them, so that its
// config.ini and INFLUXDB_V2_* variables work unchanged. The call order is:
//
//	s, err := influx.Load(influx.Sources{ // flag > environment > config file > default
//		ConfigFile: path, Environ: os.Environ(), Flags: flags, Set: influx.ChangedFlags(fs.Changed),
//	})
//	client, err := influx.NewClient(s)    // the client library's influxdb2.Client
//	defer client.Close()
//	srv, err := influx.Detect(ctx, client) // V1 (1.x) or V2 (2.x, Cloud), and the version
//	created, err := influx.EnsureBucket(ctx, client, srv, s.Org, s.Bucket) // only if asked to create
//
// after which the public packages (sink, query) take the client, org and
// bucket. On 1.x the bucket is "db/rp" or "db" (SplitV1Bucket), the token
// "user:password" or empty, and the org is ignored.
//
// The token is a secret: Settings print it as "***" in every form (String,
// every fmt verb, JSON, slog), and no error of this package holds it;
// config-file errors do not quote lines, which could hold it.
//
// Errors: *ConfigError for bad settings (file, line, key; wraps ErrConfig);
// ErrUnauthorized and ErrUnreachable for a server that refuses the
// credentials or cannot be reached, which Classify also derives from any
// error of the client library, so that the CLI can map them to exit code 1
// with a clear message; ErrNotFound for a missing organization or retention
// policy.
package influx
