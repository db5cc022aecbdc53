#!/usr/bin/env bash
# Serves the demo control panel (www/) and the built package (pkg/) from
# upcloud-mock with its demo data, on http://127.0.0.1:${PORT:-8080}.
# `make demo` builds the mock and the package first. Ctrl-C stops the mock
# and this script waits until it has exited.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8080}
mock=target/release/upcloud-mock

if [ ! -x "$mock" ]; then
  echo "demo: $mock is missing; run 'make demo' (it builds the mock first)" >&2
  exit 1
fi
if [ ! -f pkg/dist/upcloud_storage_bg.wasm ]; then
  echo "demo: pkg/dist is missing; run 'make demo' (it builds the package first)" >&2
  exit 1
fi

# The mock prints its listening line and demo credentials itself; the
# banner below repeats them once it is ready.
"$mock" --listen "127.0.0.1:$port" --www www --pkg pkg > >(
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if [[ $line == "listening on http://"* ]]; then
      printf '\nDemo control panel: %s/\nSign in with username "demo" and password "demo".\nPress Ctrl-C to stop.\n\n' \
        "${line#listening on }"
    fi
  done
) &
mock_pid=$!

stop() {
  trap - INT TERM
  kill -TERM "$mock_pid" 2>/dev/null || true
}
trap stop INT TERM

# `wait` returns early when a trapped signal arrives, so wait again for the
# mock to finish shutting down.
status=0
wait "$mock_pid" || status=$?
if kill -0 "$mock_pid" 2>/dev/null; then
  wait "$mock_pid" || status=$?
fi
# 130 and 143 are the exits of a mock stopped by Ctrl-C or SIGTERM.
if [ "$status" -eq 0 ] || [ "$status" -eq 130 ] || [ "$status" -eq 143 ]; then
  echo "demo: stopped"
  exit 0
fi
echo "demo: upcloud-mock exited with status $status (if port $port is taken, run e.g. 'make demo PORT=8081')" >&2
exit "$status"
