#!/usr/bin/env bash
# The comparison of issue 14 in one run: influxframe import against the
# ceiling a real server sets (raw, pre-encoded line protocol posted by
# bin/rawpost), against the naive client-library importer
# (bin/naiveimport) on an endpoint that discards what it gets (bin/discard),
# and against the least work that turns the CSV into line protocol
# (bin/csvloop); then the peak memory of influxframe import at ROWS and BIG
# rows. It prints a Markdown table with the ratios and the commands it ran.
#
#   scripts/bench-compare.sh                       # 1M rows, then 10M for memory
#   ROWS=200000 BIG=0 scripts/bench-compare.sh     # a quick run, no 10M file
#
# Environment (defaults in brackets):
#   ROWS [1000000]   rows of the taxi-like file (17 columns: gentaxi -wide)
#   BIG [10000000]   rows of the memory run against the discarding endpoint;
#                    0 skips it (the file is ~0.94 GB at 10M rows)
#   KIND [1.8.10]    the real server (bin/influxserver; 2.0.9 works too)
#   WORKERS [2]      writer goroutines, of influxframe and rawpost
#   BATCH [5000]     lines per request, of all three writers
#   PRECISION [ns]   timestamp precision of every writer
#   REPEAT [1]       runs of each measurement; the fastest is reported
#   IDLE [0.80]      before each timed run, wait (at most 30 s) until this
#                    fraction of the CPU was idle over one second
#
# Every real-server measurement runs on a freshly started server with an
# empty data folder (so no run pays for an earlier one's compactions or
# in-memory index) and writes to a database of its own; afterwards the
# points are counted back (SELECT count(fare_amount)) and must equal ROWS.
# On the discarding endpoint its line count must equal ROWS. The generated
# files go to out/bench/ (git-ignored) and are reused by later runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rows="${ROWS:-1000000}"
big="${BIG:-10000000}"
kind="${KIND:-1.8.10}"
workers="${WORKERS:-2}"
batch="${BATCH:-5000}"
prec="${PRECISION:-ns}"
repeat="${REPEAT:-1}"
idle_min="${IDLE:-0.80}"

for t in influxserver gentaxi rawpost naiveimport discard csvloop; do
	go build -o "bin/$t" "./internal/tools/$t"
done
go build -o bin/influxframe ./cmd/influxframe

# shellcheck source=scripts/lib-server.sh
source scripts/lib-server.sh
need /usr/bin/time:time curl:curl jq:jq
discard_pid=""
trap 'if [[ -n "$discard_pid" ]]; then kill "$discard_pid" 2>/dev/null || true; fi; cleanup' EXIT

mkdir -p out/bench
data="out/bench/taxi17-$rows.csv"
[[ -s "$data" ]] || bin/gentaxi -rows "$rows" -mixed=false -wide -out "$data"

# The schema of every writer: the seed's three location/payment tags (hi)
# or payment_type alone (lo); the three text columns as string fields;
# every other column a float field.
hi_tags="PULocationID,DOLocationID,payment_type"
lo_tags="payment_type"
strings="dispatching_base_num,dropoff_datetime,store_and_fwd_flag"
schema=(--measurement taxi --time-column pickup_datetime --strings field --precision "$prec")
write=(--mode batching --workers "$workers" --batch-size "$batch" --progress never)

# The raw poster's input: exactly what influxframe writes (not timed).
for card in hi lo; do
	lp="out/bench/taxi17-$rows-$card-$prec.lp"
	tags="${card}_tags"
	[[ -s "$lp" ]] || bin/influxframe import --dry-run "${schema[@]}" --tags "${!tags}" --progress never \
		"$data" >"$lp" 2>"$tmp/dry-$card.err" || { cat "$tmp/dry-$card.err" >&2; exit 1; }
	n=$(wc -l <"$lp")
	[[ "$n" -eq "$rows" ]] || { echo "bench-compare: $lp has $n lines, want $rows" >&2; exit 1; }
done

cmds=() # the commands, for the report

# shown CMD...: one command line, arguments single-quoted where the shell
# needs it.
shown() {
	local a out=()
	for a in "$@"; do
		if [[ "$a" =~ ^[A-Za-z0-9_./:,=@%+-]+$ ]]; then
			out+=("$a")
		else
			out+=("'${a//\'/\'\\\'\'}'")
		fi
	done
	printf '%s' "${out[*]}"
}

