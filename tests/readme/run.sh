#!/usr/bin/env bash
# Runs every runtime-tagged example of README.md against upcloud-mock: the
# package is packed and installed from its tarball into tests/out/readme/app,
# as a user installs it, and each example runs in its runtime (Node, Deno,
# workerd, headless Chromium, tsc plus Node). It builds nothing: `make mock
# pkg` must have run first.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/tests/out/readme
app=$out/app

mock_bin=${UPCLOUD_MOCK_BIN:-$root/target/release/upcloud-mock}
if [ ! -x "$mock_bin" ]; then
  echo "readme: $mock_bin is missing; run 'make mock' first" >&2
  exit 1
fi
for built in pkg/dist/upcloud_storage.js pkg/dist/upcloud_storage_bg.wasm pkg/dist/classes.js; do
  if [ ! -f "$built" ]; then
    echo "readme: $built is missing; run 'make pkg' first" >&2
    exit 1
  fi
done
export UPCLOUD_MOCK_BIN=$mock_bin

# Another `make pkg` may be rewriting pkg/dist/ while this packs it; a pack
# caught in the middle misses files, so it is detected and tried again.
installed=$app/node_modules/upcloud-storage
for attempt in 1 2 3; do
  rm -rf "$out"
  mkdir -p "$app"
  tarball=$(npm pack ./pkg --pack-destination "$out" --silent | tail -n 1)
  cat > "$app/package.json" <<JSON
{ "name": "upcloud-storage-readme-examples", "private": true, "type": "module" }
JSON
  (cd "$app" && npm install --no-audit --no-fund --silent "../$tarball")
  if [ -f "$installed/dist/upcloud_storage_bg.wasm" ] && [ -f "$installed/dist/upcloud_storage.js" ] \
    && [ -f "$installed/dist/classes.js" ]; then
    break
  fi
  if [ "$attempt" = 3 ]; then
    echo "readme: the packed package missed files in pkg/dist/ three times; is another build rewriting it?" >&2
    exit 1
  fi
  sleep 20
done
# The shared test helpers import the package through this file.
printf "export * from 'upcloud-storage';\n" > "$app/entry.mjs"

# tests/js/lib/package.mjs and tests/faults/lib/harness.mjs find the
# installed package through these.
export UPCLOUD_JS_APP_DIR=$app
export FAULTS_APP_DIR=$app
export README_OUT=$out

node --test --test-concurrency=1 tests/readme/*.test.mjs
