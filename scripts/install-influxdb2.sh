#!/usr/bin/env bash
# Build InfluxDB v2.0.9's influxd from source, idempotently.
#
# Sources come from the Go module proxy (influxdb v2.0.9, flux v0.131.0 and
# flatbuffers v2.0.0 for its Rust runtime); the Rust crates libflux needs come
# from Debian's librust-*-dev packages, used offline through a private
# CARGO_HOME. See ../shared/INFLUXDB2.md for why each step is needed.
#
# Output: ${INFLUXFRAME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/influxframe}/influxdb-2.0.9/influxd
# stdout: the binary's path, and nothing else. stderr: progress.
# A cached binary is reused at once; a cold build takes several minutes.
set -euo pipefail

INFLUXDB_VERSION=2.0.9
FLUX_VERSION=0.131.0
INFLUXDB_MODULE=github.com/influxdata/influxdb/v2@v${INFLUXDB_VERSION}
FLUX_MODULE=github.com/influxdata/flux@v${FLUX_VERSION}
FLATBUFFERS_MODULE=github.com/google/flatbuffers@v2.0.0+incompatible

CACHE_ROOT="${INFLUXFRAME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/influxframe}"
DEST_DIR="$CACHE_ROOT/influxdb-$INFLUXDB_VERSION"
OUT="$DEST_DIR/influxd"

# Warm path: nothing else runs.
if [[ -f "$OUT" && -x "$OUT" ]]; then
	printf '%s\n' "$OUT"
	exit 0
fi

APT_PACKAGES=(
	pkg-config gcc
	librust-serde-dev librust-serde-derive-dev librust-serde-json-dev
	librust-chrono-dev librust-regex-dev librust-regex+default-dev
	librust-maplit-dev librust-derivative-dev librust-walkdir-dev
	librust-smallvec-dev librust-bitflags-dev librust-thiserror-dev
	librust-inflate-dev librust-deflate-dev librust-pulldown-cmark-dev
	librust-fnv-dev librust-derive-more-dev
)
DEBIAN_CRATES=/usr/share/cargo/registry

START=$SECONDS
LOG="$DEST_DIR/install.log"
BUILD=""
CHILD=""
SETSID=()
command -v setsid >/dev/null 2>&1 && SETSID=(setsid)

say() { printf 'install-influxdb2: %s\n' "$*" >&2; }
step() { say "[$((SECONDS - START))s] $*"; }
die() {
	say "ERROR: $*"
	exit 1
}

# run DESCRIPTION CMD...: run CMD with its output in $LOG; on failure show
# the end of the log and stop.
run() {
	local what=$1
	shift
	printf '\n==== %s\n$ %s\n' "$what" "$*" >>"$LOG"
	# In the background, in its own process group, so that a signal to this
	# script stops it at once and cleanup can stop the whole group.
	"${SETSID[@]}" "$@" >>"$LOG" 2>&1 </dev/null &
	CHILD=$!
	local rc=0
	wait "$CHILD" || rc=$?
	CHILD=""
	if [[ $rc -ne 0 ]]; then
		say "ERROR: $what failed (exit $rc); last lines of $LOG:"
		tail -n 40 "$LOG" >&2 || true
		die "$what failed (full log: $LOG)"
	fi
}

