#!/usr/bin/env bash
# Every check, in order: formatting, the layout rules, clippy (native and wasm32) with warnings
# as errors, native tests, wasm tests in Node and in headless Chromium (each
# checked to have run every test), the TypeScript check of the generated
# types, and the Node and browser tests. Run by `npm test` after setup/build.
set -euo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
passed=0
step() { printf '\n\033[1m[test] %s\033[0m\n' "$*"; }

# Sums the "N passed" counts of cargo/wasm-bindgen result lines in a log.
count_passed() {
  grep -Eo 'test result: ok\. [0-9]+ passed' "$1" | awk '{ s += $4 } END { print s + 0 }'
}

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "layout: no import cycle, no file over 600 lines, every module says what it owns"
node scripts/check-layout.mjs

step "clippy, native and wasm32, warnings are errors"
cargo clippy --locked -p rapport -p rapport-demo --all-targets --quiet -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown --lib --test wasm --quiet -- -D warnings
cargo clippy --locked -p rapport-demo --target wasm32-unknown-unknown --lib --quiet -- -D warnings

step "native tests"
cargo test --locked -p rapport -p rapport-demo 2>&1 | tee "$logs/native.log"
native=$(count_passed "$logs/native.log")
passed=$((passed + native))

expected_wasm=$(grep -c '#\[wasm_bindgen_test\]' tests/wasm.rs)
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
run_wasm() { # $1: label, rest: environment for the runner
  local label=$1; shift
  step "wasm tests in $label"
  env "$@" cargo test --locked --target wasm32-unknown-unknown --test wasm 2>&1 | tee "$logs/wasm-$label.log"
  local ran
  ran=$(count_passed "$logs/wasm-$label.log")
  if [ "$ran" -ne "$expected_wasm" ]; then
    echo "wasm tests in $label: $ran passed, but tests/wasm.rs has $expected_wasm" >&2
    exit 1
  fi
  passed=$((passed + ran))
}
run_wasm node
run_wasm chromium WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver

step "TypeScript: generated declarations have no 'any', and an example type-checks"
for d in pkg/node/rapport.d.ts www/pkg/rapport.d.ts; do
  # The web target's InitOutput (raw wasm exports) is generated glue, not API.
  if sed '/^export interface InitOutput/,/^}/d' "$d" | grep -nE '(:|<|\|)\s*any\b'; then
    echo "$d declares 'any' in the public API" >&2
    exit 1
  fi
done
node_modules/.bin/tsc -p tests/types
node_modules/.bin/tsc -p www # the dashboard's JavaScript: the page↔worker protocol (protocol.js) on both sides

step "batch (rapport-batch, DataFusion and Ballista): clippy, and its output against the module's"
# The batch's own crate; its tests start a Ballista scheduler and two
# executors on loopback and stop them. A cold build compiles DataFusion and
# Ballista (see the README's "Scale" section for the time it takes).
cargo clippy --locked -p rapport-batch --all-targets --quiet -- -D warnings
cargo test --locked -p rapport-batch 2>&1 | tee "$logs/batch.log"
batch=$(count_passed "$logs/batch.log")
passed=$((passed + batch))

step "Node and browser tests (node --test)"
# --expose-gc: the leak test (tests/node/leak.test.mjs) collects garbage between rounds.
node --expose-gc --test --test-reporter=spec tests/node/ tests/browser/ 2>&1 | tee "$logs/node.log"
node_passed=$(grep -Eo '^ℹ pass [0-9]+' "$logs/node.log" | awk '{ print $3 }')
passed=$((passed + ${node_passed:-0}))

printf '\nnative %s, batch %s, wasm %s in Node and %s in Chromium, node/browser %s\n' \
  "$native" "$batch" "$expected_wasm" "$expected_wasm" "${node_passed:-0}"
echo "summary: $passed passed, 0 failed"
