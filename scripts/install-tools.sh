#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already
# present, so it is cheap to run before every build. Everything comes from
# crates.io, Debian's packages or the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with the exact wasm-bindgen pin in Cargo.toml: the CLI refuses
# glue generated for another version.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' Cargo.toml)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
  # No --locked: the CLI's lock file pins a crate that crates.io no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
command -v xorriso >/dev/null || missing+=(xorriso)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

# Node dev tools (deno, workerd, wasm-opt, playwright-core, tsc) are pinned in
# package-lock.json; `npm ci` is skipped when node_modules was installed from
# this very lock file.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.lock-hash
fi
