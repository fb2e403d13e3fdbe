#!/usr/bin/env bash
# End-to-end import benchmark against a real server: generates a taxi-like
# CSV file (ROWS rows, default 1000000; the data is not committed), starts
# InfluxDB (KIND, default 1.8.10) on a free loopback port in a temporary
# folder, and imports the file with the CLI, reporting rows/s and the peak
# resident memory of the import. `make bench` runs it for both servers, and
# the in-process Go benchmark BenchmarkImportE2E.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rows="${ROWS:-1000000}"
kind="${KIND:-1.8.10}"
mode="${MODE:-batching}"
go build -o bin/influxframe ./cmd/influxframe
go build -o bin/influxserver ./internal/tools/influxserver
go build -o bin/gentaxi ./internal/tools/gentaxi
mkdir -p out/bench
data="out/bench/taxi-$rows.csv"
[[ -s "$data" ]] || bin/gentaxi -rows "$rows" -mixed=false -out "$data"
# shellcheck source=scripts/lib-server.sh
source scripts/lib-server.sh
need /usr/bin/time:time
start_server "$kind"
export INFLUXDB_V2_TOKEN="$INFLUX_TOKEN"
args=(import --url "$INFLUX_URL" --bucket "$INFLUX_BUCKET" --mode "$mode"
	--tags dispatching_base_num,store_and_fwd_flag --string-fields dropoff_datetime
	--measurement bench --rejects "$tmp/rej.lp" "$data")
[[ -n "$INFLUX_ORG" ]] && args+=(--org "$INFLUX_ORG")
size=$(stat -c %s "$data")
echo "importing $rows rows ($((size / 1000000)) MB) into InfluxDB $kind, mode $mode, $(nproc) CPUs" >&2
start=$(date +%s.%N)
if [[ -x /usr/bin/time ]]; then
	/usr/bin/time -v bin/influxframe "${args[@]}" 2>"$tmp/import.err" || { cat "$tmp/import.err" >&2; exit 1; }
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/import.err")
else
	# Without GNU time, sample the process's peak RSS (VmHWM) while it runs.
	bin/influxframe "${args[@]}" 2>"$tmp/import.err" &
	pid=$!
	rss=0
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[[ -n "$v" && "$v" -gt "$rss" ]] && rss=$v
		sleep 0.05
	done
	wait "$pid" || { cat "$tmp/import.err" >&2; exit 1; }
fi
end=$(date +%s.%N)
grep -E "rows read|requests" "$tmp/import.err" >&2
awk -v r="$rows" -v s="$start" -v e="$end" -v m="$rss" -v b="$size" 'BEGIN {
	t = e - s
	printf "BenchmarkImportCLI/%s rows=%d seconds=%.2f rows/s=%.0f MB/s=%.1f peak-rss-MB=%.1f\n", "'"$kind"'", r, t, r / t, b / t / 1e6, m / 1024
}'
