#!/usr/bin/env bash
# Fetches csv-spectrum 2.0.0 (CSV edge cases with the JSON each must read
# as, published on npm) into the cache folder the test servers live in,
# once per machine: frame's TestCSVSpectrum reads it. `make test` runs it.
set -euo pipefail
cache="${INFLUXFRAME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/influxframe}"
dir="$cache/csv-spectrum"
[[ -f "$dir/package/csvs/simple.csv" ]] && exit 0
url=https://registry.npmjs.org/csv-spectrum/-/csv-spectrum-2.0.0.tgz
sum=002a6a938bf51ceb26af7b760f5c1b54baca4820b0e9142f135619210c93d021
mkdir -p "$dir"
tgz="$dir/csv-spectrum-2.0.0.tgz"
echo "fetching csv-spectrum 2.0.0 into $dir" >&2
if command -v curl >/dev/null 2>&1; then
	curl -sSfL --retry 3 -o "$tgz.part" "$url"
elif command -v npm >/dev/null 2>&1; then
	(cd "$dir" && npm pack --silent csv-spectrum@2.0.0 >/dev/null && mv csv-spectrum-2.0.0.tgz "$tgz.part")
else
	python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$url" "$tgz.part"
fi
echo "$sum  $tgz.part" | sha256sum -c --quiet -
mv "$tgz.part" "$tgz"
rm -rf "$dir/package"
tar -xzf "$tgz" -C "$dir"
