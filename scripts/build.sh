#!/usr/bin/env bash
# Builds the .wasm once and generates its two JavaScript faces: `--target web`
# into www/pkg (served to the dashboard, no bundler) and `--target nodejs`
# into pkg/node. Prints the .wasm size raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."

RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128" \
  cargo build --lib --release --target wasm32-unknown-unknown --quiet
raw=target/wasm32-unknown-unknown/release/rapport.wasm

wasm-bindgen "$raw" --target web --out-dir www/pkg --out-name rapport
wasm-bindgen "$raw" --target nodejs --out-dir pkg/node --out-name rapport
# The nodejs output is CommonJS; the root package.json says "module".
echo '{ "type": "commonjs" }' > pkg/node/package.json

# wasm-opt from npm's binaryen (Debian's is too old for current wasm-bindgen output).
for out in www/pkg/rapport_bg.wasm pkg/node/rapport_bg.wasm; do
  node_modules/.bin/wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out" -o "$out.opt"
  mv "$out.opt" "$out"
done

size=$(stat -c %s www/pkg/rapport_bg.wasm)
gz=$(gzip -9 -c www/pkg/rapport_bg.wasm | wc -c)
printf '[build] rapport_bg.wasm: %s bytes raw, %s bytes gzipped (%s KB / %s KB)\n' \
  "$size" "$gz" $((size / 1024)) $((gz / 1024))