cleanup() {
	local rc=$?
	if [[ -n "$CHILD" ]]; then
		kill -TERM -- "-$CHILD" 2>/dev/null || kill -TERM "$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	if [[ -n "$BUILD" && -d "$BUILD" ]]; then
		chmod -R u+w "$BUILD" 2>/dev/null || true
		rm -rf "$BUILD"
	fi
	if [[ $rc -ne 0 ]]; then
		say "FAILED (exit $rc) after $((SECONDS - START))s; no binary was installed"
	fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'die "unexpected failure at line $LINENO: $BASH_COMMAND"' ERR
set -E

mkdir -p "$DEST_DIR" || die "cannot create $DEST_DIR"

# One build at a time; a second caller waits, then finds the binary.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$DEST_DIR/.install.lock"
	if ! flock -n 9; then
		say "another install is running; waiting for it"
		flock 9
	fi
	if [[ -f "$OUT" && -x "$OUT" ]]; then
		printf '%s\n' "$OUT"
		exit 0
	fi
	# Holding the lock, any build folder left here is from a killed run.
	for stale in "$DEST_DIR"/.build.*; do
		[[ -d "$stale" ]] || continue
		chmod -R u+w "$stale" 2>/dev/null || true
		rm -rf "$stale" || true
	done
fi
: >"$LOG"

# ---- tools -----------------------------------------------------------------
[[ -x /usr/local/go/bin/go ]] && ! command -v go >/dev/null 2>&1 && PATH="/usr/local/go/bin:$PATH"
[[ -d "$HOME/.cargo/bin" ]] && ! command -v cargo >/dev/null 2>&1 && PATH="$HOME/.cargo/bin:$PATH"
export PATH
command -v go >/dev/null 2>&1 || die "go not found (looked in PATH and /usr/local/go/bin)"
command -v cargo >/dev/null 2>&1 || die "cargo not found (looked in PATH and ~/.cargo/bin)"
command -v perl >/dev/null 2>&1 || die "perl not found"

# ---- Debian packages (Rust crate sources, pkg-config, gcc) -----------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
	# No pipe into grep -q here: with pipefail, dpkg's SIGPIPE would count
	# as "missing".
	status=$(dpkg -s "$p" 2>/dev/null) || status=""
	if [[ $status != *$'\nStatus: install ok installed'* ]]; then
		missing+=("$p")
	fi
done
if ((${#missing[@]})); then
	step "installing Debian packages: ${missing[*]}"
	SUDO=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: ${missing[*]}"
		SUDO=(sudo)
	fi
	run "apt-get update" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
	run "apt-get install" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y "${APT_PACKAGES[@]}"
else
	step "Debian packages already installed"
fi
[[ -d "$DEBIAN_CRATES" ]] || die "$DEBIAN_CRATES is missing after installing the librust-*-dev packages"
command -v pkg-config >/dev/null 2>&1 || die "pkg-config not found"

# ---- build folder next to the output (same filesystem: mv is atomic) -------
BUILD=$(mktemp -d "$DEST_DIR/.build.XXXXXX")
export GOTOOLCHAIN=local GOWORK=off GO111MODULE=on CGO_ENABLED=1

# ---- Go modules: sources of influxdb, flux (libflux) and flatbuffers -------
step "downloading Go modules ($INFLUXDB_MODULE, $FLUX_MODULE, $FLATBUFFERS_MODULE)"
mkdir -p "$BUILD/fetch"
# A throw-away main module, so no go.mod above the cache folder is touched.
printf 'module influxframe.local/fetch\n\ngo 1.17\n' >"$BUILD/fetch/go.mod"
moddir() { # moddir MODULE@VERSION -> prints its folder in the module cache
	local json dir
	json=$(cd "$BUILD/fetch" && go mod download -json "$1" 2>>"$LOG") ||
		die "go mod download $1 failed: $(printf '%s' "$json" | grep '"Error"' || tail -n 5 "$LOG")"
	dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	[[ -n "$dir" && -d "$dir" ]] || die "go mod download $1 gave no folder"
	printf '%s\n' "$dir"
}
INFLUXDB_SRC=$(moddir "$INFLUXDB_MODULE") || exit 1
FLUX_SRC=$(moddir "$FLUX_MODULE") || exit 1
FLATBUFFERS_SRC=$(moddir "$FLATBUFFERS_MODULE") || exit 1

step "copying sources into $BUILD"
cp -R "$INFLUXDB_SRC" "$BUILD/influxdb"
cp -R "$FLUX_SRC" "$BUILD/flux"
mkdir -p "$BUILD/rust-deps"
cp -R "$FLATBUFFERS_SRC/rust/flatbuffers" "$BUILD/rust-deps/flatbuffers"
chmod -R u+w "$BUILD"

# ---- libflux edits (INFLUXDB2.md) -----------------------------------------
LIBFLUX="$BUILD/flux/libflux"
step "patching libflux for Debian's crates and rustc $(rustc --version 2>/dev/null | cut -d' ' -f2)"
[[ -f "$LIBFLUX/flux-core/src/semantic/bootstrap.rs" ]] || die "unexpected flux layout: $LIBFLUX"

# serde-aux 0.6.1 is not packaged: flux uses one function of it.
mkdir -p "$BUILD/rust-deps/serde-aux/src"
cat >"$BUILD/rust-deps/serde-aux/Cargo.toml" <<'EOF'
[package]
name = "serde-aux"
version = "0.6.1"
edition = "2018"

[lib]
name = "serde_aux"

[dependencies]
serde = "1"
EOF
cat >"$BUILD/rust-deps/serde-aux/src/lib.rs" <<'EOF'
//! Stand-in for the serde-aux crate: only what flux uses.
pub mod field_attributes {
    use serde::{Deserialize, Deserializer};

    /// Deserializes an `Option<T>`, turning `null` (or absence) into `T::default()`.
    pub fn deserialize_default_from_null<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default,
    {
        Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
    }
}

pub mod prelude {
    pub use crate::field_attributes::deserialize_default_from_null;
}
EOF

# Manifests: upstream's, less wasm-bindgen, comrak, tera, structopt,
# lazy_static, lsp-types, getrandom, the flux-dump-docs [[bin]], the lsp
# feature, dev-dependencies and benches; flatbuffers and serde-aux as path
# crates; deflate 1.0 and pulldown-cmark 0.9 (Debian's); no default "strict"
# feature (its deny(warnings) fails on today's rustc).
cat >"$LIBFLUX/flux-core/Cargo.toml" <<'EOF'
[package]
name = "flux-core"
version = "0.4.0"
authors = ["Nathaniel Cook <nathaniel@influxdata.com>"]
edition = "2018"

[lib]
name = "fluxcore"
crate-type = ["rlib"]

[features]
default = []
strict = []

[dependencies]
fnv = "1.0.7"
derive_more = { version = "0.99.11", default-features = false, features = ["display"] }
serde = "^1.0.59"
serde_derive = "^1.0.59"
serde_json = "1.0"
serde-aux = { path = "../../../rust-deps/serde-aux" }
chrono = { version = "0.4", features = ["serde"] }
regex = "1"
maplit = "1.0.2"
flatbuffers = { path = "../../../rust-deps/flatbuffers" }
derivative = "2.1.1"
walkdir = "2.2.9"
pulldown-cmark = { version = "0.9", default-features = false }
EOF
cat >"$LIBFLUX/flux/Cargo.toml" <<'EOF'
[package]
name = "flux"
version = "0.5.1"
authors = ["jlapacik <joshua.lapacik@pacbell.net>"]
edition = "2018"

[lib]
name = "flux"
crate-type = ["rlib", "staticlib", "cdylib"]

[features]
default = []
strict = []

[dependencies]
flux-core = { path = "../flux-core" }
flatbuffers = { path = "../../../rust-deps/flatbuffers" }
serde = "^1.0.59"
serde_derive = "^1.0.59"
serde_json = "1.0"
serde-aux = { path = "../../../rust-deps/serde-aux" }
inflate = "0.4.5"

[build-dependencies]
flux-core = { path = "../flux-core" }
serde_json = "1.0"
flatbuffers = { path = "../../../rust-deps/flatbuffers" }
deflate = "1.0"
EOF
rm -rf "$LIBFLUX/flux/src/bin" "$LIBFLUX/flux/benches" "$LIBFLUX/flux-core/benches" "$LIBFLUX/Cargo.lock"

BOOTSTRAP="$LIBFLUX/flux-core/src/semantic/bootstrap.rs"
perl -pi -e 's/^use wasm_bindgen::__rt::std::collections::HashMap;$/use std::collections::HashMap;/' "$BOOTSTRAP"
perl -pi -e 's/pulldown_cmark::Tag::Heading\(2\)/pulldown_cmark::Tag::Heading(pulldown_cmark::HeadingLevel::H2, _, _)/g' "$BOOTSTRAP"
grep -q '^use std::collections::HashMap;$' "$BOOTSTRAP" || die "bootstrap.rs: HashMap import edit did not apply"
grep -q 'HeadingLevel::H2' "$BOOTSTRAP" || die "bootstrap.rs: pulldown-cmark Heading edit did not apply"
if grep -rq 'wasm_bindgen' "$LIBFLUX/flux-core/src" "$LIBFLUX/flux/src"; then
	die "libflux still refers to wasm_bindgen"
fi
# A #[serde(...)] line placed right before its #[derive(...)] line: swap them
# (rustc 1.95 rejects that order). flux v0.131.0 as published has none, so
# this changes nothing there; it is kept as a guard.
# shellcheck disable=SC2016 # $1 and $2 are perl's
find "$LIBFLUX" -name '*.rs' -not -path '*/target/*' -print0 |
	xargs -0 perl -0pi -e 's/^([ \t]*#\[serde\([^\n]*\)\][ \t]*\n)([ \t]*#\[derive\([^\n]*\)\][ \t]*\n)/$2$1/mg'

# ---- cargo, offline, against Debian's crates ------------------------------
export CARGO_HOME="$BUILD/cargo-home"
mkdir -p "$CARGO_HOME"
cat >"$CARGO_HOME/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$DEBIAN_CRATES"

[net]
offline = true
EOF
export CARGO_NET_OFFLINE=true
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET

step "cargo generate-lockfile"
cd "$LIBFLUX"
run "cargo generate-lockfile" cargo generate-lockfile
step "cargo build --release -p flux (about 1-2 minutes)"
run "cargo build --release -p flux" cargo build --release -p flux
[[ -f "$LIBFLUX/target/release/libflux.a" ]] || die "cargo did not produce libflux.a"

# ---- flux.pc for cgo (#cgo pkg-config: flux) -------------------------------
PCDIR="$BUILD/pkgconfig"
mkdir -p "$PCDIR"
cp "$LIBFLUX/target/release/libflux.a" "$PCDIR/"
cat >"$PCDIR/flux.pc" <<EOF
Name: Flux
Description: Library for the InfluxData Flux engine (libflux)
Version: $FLUX_VERSION
Libs: -L$PCDIR -lflux -ldl -lpthread -lm
Cflags: -I$LIBFLUX/include
EOF
export PKG_CONFIG_PATH="$PCDIR"
run "pkg-config flux" pkg-config --cflags --libs flux

# ---- influxd -----------------------------------------------------------------
step "go build ./cmd/influxd (downloads its modules; several minutes)"
cd "$BUILD/influxdb"
run "go build ./cmd/influxd" go build -buildvcs=false -ldflags "-X main.version=$INFLUXDB_VERSION" \
	-o "$BUILD/influxd" ./cmd/influxd
[[ -s "$BUILD/influxd" ]] || die "go build produced no binary"
run "influxd version" "$BUILD/influxd" version

chmod 0755 "$BUILD/influxd"
cd "$DEST_DIR"
mv -f "$BUILD/influxd" "$OUT"
rm -f "$LOG"
step "done: $OUT"
printf '%s\n' "$OUT"
