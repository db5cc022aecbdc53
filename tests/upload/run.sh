#!/usr/bin/env bash
# Runs the upload suite against the built package and the mock: a type
# check, then Node tests (which also drive Chromium, Deno and workerd). It
# builds nothing: `make mock pkg` must have run first. Images are made
# under tests/out/upload.
set -euo pipefail
cd "$(dirname "$0")/../.."

mock_bin=${UPCLOUD_MOCK_BIN:-$PWD/target/release/upcloud-mock}
if [ ! -x "$mock_bin" ]; then
  echo "upload tests: $mock_bin is missing; run 'make mock' first" >&2
  exit 1
fi
if [ ! -f pkg/dist/upcloud_storage_bg.wasm ]; then
  echo "upload tests: pkg/dist is missing; run 'make pkg' first" >&2
  exit 1
fi
export UPCLOUD_MOCK_BIN=$mock_bin

# The upload methods' TypeScript types, as a caller uses them.
node_modules/.bin/tsc -p tests/upload/ts

# Images are remade on every run so a changed tool or script is noticed.
rm -rf tests/out/upload
mkdir -p tests/out/upload

# Its own process group lets the trap stop every mock, browser and workerd
# the tests started, should one hang.
runner=
stop_runner() {
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -- "-$runner" 2>/dev/null || true
  fi
}
trap stop_runner EXIT INT TERM

tests=(${UPLOAD_TESTS:-tests/upload/node/*.test.mjs})
setsid node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 "${tests[@]}" &
runner=$!
status=0
wait "$runner" || status=$?
runner=
exit "$status"
