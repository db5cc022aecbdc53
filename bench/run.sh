#!/usr/bin/env bash
# Runs every benchmark and writes bench/RESULTS.md. `make bench` calls it
# after building the tools, the mock and the package.
#   BENCH_QUICK=1       trial run: fewer runs, a 64 MiB upload file, and the
#                       page goes to bench/out/RESULTS.md
#   BENCH_ONLY=a,b      run only these suites (see bench/main.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x target/release/upcloud-mock ] || [ ! -f pkg/dist/upcloud_storage_bg.wasm ]; then
  echo "bench: build the mock and the package first (make mock pkg), or run make bench" >&2
  exit 1
fi

# twiggy attributes the wasm's bytes to functions; a one-off install from
# crates.io that takes a few minutes.
if ! command -v twiggy >/dev/null; then
  cargo install twiggy --locked
fi

# Pack the built package as it would be published and install the tarball
# into bench/node_modules the way a user installs it. So the benchmarks
# import it by name, get the entry for their runtime and measure exactly
# the files a user receives. The copy also shields a run from another
# `make pkg` that rewrites pkg/dist/ meanwhile. A pack caught in the middle
# of such a rebuild lacks files, so it is retried.
installed=bench/node_modules/upcloud-storage
mkdir -p bench/out
for attempt in 1 2 3; do
  rm -f bench/out/upcloud-storage-*.tgz
  tarball=$(npm pack ./pkg --pack-destination bench/out --silent | tail -n 1)
  npm install --prefix bench --no-save --no-package-lock --no-audit --no-fund --silent "bench/out/$tarball"
  if [ -f "$installed/dist/upcloud_storage_bg.wasm" ] && [ -f "$installed/dist/upcloud_storage.js" ] && [ -f "$installed/dist/classes.js" ]; then
    break
  fi
  if [ "$attempt" = 3 ]; then
    echo "bench: pkg/dist/ was incomplete three times; is another build rewriting it?" >&2
    exit 1
  fi
  sleep 20
done

# Random bytes, so that nothing on the way can compress them; made once and
# reused.
if [ "${BENCH_QUICK:-}" = 1 ]; then upload_bytes=$((64 << 20)); else upload_bytes=$((1 << 30)); fi
upload_file="bench/out/upload-$upload_bytes.bin"
if [ "$(stat -c %s "$upload_file" 2>/dev/null || echo 0)" != "$upload_bytes" ]; then
  head -c "$upload_bytes" /dev/urandom > "$upload_file.partial"
  mv "$upload_file.partial" "$upload_file"
fi

BENCH_UPLOAD_FILE="$upload_file" node --expose-gc bench/main.mjs
