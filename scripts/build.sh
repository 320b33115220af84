#!/usr/bin/env bash
# Builds the two .wasm modules once each, the analytics module (rapport) and
# the demo generator (rapport_demo, crate demo/), and generates their two
# JavaScript faces: `--target web` into www/pkg (served to the dashboard, no
# bundler) and `--target nodejs` into pkg/node, and copies the web packages
# into examples/extension/pkg (and the dashboard's shared UI helpers into
# examples/extension/shared). Prints both .wasm sizes raw and gzipped, and
# fails when the analytics module's gzipped size is over the budget in
# scripts/wasm-size-budget.
set -euo pipefail
cd "$(dirname "$0")/.."

# One package per cargo call: built together, the demo's dependency on the
# core would get the core's JavaScript binding (feature unification).
for crate in rapport rapport-demo; do
  RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128" \
    cargo build -p "$crate" --lib --release --target wasm32-unknown-unknown --quiet
done
for name in rapport rapport_demo; do
  raw=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/$name.wasm
  wasm-bindgen "$raw" --target web --out-dir www/pkg --out-name "$name"
  wasm-bindgen "$raw" --target nodejs --out-dir pkg/node --out-name "$name"
done
# The nodejs output is CommonJS; the root package.json says "module".
echo '{ "type": "commonjs" }' > pkg/node/package.json

# wasm-opt from npm's binaryen (Debian's is too old for current wasm-bindgen output).
# --low-memory-unused lets it fold `pointer + constant` into load and store
# offsets (1.5 KB gzipped, and fewer instructions): the two differ only when
# the addition wraps past 4 GiB, which no valid Rust pointer does.
for out in www/pkg/rapport_bg.wasm pkg/node/rapport_bg.wasm www/pkg/rapport_demo_bg.wasm pkg/node/rapport_demo_bg.wasm; do
  node_modules/.bin/wasm-opt -O3 --low-memory-unused \
    --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out" -o "$out.opt"
  mv "$out.opt" "$out"
done

# The Manifest V3 extension (examples/extension) loads the same web package
# from inside itself: extension pages may only run the extension's own files.
mkdir -p examples/extension/pkg examples/extension/shared
cp www/pkg/rapport.js www/pkg/rapport.d.ts www/pkg/rapport_bg.wasm \
  www/pkg/rapport_demo.js www/pkg/rapport_demo.d.ts www/pkg/rapport_demo_bg.wasm examples/extension/pkg/
# And the dashboard's UI helpers and reload rule, which the popup shares: kept once, in www/.
cp www/ui.js www/reload.js examples/extension/shared/

# Brotli at quality 11 from Node's zlib (no brotli binary needed).
sizes() { # $1: a .wasm file; prints "raw gzip brotli"
  node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(b.length, z.gzipSync(b, { level: 9 }).length, z.brotliCompressSync(b, { params: {
      [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length)' "$1"
}
for name in rapport rapport_demo; do
  read -r size _ br < <(sizes "www/pkg/${name}_bg.wasm")
  gz=$(gzip -9 -c "www/pkg/${name}_bg.wasm" | wc -c)
  printf '[build] %s_bg.wasm: %s bytes raw, %s bytes gzipped, %s brotli (%s KB / %s KB / %s KB)\n' \
    "$name" "$size" "$gz" "$br" $((size / 1024)) $((gz / 1024)) $((br / 1024))
done
# The budget is the analytics module's (the demo module is only loaded by whoever asks for demo data).
gz=$(gzip -9 -c www/pkg/rapport_bg.wasm | wc -c)
budget=$(grep -v '^#' scripts/wasm-size-budget | tr -d '[:space:]')
if [ "$gz" -gt "$budget" ]; then
  echo "[build] rapport_bg.wasm is $gz bytes gzipped, over the budget of $budget (scripts/wasm-size-budget)" >&2
  exit 1
fi

# The publishable npm package, assembled from the two builds into dist/npm
# (`npm run package` also packs it into dist/rapport-analytics-<version>.tgz).
node scripts/package.mjs
