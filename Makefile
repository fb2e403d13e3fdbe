# influxframe: `make demo` and `make test` are all the set-up there is.
SHELL := /usr/bin/env bash
GO    ?= go
# Test servers live in the user's cache, shared by every clone on the machine.
export INFLUXFRAME_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/influxframe
# Packages tested with the race detector (the rest run without it).
RACE_PKGS := ./sink/... ./internal/pipeline/... ./query/... ./cmd/...

.PHONY: all build servers server1 server2 spectrum test test-short demo bench bench-e2e bench-compare fuzz vet fmt clean

all: build

build:
	$(GO) build -o bin/influxframe ./cmd/influxframe

# servers builds InfluxDB 1.8.10 and 2.0.9 from source once per machine.
servers: server1 server2
server1:
	scripts/install-influxdb.sh
server2:
	scripts/install-influxdb2.sh

# spectrum fetches the csv-spectrum cases (npm) into the same cache, once.
spectrum:
	scripts/fetch-csv-spectrum.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

# test runs the whole suite, unit and integration, against real servers.
test: servers spectrum vet
	$(GO) test -timeout 12m -count=1 ./...
	$(GO) test -race -timeout 12m -count=1 $(RACE_PKGS)

# test-short skips nothing, but runs without the race detector.
test-short: servers spectrum
	$(GO) test -timeout 12m ./...

# demo needs only InfluxDB 1.8.10.
demo: build server1
	scripts/demo.sh

# bench: Go benchmarks of the hot paths, then end-to-end imports of a
# generated 1M-row file (ROWS=...) into each real server, then queries of
# it back (scripts/bench-query.sh, which records the responses it decodes).
bench: servers
	$(GO) test -run '^$$' -bench . -skip 'ImportE2E|Recorded' -benchmem ./frame/ ./transform/ ./sink/ ./query/ ./internal/...
	$(GO) test -run '^$$' -bench ImportE2E -benchtime 1x ./sink/
	$(MAKE) bench-e2e
	scripts/bench-query.sh
	$(MAKE) bench-compare

bench-e2e: servers
	KIND=1.8.10 scripts/bench-e2e.sh
	KIND=2.0.9 scripts/bench-e2e.sh

# bench-compare: issue 14's table in one run: influxframe against raw
# posting on a real 1.8.10 (high and low cardinality), against a naive
# client-library importer and a plain encoding/csv loop on a discarding
# endpoint, and its peak RSS at 1M and 10M rows (about 10 minutes).
bench-compare: servers
	REPEAT=2 scripts/bench-compare.sh

# fuzz runs every fuzz target for FUZZTIME (the seeds run in `make test`).
FUZZTIME ?= 30s
fuzz:
	for p in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin out
