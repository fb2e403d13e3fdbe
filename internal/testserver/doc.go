// Package testserver runs real InfluxDB servers for tests, benchmarks and
// the demo: 1.8.10 and 2.0.9, built from source by `make servers` into
// CacheDir()/influxdb-<version>/influxd (or the binaries named by
// $INFLUXFRAME_INFLUXD_1 and $INFLUXFRAME_INFLUXD_2).
//
// A test calls Run, which starts a fresh server in t.TempDir() and stops it
// at the end of the test, skipping the test when the binary is missing
// (failing when CI=true):
//
//	for _, kind := range testserver.Kinds {
//		t.Run(string(kind), func(t *testing.T) {
//			srv := testserver.Run(t, kind)
//			client := srv.Client()
//			defer client.Close()
//			... write to srv.Org / srv.Bucket, query back ...
//		})
//	}
//
// Starting a server costs seconds of CPU (about 5 for 1.8 and 10 for 2.0.9
// on two cores, more under load: both compile Flux's standard library), so
// a package with many server tests shares one per kind: TestMain calls
// Main, tests call Shared and take a bucket of their own with
// Server.NewBucket. Start and Stop run a server outside of tests (the
// influxserver tool); StartWithOptions and RunWithOptions can turn
// authentication on for 1.8 (Options.Auth).
//
// Each server listens on free loopback ports, keeps its data, config and
// log (influxd.log) in its directory, and runs in its own process group;
// Stop sends SIGTERM, then SIGKILL after five seconds, and waits.
//
// A 1.8 server has authentication disabled, Flux enabled and a database
// "test" (Server.Bucket; Org and Token empty). A 2.0.9 server is onboarded
// with a random org, bucket, user, password and operator token.
package testserver
