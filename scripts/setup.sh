#!/usr/bin/env bash
# Installs what building, serving and testing Crumbs needs, skipping what is already there
# at the right version. Nothing here (nor trunk or wasm-pack later) downloads a prebuilt
# binary: everything comes from the Rust package registry, Debian or npm.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
export PATH="$PWD/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    step "adding $component"
    rustup component add "$component"
  fi
done

# Chromium and Firefox ESR for the browser tests; OpenSSL headers for the WebDriver
# client's TLS stack; Redis for the several-instances set-up of crumbs-server and its
# tests (installed, not started as a service: tests start their own on a free port).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian's package enables and starts Redis as a service where systemd runs; Crumbs
  # wants none running (tests and `make serve-redis` start their own on their own ports).
  if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "installing trunk $TRUNK_VERSION (about 9 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# trunk and wasm-pack use a wasm-bindgen from PATH only when it is exactly Cargo.lock's.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  step "installing wasm-bindgen-cli $wasm_bindgen_version"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --locked \
    || cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

# Firefox's WebDriver is not in Debian; built from source. The make targets hand its path
# to wasm-pack, which would otherwise download a prebuilt one.
if ! command -v geckodriver >/dev/null; then
  step "installing geckodriver (about 4 minutes on 2 cores)"
  cargo install geckodriver --locked
fi

if ! command -v wasm-pack >/dev/null; then
  step "installing wasm-pack"
  cargo install wasm-pack --locked
fi

# Debian's binaryen (v108) cannot read what current rustc emits; npm's is current.
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  step "installing wasm-opt (npm binaryen $BINARYEN_VERSION) into .tools/"
  npm install --silent --no-audit --no-fund --prefix .tools "binaryen@$BINARYEN_VERSION"
fi

step "tools ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-pack --version), wasm-opt $(wasm-opt --version | grep -o 'version [0-9]*'), $(geckodriver --version | sed -n 1p), $(firefox-esr --version 2>/dev/null), $(redis-server --version | cut -d' ' -f1-3)"
