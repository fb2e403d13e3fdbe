# Sourced by demo.sh and bench-e2e.sh: start_server KIND starts InfluxDB
# KIND (1.8.10 or 2.0.9) with bin/influxserver in a temporary folder, waits
# until it serves, and sources its INFLUX_* settings; the EXIT trap stops
# it and removes the folder. Needs bin/influxserver built.
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

start_server() {
	bin/influxserver -kind "$1" -dir "$tmp/server" >"$tmp/server.env" 2>"$tmp/server.log" &
	server_pid=$!
	# influxserver prints every line at once, INFLUX_PID last.
	for _ in $(seq 1 1800); do
		grep -q '^INFLUX_PID=' "$tmp/server.env" 2>/dev/null && break
		kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
		sleep 0.1
	done
	# shellcheck disable=SC1091
	source "$tmp/server.env"
}

# need CMD:PACKAGE... installs the Debian package of each command that is
# missing, so that make bench runs on a fresh machine as make test does.
need() {
	local missing=() c sudo=()
	for c in "$@"; do
		command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c#*:}")
	done
	((${#missing[@]})) || return 0
	echo "installing Debian packages: ${missing[*]}" >&2
	[[ $(id -u) -ne 0 ]] && sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
