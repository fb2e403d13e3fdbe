#!/usr/bin/env bash
# The main job, end to end: start a local InfluxDB 1.8.10 in a temporary
# folder, validate and import the taxi sample, query it back with a pivot,
# export it to CSV and Arrow, and stop the server. Run it with `make demo`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
go build -o bin/influxframe ./cmd/influxframe
go build -o bin/influxserver ./internal/tools/influxserver
cli="$root/bin/influxframe"
out="$root/out/demo"
mkdir -p "$out"
rm -f "$out"/*
# shellcheck source=scripts/lib-server.sh
source scripts/lib-server.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "starting InfluxDB 1.8.10 on a free loopback port in $tmp"
start_server 1.8.10
echo "server at $INFLUX_URL"

sample=testdata/taxi_sample.csv
schema=(--tags dispatching_base_num,store_and_fwd_flag --string-fields dropoff_datetime --measurement taxi)

step "validate $sample: congestion_surcharge mixes numbers and 'N/A', so the default policy refuses it"
set +e
"$cli" validate "${schema[@]}" "$sample"
code=$?
set -e
echo "(exit code $code: data problem, nothing would be written)"
[[ $code -eq 3 ]] || { echo "demo: expected exit code 3 from validate" >&2; exit 1; }

step "import with --mixed drop: the column is dropped and reported, every other value is written"
"$cli" import --url "$INFLUX_URL" --bucket demo --create-bucket "${schema[@]}" --mixed drop \
	--report "$out/report.json" --rejects "$out/taxi.rejected.lp" "$sample"

flux='from(bucket: "demo")
  |> range(start: 2019-01-01T00:00:00Z, stop: 2019-01-03T00:00:00Z)
  |> filter(fn: (r) => r._measurement == "taxi")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> drop(columns: ["_start", "_stop", "_measurement"])'
echo "$flux" >"$out/taxi.flux"

step "query it back with a Flux pivot (first rows)"
"$cli" query --url "$INFLUX_URL" --max-rows 5 "@$out/taxi.flux"

step "export the query result"
"$cli" query --url "$INFLUX_URL" --out "$out/taxi.csv" "@$out/taxi.flux"
"$cli" query --url "$INFLUX_URL" --out "$out/taxi.arrow" "@$out/taxi.flux"
rows=$(($(wc -l <"$out/taxi.csv") - 1))
echo "exported $rows rows (the sample has $(($(wc -l <"$sample") - 1)))"

step "plot the mean fare and tip per quarter hour"
plotflux='// Mean fare and tip per quarter hour, taxi sample, 1 January 2019
from(bucket: "demo")
  |> range(start: 2019-01-01T00:00:00Z, stop: 2019-01-01T09:00:00Z)
  |> filter(fn: (r) => r._measurement == "taxi" and (r._field == "fare_amount" or r._field == "tip_amount"))
  |> group(columns: ["_measurement", "_field", "store_and_fwd_flag"])
  |> aggregateWindow(every: 15m, fn: mean, createEmpty: false)'
"$cli" query --url "$INFLUX_URL" --plot "$out/taxi.png" "$plotflux"

step "files"
ls -l "$out"
echo
echo "report:   $out/report.json"
echo "CSV:      $out/taxi.csv"
echo "Arrow:    $out/taxi.arrow"
echo "plot:     $out/taxi.png"
echo "stopping the server"
