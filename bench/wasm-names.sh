#!/usr/bin/env bash
# Builds a copy of the package's .wasm that keeps its function names, for
# twiggy to attribute the bytes. It is the shipped build (same profile,
# wasm-bindgen and wasm-opt passes) except that nothing strips the name
# section, and it goes to its own profile directory so that it never
# replaces the shipped file. Prints the path of the result.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=bench-names
crate=upcloud_storage
out=bench/out/names

cargo build --quiet -p upcloud-storage --target wasm32-unknown-unknown --profile "$profile" \
  --config "profile.$profile.inherits=\"wasm-release\"" \
  --config "profile.$profile.strip=\"none\""

rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name "$crate" \
  "target/wasm32-unknown-unknown/$profile/$crate.wasm"

# The same passes as scripts/build-pkg.sh; --debuginfo keeps the names.
node_modules/.bin/wasm-opt -Oz --debuginfo \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.wasm"

echo "$out/${crate}_bg.wasm"
