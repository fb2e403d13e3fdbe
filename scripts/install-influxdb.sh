#!/usr/bin/env bash
# Installs InfluxDB 1.8.10's influxd, built from source with the Go module
# proxy, into the user's cache (shared by every clone on this machine) and
# links it into .bin/ of the repository. Does nothing when it is already
# there. Prints the binary's path.
set -euo pipefail

version=1.8.10
cache="${INFLUXFRAME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/influxframe}"
dir="$cache/influxdb-$version"
bin="$dir/influxd"
root="$(cd "$(dirname "$0")/.." && pwd)"

if [[ ! -x "$bin" ]]; then
	echo "install-influxdb: building influxd $version into $dir (about 3 minutes on a bare machine)" >&2
	mkdir -p "$dir"
	tmp="$(mktemp -d "$dir/build.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	# Build outside the repository so its go.mod does not interfere.
	(cd "$tmp" && GOBIN="$tmp" GOFLAGS=-mod=mod go install -ldflags "-X main.version=$version" "github.com/influxdata/influxdb/cmd/influxd@v$version")
	mv "$tmp/influxd" "$bin"
fi
mkdir -p "$root/.bin"
ln -sfn "$bin" "$root/.bin/influxd-$version"
echo "$bin"
