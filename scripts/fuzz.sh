#!/usr/bin/env bash
# Fuzzes the response parsers and the JS-input decoding.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 300)
#
# With a nightly toolchain this runs the cargo-fuzz targets in fuzz/
# (installing cargo-fuzz from crates.io if missing), seeded with the recorded
# response bodies in ../shared/conformance when python3 is available.
# Without nightly it runs the time-boxed proptest loop in tests/never_panic.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-300}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET]" >&2
  exit 2
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "No nightly toolchain, so cargo-fuzz cannot run; using the proptest loop for ${SECONDS_PER_TARGET} s."
  UPCLOUD_FUZZ_SECONDS="$SECONDS_PER_TARGET" \
    cargo test --release -p upcloud-storage --test never_panic -- --ignored --nocapture fuzz_loop_for_duration
  exit 0
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  # The lock file can pin a yanked crate; fall back to fresh resolution then.
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

# Seed files use the parse_response layout: status (2 bytes, big-endian),
# a content-type selector byte (1 = application/json), then the body.
conformance_dir="${UPCLOUD_CONFORMANCE_DIR:-../shared/conformance}"
seed_dir=fuzz/corpus/parse_response
mkdir -p "$seed_dir" fuzz/corpus/js_input
if command -v python3 >/dev/null && [ -d "$conformance_dir" ]; then
  python3 - "$conformance_dir" "$seed_dir" <<'PY'
import json, pathlib, sys
source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for case in sorted(source.glob("*.json")):
    for index, exchange in enumerate(json.loads(case.read_text()).get("exchanges", [])):
        response = exchange.get("response", {})
        body = response.get("body")
        data = b"" if body is None else json.dumps(body).encode()
        status = int(response.get("status", 200)) & 0xFFFF
        (target / f"{case.stem}-{index}").write_bytes(status.to_bytes(2, "big") + b"\x01" + data)
PY
fi

status=0
for target in parse_response js_input; do
  echo "Fuzzing $target for ${SECONDS_PER_TARGET} s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$SECONDS_PER_TARGET" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "fuzz target $target failed; the crashing input is under fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
done
