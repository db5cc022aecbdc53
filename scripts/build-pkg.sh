#!/usr/bin/env bash
# Builds the npm package in pkg/: a size-optimised .wasm, wasm-bindgen's
# `--target web` glue in pkg/dist/, and a small module that re-exports the
# hand-written JS classes from the path wasm-bindgen gave their snippets.
# The hand-written entry files (node.js, deno.js, web.js, workerd.js) and
# package.json in pkg/ are committed; pkg/dist/ is build output.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=wasm-release
crate=upcloud_storage
bin=node_modules/.bin
target_dir=${CARGO_TARGET_DIR:-target}

cargo build -p upcloud-storage --profile "$profile" --target wasm32-unknown-unknown

# The package is assembled in a private directory and moved into pkg/dist at
# the end, so a test packing pkg/ while another build runs never packs a
# half-written dist/.
mkdir -p "$target_dir"
work=$(mktemp -d "$target_dir/pkg-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
dist="$work/dist"

wasm-bindgen --target web --out-dir "$dist" --out-name "$crate" \
  "$target_dir/wasm32-unknown-unknown/$profile/$crate.wasm"

# wasm-opt reads the enabled features from the module's target_features
# section. That section is stripped by `strip = true`, so the flags name the
# features rustc enables by default for wasm32-unknown-unknown.
"$bin/wasm-opt" -Oz \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$dist/${crate}_bg.wasm" -o "$dist/${crate}_bg.wasm"

# wasm-bindgen declares `[Symbol.dispose]()` on exported classes, which only
# type-checks with TypeScript's ESNext.Disposable library. Nothing in this
# package needs disposing by hand, so the declaration is dropped from the
# types (the method stays at run time) and projects on ES2022 libs compile.
sed -i '/^ *\[Symbol\.dispose\]() *: *void;$/d' "$dist/$crate.d.ts"

# The classes live in snippet files under a hashed directory name. Entries
# import them through this fixed path, so they export the very classes the
# glue uses and `instanceof` works.
error_js=$(cd "$dist" && find snippets -path '*/src/js/error.js' | head -n 1)
storage_js=$(cd "$dist" && find snippets -path '*/src/js/storage.js' | head -n 1)
if [ -z "$error_js" ] || [ -z "$storage_js" ]; then
  echo "build-pkg: wasm-bindgen emitted no snippet for src/js/error.js or src/js/storage.js" >&2
  exit 1
fi
cat > "$dist/classes.js" <<JS
export { UpCloudError } from './$error_js';
export { Storage } from './$storage_js';
JS

# js-sys finds the global object by probing `self`, then `window`, then
# `globalThis`. Every runtime this package supports has `self` or
# `globalThis`, so the `window` probe is replaced by `undefined`. The shipped
# JavaScript must not name `window` at all, because checks for browser-only
# code in Node, Deno and Workers projects reject packages that do.
glue="$dist/$crate.js"
probe="typeof window === 'undefined' ? undefined : window"
probes=$(grep -cF "$probe" "$glue" || true)
if [ "$probes" -gt 1 ]; then
  echo "build-pkg: expected at most one window probe in $glue, found $probes; check the wasm-bindgen upgrade" >&2
  exit 1
fi
sed -i "s/typeof window === 'undefined' ? undefined : window/undefined/" "$glue"

if grep -rnw window --include='*.js' "$dist" pkg/*.js; then
  echo "build-pkg: the shipped JavaScript references window" >&2
  exit 1
fi

# Both renames stay on one filesystem, so each is atomic.
old="$work/old-dist"
if [ -d pkg/dist ]; then
  mv pkg/dist "$old"
fi
mv "$dist" pkg/dist
dist=pkg/dist

wasm_bytes=$(stat -c %s "$dist/${crate}_bg.wasm")
echo "build-pkg: pkg/ ready, ${crate}_bg.wasm is $wasm_bytes bytes"
