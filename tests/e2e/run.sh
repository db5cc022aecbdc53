#!/usr/bin/env bash
# End-to-end test of the demo control panel. It starts upcloud-mock the way
# `make demo` does (demo data, www/ and pkg/ served), but on a free port,
# with short operations and with a password and token made up for this run.
# Then node --test drives the panel in Debian's Chromium with playwright-core.
# Screenshots and logs go to tests/out/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."

mock=target/release/upcloud-mock
out=tests/out/e2e
if [ ! -x "$mock" ] || [ ! -f pkg/dist/upcloud_storage_bg.wasm ]; then
  echo "e2e: the mock or the package is not built; run 'make mock pkg' first" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"

# The mock serves a copy of pkg/, so a package rebuild during the run (by a
# parallel build in the same tree) cannot mix two builds in one page.
cp -r pkg "$out/pkg"
for file in web.js dist/classes.js dist/upcloud_storage.js dist/upcloud_storage_bg.wasm; do
  if [ ! -f "$out/pkg/$file" ]; then
    echo "e2e: pkg/$file is missing (is the package being rebuilt?); run 'make pkg' first" >&2
    exit 1
  fi
done

# Fresh secrets each run, so a leak check cannot pass by accident. The
# password has non-ASCII characters to cover UTF-8 Basic auth.
E2E_PASSWORD="pässwörd-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
E2E_TOKEN="ucat_e2e$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export E2E_PASSWORD E2E_TOKEN
export E2E_USERNAME=demo

# Two seconds per mock operation leave time to click "Cancel clone" while
# the clone still runs, even on a loaded machine.

"$mock" --listen 127.0.0.1:0 --www www --pkg "$out/pkg" --op-seconds "${E2E_OP_SECONDS:-2}" \
  --user "$E2E_USERNAME:$E2E_PASSWORD" --token "$E2E_TOKEN" > "$out/mock.log" 2>&1 &
mock_pid=$!
stop_mock() {
  kill -TERM "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
}
trap stop_mock EXIT

url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$out/mock.log" | head -n 1)
  if [ -n "$url" ]; then
    break
  fi
  if ! kill -0 "$mock_pid" 2>/dev/null; then
    echo "e2e: upcloud-mock exited before listening; see $out/mock.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "e2e: upcloud-mock printed no listening line within 10 s; see $out/mock.log" >&2
  exit 1
fi

E2E_URL=$url E2E_OUT=$out node --test --test-concurrency=1 tests/e2e/panel.test.mjs
