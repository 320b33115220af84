#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after another, gently (nice, one
# process each), and prints each one's final figures: runs, execs per
# second, coverage (cov) and features (ft).
#
#   scripts/fuzz.sh                        every target, 300 s each
#   scripts/fuzz.sh --seconds 60 snapshot  one target, one minute
#   scripts/fuzz.sh --seeds                rewrite the seed corpus fuzz/corpus/
#
# Targets: load_people, load_interactions, load_graph, snapshot, consent_token
# (what each input means and checks: fuzz/src/harness.rs). Needs the nightly
# toolchain; installs cargo-fuzz when it is missing. The seeds in
# fuzz/corpus/<target>/ are only read; what the fuzzer adds grows in
# fuzz/target/corpus/<target>/ (ignored by git). A crash is saved in
# fuzz/artifacts/<target>/: copy it into tests/data/fuzz/<target>/ and
# `cargo test --test fuzz_regressions` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(load_people load_interactions load_graph snapshot consent_token)
seconds=300
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --seeds)
      cargo run --quiet --manifest-path fuzz/Cargo.toml --example seeds
      exit 0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# No address sanitizer: the crate has no unsafe code, and the fuzzers run
# about twice as fast without it. Debug assertions and overflow checks stay on.
build=(--sanitizer none)
nice -n 10 cargo +nightly fuzz build "${build[@]}"

logs=fuzz/target/logs
mkdir -p "$logs"
failed=0
for t in "${targets[@]}"; do
  dict=fuzz/dict/json.dict
  [ "$t" = snapshot ] && dict=fuzz/dict/snapshot.dict
  mkdir -p "fuzz/target/corpus/$t" "fuzz/artifacts/$t"
  printf '\n[fuzz] %s for %s s\n' "$t" "$seconds"
  # Inputs up to 8 KB; a run over 10 s or 2 GB is a finding, like a panic.
  if nice -n 10 cargo +nightly fuzz run "${build[@]}" --jobs 1 "$t" \
    "fuzz/target/corpus/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -dict="$dict" -print_final_stats=1 >"$logs/$t.log" 2>&1; then
    status=ok
  else
    status="FAILED (see $logs/$t.log and fuzz/artifacts/$t/)"
    failed=1
  fi
  grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$logs/$t.log" | tail -n 1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$logs/$t.log" || true
  echo "[fuzz] $t: $status"
done
exit "$failed"
