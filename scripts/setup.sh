#!/usr/bin/env bash
# Installs, idempotently and from the package registries alone, everything the
# build (and with `--test`, the test suite; with `--bench`, the benchmark) needs.
# Run by `npm start`, `npm test` and `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
want_bench=0
[ "${1:-}" = "--test" ] && want_tests=1
[ "${1:-}" = "--bench" ] && want_bench=1

step() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Rust target for WebAssembly, plus the components the checks use.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ $want_tests = 1 ]; then
  for c in rustfmt clippy; do
    rustup component list --installed | grep -q "^$c" || rustup component add "$c"
  done
fi

# wasm-bindgen CLI: must match the wasm-bindgen crate in Cargo.lock exactly.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have_bindgen" != "$want_bindgen" ]; then
  step "installing wasm-bindgen-cli $want_bindgen (about 2 minutes, once)"
  # No --locked: its lockfile names a crate version the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

# Node packages (wasm-opt from npm's binaryen; Debian's is too old to read our output).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# DuckDB's Node API, which the benchmark compares rapport with: a dev-dependency
# of bench/ alone (bench/package.json), never of the package, and npm test does not need it.
if [ $want_bench = 1 ] && { [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; }; then
  step "installing the benchmark's npm packages (bench/: DuckDB)"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi

# A real browser for the wasm and dashboard tests and the benchmark (Debian's Chromium; no downloads).
if [ $((want_tests + want_bench)) -gt 0 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  step "installing Chromium and ChromeDriver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
step "toolchain ready"