declare -A wall cpu rss srvcpu other note
hz=$(getconf CLK_TCK)

# wait_idle waits until idle_min of the CPU was idle over one second.
wait_idle() {
	local i a b
	for i in $(seq 1 30); do
		a=$(awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
		sleep 1
		b=$(awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
		if awk -v a="$a" -v b="$b" -v m="$idle_min" 'BEGIN { split(a, x, " "); split(b, y, " ");
			exit !((y[1] - x[1]) / (y[2] - x[2] + 1e-9) >= m) }'; then
			return
		fi
		[[ $i -ne 1 ]] || echo "  (waiting for the CPU to be idle: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	done
	echo "  (the CPU is still busy, measuring anyway: load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
}

# server_ticks prints the CPU ticks (user+system) the discarding endpoint
# or else influxd has used, or nothing when neither runs.
server_ticks() {
	local pid=""
	if [[ -n "$discard_pid" ]]; then
		pid=$discard_pid
	elif [[ -n "$server_pid" ]]; then
		pid=$(pgrep -P "$INFLUX_PID" | head -1)
	fi
	[[ -n "$pid" ]] && awk '{print $14 + $15}' "/proc/$pid/stat"
	return 0
}

# busy_ticks prints the CPU ticks the whole machine has been busy.
busy_ticks() {
	awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# fresh_server (re)starts the real server with an empty data folder.
fresh_server() {
	if [[ -n "$server_pid" ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
	rm -rf "$tmp/server" "$tmp/server.env"
	start_server "$kind"
	export INFLUXDB_V2_TOKEN="$INFLUX_TOKEN"
}

# server_count DB prints the points of measurement taxi in DB.
server_count() {
	curl -sfG "$INFLUX_URL/query" --data-urlencode "db=$1" \
		--data-urlencode "q=SELECT count(fare_amount) FROM taxi" | jq -r '.results[0].series[0].values[0][1] // 0'
}

# server_series DB prints the series cardinality of DB.
server_series() {
	curl -sfG "$INFLUX_URL/query" --data-urlencode "db=$1" \
		--data-urlencode "q=SHOW SERIES EXACT CARDINALITY" | jq -r '[.results[0].series[]?.values[0][0]] | add // 0'
}

# start_discard starts bin/discard and sources its DISCARD_URL.
start_discard() {
	rm -f "$tmp/discard.env"
	bin/discard >"$tmp/discard.env" 2>"$tmp/discard.err" &
	discard_pid=$!
	for _ in $(seq 1 100); do
		grep -q '^DISCARD_PID=' "$tmp/discard.env" 2>/dev/null && break
		sleep 0.05
	done
	# shellcheck disable=SC1091
	source "$tmp/discard.env"
}

# stop_discard stops it and sources its DISCARD_LINES and DISCARD_REQUESTS.
stop_discard() {
	kill -TERM "$discard_pid"
	wait "$discard_pid" || true
	discard_pid=""
	# shellcheck disable=SC1091
	source "$tmp/discard.env"
}

# measure KEY CMD...: runs CMD under GNU time, keeps the fastest of the
# runs in wall[KEY] (or the seconds CMD printed, when KEY is a raw poster's)
# with its user+sys CPU seconds, peak RSS (MiB), the CPU seconds of the
# server (or discarding endpoint) meanwhile, and those of everything else
# on the machine (other processes than these two: should be near 0).
measure() {
	local key=$1 w
	shift
	wait_idle
	local t0 t1 b0 b1 e u s m
	t0=$(server_ticks)
	b0=$(busy_ticks)
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
		echo "bench-compare: $key failed: $*" >&2
		tail -20 "$tmp/err" >&2
		exit 1
	}
	t1=$(server_ticks)
	b1=$(busy_ticks)
	read -r e u s m <"$tmp/time"
	w=$e
	[[ "$key" == *raw ]] && w=$(tail -1 "$tmp/out") # the posting alone
	if [[ -z "${wall[$key]:-}" ]] || awk -v a="$w" -v b="${wall[$key]}" 'BEGIN { exit !(a < b) }'; then
		wall[$key]=$w
		cpu[$key]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
		rss[$key]=$(awk -v m="$m" 'BEGIN { printf "%.0f", m / 1024 }')
		srvcpu[$key]=-
		if [[ -n "$t0" && -n "$t1" ]]; then
			srvcpu[$key]=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) / hz }')
		fi
		other[$key]=$(awk -v a="$b0" -v b="$b1" -v hz="$hz" -v c="${cpu[$key]}" -v s="${srvcpu[$key]}" \
			'BEGIN { o = (b - a) / hz - c - s; printf "%.1f", o < 0 ? 0 : o }')
	fi
	printf '  %-13s %7.2f s  client CPU %5.1f s  RSS %4.0f MiB  machine busy %5.1f CPU s\n' "$key" "$w" \
		"$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')" "$((m / 1024))" "$(awk -v a="$b0" -v b="$b1" -v hz="$hz" 'BEGIN { print (b - a) / hz }')" >&2
}

# import_args CARD DB URL [ORG]: the influxframe import command line.
import_args() {
	local tags="${1}_tags"
	iargs=(bin/influxframe import --url "$3" --bucket "$2" "${schema[@]}" --tags "${!tags}" "${write[@]}"
		--rejects "out/bench/$2.rejected.lp")
	if [[ -n "${4:-}" ]]; then iargs+=(--org "$4"); fi
}

size=$(stat -c %s "$data")
echo "bench-compare: $rows rows ($((size / 1000000)) MB, 17 columns), $(nproc) CPUs, InfluxDB $kind," \
	"$workers workers, $batch-line batches, precision $prec, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The real server: raw posting and influxframe, high and low cardinality.
run=0
for card in hi lo; do
	lp="out/bench/taxi17-$rows-$card-$prec.lp"
	for r in $(seq 1 "$repeat"); do
		for who in raw if; do
			run=$((run + 1))
			db="bench_${card}_${who}_$run"
			fresh_server
			if [[ $who == raw ]]; then
				cmd=(bin/rawpost -url "$INFLUX_URL" -bucket "$db" -create-db -precision "$prec"
					-workers "$workers" -batch-size "$batch" "$lp")
			else
				import_args "$card" "$db" "$INFLUX_URL"
				cmd=("${iargs[@]}" --create-bucket "$data")
			fi
			echo "$card $who ($db):" >&2
			measure "$card-$who" "${cmd[@]}"
			if [[ $r -eq 1 ]]; then cmds+=("$(shown "${cmd[@]}")"); fi
			n=$(server_count "$db")
			[[ "$n" -eq "$rows" ]] || { echo "bench-compare: $db holds $n points, want $rows" >&2; exit 1; }
			note[$card]="$(server_series "$db") series"
		done
	done
done
if [[ -n "$server_pid" ]]; then
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=""
fi

# The discarding endpoint: influxframe and the naive importer, then the
# plain loop (no server).
declare -A bytes
for r in $(seq 1 "$repeat"); do
	for who in if naive; do
		start_discard
		if [[ $who == if ]]; then
			import_args hi discard "$DISCARD_URL" bench
			cmd=("${iargs[@]}" "$data")
		else
			cmd=(bin/naiveimport -url "$DISCARD_URL" -org bench -bucket discard -measurement taxi
				-tags "$hi_tags" -string-fields "$strings" -time-column pickup_datetime
				-time-layout "2006-01-02 15:04:05" -precision "$prec" -batch-size "$batch" "$data")
		fi
		echo "discard $who:" >&2
		measure "discard-$who" "${cmd[@]}"
		stop_discard
		[[ "$DISCARD_LINES" -eq "$rows" ]] || { echo "bench-compare: the endpoint got $DISCARD_LINES lines from $who, want $rows" >&2; exit 1; }
		bytes[$who]=$DISCARD_BYTES
		if [[ $r -eq 1 ]]; then cmds+=("$(shown "${cmd[@]}")"); fi
	done
	cmd=(bin/csvloop -measurement taxi -tags "$hi_tags" -string-fields "$strings" -time-column pickup_datetime
		-time-layout "2006-01-02 15:04:05" -precision "$prec" -batch-size "$batch" "$data")
	echo "csvloop:" >&2
	measure loop "${cmd[@]}"
	if [[ $r -eq 1 ]]; then cmds+=("$(shown "${cmd[@]}")"); fi
done
# The same bytes everywhere: csvloop encodes exactly what influxframe posts.
lpsize=$(stat -c %s "out/bench/taxi17-$rows-hi-$prec.lp")
loopbytes=$(sed -n 's/.* lines, \([0-9]*\) bytes.*/\1/p' "$tmp/err")
[[ "$loopbytes" -eq "$lpsize" && "${bytes[if]}" -eq "$lpsize" ]] || {
	echo "bench-compare: line protocol sizes differ: file $lpsize, csvloop $loopbytes, influxframe ${bytes[if]}, naive ${bytes[naive]}" >&2
	exit 1
}

# Memory at BIG rows, against the discarding endpoint.
if [[ "$big" -gt 0 ]]; then
	bigdata="out/bench/taxi17-$big.csv"
	[[ -s "$bigdata" ]] || bin/gentaxi -rows "$big" -mixed=false -wide -out "$bigdata"
	start_discard
	import_args hi discard "$DISCARD_URL" bench
	cmd=("${iargs[@]}" "$bigdata")
	echo "discard if, $big rows:" >&2
	measure big-if "${cmd[@]}"
	stop_discard
	[[ "$DISCARD_LINES" -eq "$big" ]] || { echo "bench-compare: the endpoint got $DISCARD_LINES lines, want $big" >&2; exit 1; }
	cmds+=("$(shown "${cmd[@]}")")
fi

# The report.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
million() { awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else printf "%d", n }'; }
row() { # label key ratio-text
	printf '| %s | %.2f | %s | %s | %s | %s | %s |\n' "$1" "${wall[$2]}" "$3" "${cpu[$2]}" "${rss[$2]}" "${srvcpu[$2]}" "${other[$2]}"
}
echo
echo "$(million "$rows") taxi-like rows ($((size / 1000000)) MB, 17 columns, tags $hi_tags), batching mode," \
	"$workers workers, $batch-line batches, precision $prec; $(nproc) CPUs; fastest of $repeat."
echo "Seconds are wall-clock (rawpost: the posting alone, the file split in memory beforehand)." \
	"CPU seconds are user+system over the run; the last column is the rest of the machine's (near 0 for a clean run)."
echo
echo "| | seconds | vs the reference | client CPU s (user+sys) | client peak RSS MiB | server (or endpoint) CPU s | other processes' CPU s |"
echo "|---|---|---|---|---|---|---|"
row "real InfluxDB $kind, ${note[hi]} (tags $hi_tags): raw pre-encoded line protocol posted" hi-raw "ceiling"
row "influxframe import, same server, same data, same tags" hi-if "$(ratio "${wall[hi-raw]}" "${wall[hi-if]}") of the ceiling"
row "real InfluxDB $kind, ${note[lo]} (tag $lo_tags alone): raw posting" lo-raw "ceiling"
row "influxframe import, same server" lo-if "$(ratio "${wall[lo-raw]}" "${wall[lo-if]}") of the ceiling"
row "discarding endpoint: influxframe import" discard-if "$(ratio "${wall[discard-naive]}" "${wall[discard-if]}")x the naive importer"
row "discarding endpoint: naive client-library importer (encoding/csv, write.Point, WriteAPI)" discard-naive ""
row "encoding/csv + float/time parsing + line protocol into reused buffers, nothing else" loop "influxframe takes $(ratio "${wall[discard-if]}" "${wall[loop]}")x its time"
echo
printf 'Peak RSS of influxframe import: %s MiB at %s rows (discarding endpoint)' "${rss[discard-if]}" "$(million "$rows")"
if [[ "$big" -gt 0 ]]; then
	printf ', %s MiB at %s rows (discarding endpoint, %.1f s, client CPU %s s, other processes %s CPU s)' \
		"${rss[big-if]}" "$(million "$big")" "${wall[big-if]}" "${cpu[big-if]}" "${other[big-if]}"
fi
printf '; against the real server %s MiB (high cardinality) and %s MiB (low).\n' "${rss[hi-if]}" "${rss[lo-if]}"
echo "Points checked: count(fare_amount) = $rows in every real-server database; the discarding endpoint" \
	"counted $rows lines from each importer; csvloop encoded the $lpsize bytes influxframe posted" \
	"(the naive importer posted ${bytes[naive]}: the same points, fields in another order)."
echo
echo "Commands (INFLUXDB_V2_TOKEN from the server's settings; each real-server run on a fresh server):"
echo
echo '```'
for c in "${cmds[@]}"; do
	echo "\$ $c"
done
echo '```'
