# Two commands do everything on a fresh machine: `make serve` and `make test`. A third,
# `make serve-server`, serves the lab with the real server (crumbs-server) behind it.
SHELL := /bin/bash
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CARGO_HOME)/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: setup serve serve-server serve-redis build test test-host test-browser test-e2e lint bench screenshot http-state

setup:
	@bash scripts/setup.sh

serve: setup
	@echo "Crumbs is served at http://127.0.0.1:8080/ (Ctrl-C stops it)"
	trunk serve --address 127.0.0.1 --port 8080

# The lab with the real server: crumbs-server on 127.0.0.1:3000 (SQLite file and signing
# key under .crumbs-server/, kept across runs), and trunk on 127.0.0.1:8080 proxying /api to
# it (no_redirect: a followed redirect would drop its own Set-Cookie). Ctrl-C stops both;
# the trap stops the server whichever way this ends, so nothing is left running.
SERVER_DATA := .crumbs-server
# `started PID FILE NAME`: waits until the process PID has written its start line
# ("crumbs-server: serving …", printed only once it listens) to FILE, shows it, and fails
# if the process died first (a bad flag, an address in use: its one-line error is above).
STARTED = started() { until grep -q '^crumbs-server: serving' "$$2" 2>/dev/null; do \
	  kill -0 "$$1" 2>/dev/null || { wait "$$1"; echo "$$3 did not start"; exit 1; }; sleep 0.1; \
	done; cat "$$2"; }
serve-server: setup
	cargo build --profile server -p crumbs-server
	@mkdir -p $(SERVER_DATA)
	@$(STARTED); trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT; \
	target/server/crumbs-server --addr 127.0.0.1:3000 --db $(SERVER_DATA)/sessions.db \
	  --key-file $(SERVER_DATA)/signing.key >$(SERVER_DATA)/server.out & server=$$!; \
	started $$server $(SERVER_DATA)/server.out crumbs-server; \
	echo "To restart only the server: kill $$server, then run target/server/crumbs-server (its defaults are this address, database and key file)"; \
	echo "Crumbs with the real server: open http://127.0.0.1:8080/?backend=server (Ctrl-C stops both)"; \
	trunk serve --address 127.0.0.1 --port 8080 \
	  --proxy-backend http://127.0.0.1:3000/api --proxy-no-redirect

# Several instances behind one address: a Redis of its own on 127.0.0.1:6390 (nothing
# saved to disk), two crumbs-server instances (3001, 3002) sharing it and one signing key,
# each serving the release build, and a round-robin balancer on 127.0.0.1:8080 handing
# connections to each in turn. Ctrl-C stops all four.
serve-redis: build
	cargo build --profile server -p crumbs-server --features redis
	cargo build --profile server -p crumbs-tools
	@mkdir -p $(SERVER_DATA)
	@$(STARTED); pids=; trap 'kill $$pids 2>/dev/null; wait 2>/dev/null' EXIT; \
	redis-server --bind 127.0.0.1 --port 6390 --save '' --appendonly no >$(SERVER_DATA)/redis.out & pids="$$!"; \
	until grep -q 'Ready to accept connections' $(SERVER_DATA)/redis.out 2>/dev/null; do \
	  kill -0 $$pids 2>/dev/null || { cat $(SERVER_DATA)/redis.out; echo "redis-server did not start"; exit 1; }; sleep 0.1; \
	done; \
	for port in 3001 3002; do \
	  target/server/crumbs-server --addr 127.0.0.1:$$port --dist dist --redis redis://127.0.0.1:6390 \
	    --key-file $(SERVER_DATA)/signing.key >$(SERVER_DATA)/server-$$port.out & pids="$$pids $$!"; \
	  started $$! $(SERVER_DATA)/server-$$port.out "crumbs-server on $$port"; \
	done; \
	target/server/crumbs-tools balance 127.0.0.1:8080 127.0.0.1:3001 127.0.0.1:3002

build: setup
	trunk build --release

test: setup lint test-host test-browser build-examples test-e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --workspace --exclude crumbs-tools --exclude crumbs-server --all-targets -- -D warnings

