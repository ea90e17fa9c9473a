# Two commands do everything on a fresh machine: `make serve` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: setup serve build test test-host test-browser test-e2e lint

setup:
	@bash scripts/setup.sh

serve: setup
	@echo "Crumbs is served at http://127.0.0.1:8080/ (Ctrl-C stops it)"
	trunk serve --address 127.0.0.1 --port 8080

build: setup
	trunk build --release

test: setup lint test-host test-browser test-e2e

lint:
	cargo fmt --check
	cargo clippy --all-targets --all-features -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

test-host:
	cargo test

# Every tests/browser_*.rs runs in headless Chromium.
test-browser:
	wasm-pack test --headless --chrome --chromedriver $(CHROMEDRIVER) --mode no-install -- --test 'browser_*'

# The release build in Chromium, through chromedriver: reload, restart, tamper, expiry.
test-e2e: build
	cargo test --features e2e --test e2e -- --test-threads=1
