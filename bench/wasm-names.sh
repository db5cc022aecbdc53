#!/usr/bin/env bash
# Makes a copy of the package's .wasm that keeps its function names, for
# twiggy to attribute the bytes, and prints its path. It starts from the
# cargo output that `make pkg` left, which keeps its name section, and runs
# the same wasm-bindgen and wasm-opt passes as scripts/build-pkg.sh, with
# --debuginfo so that wasm-opt keeps the names. When that cargo output has
# no names (a profile that strips), it builds an unstripped copy under its
# own profile instead, which takes minutes the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=upcloud_storage
out=bench/out/names
input="target/wasm32-unknown-unknown/wasm-release/$crate.wasm"

# grep -c reads to the end, so twiggy never dies of SIGPIPE under pipefail.
if ! twiggy top -n 50 "$input" | grep -c '"function names" subsection' >/dev/null; then
  profile=bench-names
  cargo build --quiet -p upcloud-storage --target wasm32-unknown-unknown --profile "$profile" \
    --config "profile.$profile.inherits=\"wasm-release\"" \
    --config "profile.$profile.strip=\"none\""
  input="target/wasm32-unknown-unknown/$profile/$crate.wasm"
fi

rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name "$crate" "$input"

node_modules/.bin/wasm-opt -Oz --debuginfo \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.wasm"

echo "$out/${crate}_bg.wasm"
