#!/usr/bin/env bash
# Query benchmark against a real server: imports a generated taxi-like
# file (ROWS rows, default 1000000; 4 series: one low-cardinality tag) into
# InfluxDB (KIND, default 1.8.10) started on a free loopback port in a
# temporary folder, then
#   - records the pivoted Flux response and an InfluxQL response with curl
#     (the floor: what the server takes to answer),
#   - times `influxframe query --out` for .csv, .arrow, .arrows, .parquet
#     (seconds, MB/s of output, peak RSS),
#   - times Flux's pivot() against the client-side --pivot,
#   - and runs the Go benchmarks that decode the recorded responses.
# `make bench` runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rows="${ROWS:-1000000}"
kind="${KIND:-1.8.10}"
go build -o bin/influxframe ./cmd/influxframe
go build -o bin/influxserver ./internal/tools/influxserver
go build -o bin/gentaxi ./internal/tools/gentaxi
mkdir -p out/bench
data="out/bench/taxi-$rows.csv"
[[ -s "$data" ]] || bin/gentaxi -rows "$rows" -mixed=false -out "$data"
# shellcheck source=scripts/lib-server.sh
source scripts/lib-server.sh
need /usr/bin/time:time curl:curl python3:python3
start_server "$kind"
export INFLUXDB_V2_TOKEN="$INFLUX_TOKEN"
conn=(--url "$INFLUX_URL" --bucket "$INFLUX_BUCKET")
[[ -n "$INFLUX_ORG" ]] && conn+=(--org "$INFLUX_ORG")
auth=()
[[ -n "$INFLUX_TOKEN" ]] && auth=(-H "Authorization: Token $INFLUX_TOKEN")

echo "importing $rows rows into InfluxDB $kind (4 series)" >&2
bin/influxframe import "${conn[@]}" --tags payment_type --duplicates offset --measurement taxi \
	--progress never --rejects "$tmp/rej.lp" "$data" 2>&1 | grep -E "rows read" >&2

range='range(start: 2018-01-01T00:00:00Z, stop: 2030-01-01T00:00:00Z)'
long="from(bucket: \"$INFLUX_BUCKET\") |> $range |> filter(fn: (r) => r._measurement == \"taxi\")"
pivoted="$long |> pivot(rowKey: [\"_time\"], columnKey: [\"_field\"], valueColumn: \"_value\")"

# seconds runs a command and prints its wall time and peak RSS (MB).
seconds() {
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	awk '{printf "%.2f s, peak RSS %.0f MB", $1, $2 / 1024}' "$tmp/time"
}

flux_body() {
	python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "type": "flux", "dialect": {"annotations": ["datatype", "group", "default"]}}))' "$1"
}
q="org=$INFLUX_ORG"
flux_body "$pivoted" >"$tmp/pivoted.json"
echo "curl, pivoted Flux response: $(seconds curl -sf "${auth[@]}" -H 'Content-Type: application/json' \
	-H 'Accept: application/csv' --data @"$tmp/pivoted.json" -o out/bench/flux-pivot.csv "$INFLUX_URL/api/v2/query?$q")" \
	"($(($(stat -c %s out/bench/flux-pivot.csv) / 1000000)) MB)"
db="$INFLUX_BUCKET"
echo "curl, InfluxQL response: $(seconds curl -sf "${auth[@]}" -G --data-urlencode "db=$db" \
	--data-urlencode 'q=SELECT * FROM "taxi"' --data-urlencode epoch=ns --data-urlencode chunked=true \
	-o out/bench/influxql.json "$INFLUX_URL/query")" \
	"($(($(stat -c %s out/bench/influxql.json) / 1000000)) MB)"

for ext in csv arrow arrows parquet; do
	r=$(seconds bin/influxframe query "${conn[@]}" --out "$tmp/x.$ext" "$pivoted")
	echo "influxframe query --out .$ext (Flux pivot): $r, $(($(stat -c %s "$tmp/x.$ext") / 1000000)) MB written"
done
echo "influxframe query --out .arrow, Flux's pivot(): $(seconds bin/influxframe query "${conn[@]}" --out "$tmp/a.arrow" "$pivoted")"
echo "influxframe query --out .arrow, client --pivot: $(seconds bin/influxframe query "${conn[@]}" --pivot --out "$tmp/b.arrow" "$long")"

INFLUXFRAME_FLUX_RESPONSE="$root/out/bench/flux-pivot.csv" INFLUXFRAME_INFLUXQL_RESPONSE="$root/out/bench/influxql.json" \
	go test -run '^$' -bench 'Recorded' -benchtime 3x ./query/
