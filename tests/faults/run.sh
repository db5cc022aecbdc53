#!/usr/bin/env bash
# Runs the fault regression suite against the built package and the mock.
# It builds nothing: `make mock pkg` must have run first. The package is
# packed and installed into a scratch app under tests/out/faults the way
# users install it, and every test file starts (and stops) its own mock on a
# loopback port.
# Arguments, if any, are the test files to run instead of all of them.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

mock_bin=${UPCLOUD_MOCK_BIN:-$root/target/release/upcloud-mock}
if [ ! -x "$mock_bin" ]; then
  echo "faults: $mock_bin is missing; run 'make mock' first" >&2
  exit 1
fi
for built in pkg/dist/upcloud_storage.js pkg/dist/upcloud_storage_bg.wasm; do
  if [ ! -f "$built" ]; then
    echo "faults: $built is missing; run 'make pkg' first" >&2
    exit 1
  fi
done
export UPCLOUD_MOCK_BIN=$mock_bin

# Each run installs into its own folder, so two runs at once (a developer's
# and `make test`'s) do not replace each other's package mid-run.
mkdir -p tests/out/faults
out=$(mktemp -d "$root/tests/out/faults/run.XXXXXX")
app=$out/app
runner=
cleanup() {
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -- "-$runner" 2>/dev/null || true
  fi
  rm -rf "$out"
}
trap cleanup EXIT INT TERM

mkdir -p "$app"
tarball=$(npm pack ./pkg --pack-destination "$out" --silent | tail -n 1)
printf '{ "name": "faults-app", "private": true, "type": "module" }\n' > "$app/package.json"
(cd "$app" && npm install --no-audit --no-fund --silent "$out/$tarball")
# Tests import the package through this file, so `upcloud-storage` resolves
# through the installed package's `exports` as in a user's project.
printf "export * from 'upcloud-storage';\n" > "$app/entry.mjs"
export FAULTS_APP_DIR=$app
if ! (cd "$app" && node --input-type=module -e "await import('./entry.mjs')" >/dev/null); then
  echo "faults: the packed package does not load; is pkg/dist complete (make pkg)?" >&2
  exit 1
fi

# The runner gets its own process group so the trap can stop it together
# with every mock, browser and workerd it started, should a test hang.
# Test files given as arguments run alone, for working on one case.
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(tests/faults/node/*.test.mjs)
fi
setsid node --test --test-reporter=spec --test-concurrency=1 --test-timeout=120000 "${tests[@]}" &
runner=$!
status=0
wait "$runner" || status=$?
runner=
exit "$status"