# Every crate's host tests; the workspace build turns on the libraries' `json` features, and
# crumbs-server's `redis` runs its two-instance test (not --all-features: that turns on the
# root's `e2e` and would run the browser scenarios here, before `build`).
HOST_TESTS := cargo test --workspace --features crumbs-server/redis
# Then the one test that needs crumbs-server built without `redis` (`--redis` refused).
test-host:
	$(HOST_TESTS)
	cargo test -p crumbs-server --test process -- without_the_redis_feature

# The public http-state cookie suite against MemoryJar, from a checkout of it (not part of
# this project): HTTP_STATE=path/to/http-state/tests/data make http-state
HTTP_STATE ?= ../shared/http-state
http-state:
	cargo run -q -p crumbs-tools -- http-state $(HTTP_STATE)

# Every browser_*.rs suite, in each crate that has one, runs in headless Chromium and in
# headless Firefox ESR. Each browser's capabilities come from its own file at the root
# (the runner looks in the crate's directory otherwise). wasm-pack is always handed the
# driver: left to itself it would download one.
BROWSER_SUITES := crates/crumbs-cookies crates/crumbs-yew examples/theme-switcher .
test-browser:
	@geckodriver=$$(command -v geckodriver) || { echo "no geckodriver: make setup builds it"; exit 1; }; \
	failed=(); passed=0; \
	for crate in $(BROWSER_SUITES); do \
	  for browser in Chromium Firefox; do \
	    echo "== browser tests of $$crate ($$browser)"; \
	    case $$browser in \
	      Chromium) driver=(--chrome --chromedriver $(CHROMEDRIVER)); json=webdriver.json ;; \
	      Firefox) driver=(--firefox --geckodriver "$$geckodriver"); json=webdriver-firefox.json ;; \
	    esac; \
	    if WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/$$json wasm-pack test --headless "$${driver[@]}" \
	         --mode no-install $$crate --all-features --test 'browser_*'; then \
	      passed=$$((passed + 1)); \
	    else \
	      failed+=("$$crate ($$browser)"); \
	    fi; \
	  done; \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then \
	  printf '== browser tests FAILED in: %s\n' "$${failed[@]}"; exit 1; \
	fi; \
	echo "== browser tests passed: $$passed suite runs, each suite in Chromium and in Firefox"

# Each example must build as its README says (trunk, release, offline); their browser tests
# are in BROWSER_SUITES.
.PHONY: build-examples
build-examples: setup
	cd examples/theme-switcher && trunk build --release

# The release build, end to end, in each browser (tests/e2e.rs reads CRUMBS_BROWSER):
# reload, restart, tamper, expiry; and served by crumbs-server (the debug binary with Redis
# that `make test-host` built: the same command with --no-run compiles nothing twice).
E2E_BROWSERS := chromium firefox
test-e2e: build
	$(HOST_TESTS) --no-run -q
	@failed=(); \
	for browser in $(E2E_BROWSERS); do \
	  echo "== end-to-end scenarios in $$browser"; \
	  CRUMBS_BROWSER=$$browser cargo test --features e2e --test e2e -- --test-threads=1 \
	    || failed+=("$$browser"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then \
	  echo "== end-to-end scenarios FAILED in: $${failed[*]} (evidence under target/e2e/)"; exit 1; \
	fi; \
	echo "== end-to-end scenarios passed in: $(E2E_BROWSERS)"

# Figures beside their baselines, from one run: sizes, first render, cookie reads, a login.
# Chromium only: the budgets and the README's figures are Chromium's. Then the server's:
# GET /api/session under load, crumbs-server beside express-session (bench/express-session,
# installed here from its lock file, again whenever the lock file is newer than the
# install; never by setup or the tests); crumbs-server and the load generator built with
# `--profile server` (optimised for speed; the wasm's release profile is for size).
bench: build
	@test -f .tools/node_modules/js-cookie/package.json || npm install --silent --no-audit --no-fund --prefix .tools js-cookie@3.0.8
	@test bench/express-session/node_modules/.package-lock.json -nt bench/express-session/package-lock.json \
	  || npm ci --silent --no-audit --no-fund --prefix bench/express-session
	cargo build --profile server -p crumbs-server
	cd bench/minimal && trunk build --release
	cd bench/hook && trunk build --release
	cd bench/reads && trunk build --release
	cargo run -q -p crumbs-tools -- bench
	cargo run -q --profile server -p crumbs-tools -- bench-server

# The README's picture of the lab, from the release build.
screenshot: build
	cargo run -q -p crumbs-tools -- screenshot docs/lab.png
