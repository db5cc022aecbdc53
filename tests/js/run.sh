#!/usr/bin/env bash
# Tests the built package the way users get it: `npm pack` of pkg/ and an
# `npm install` of that tarball into a scratch project under tests/out/js.
# The TypeScript usage file is type-checked against the installed package.
# Then the same scenario runs in Node (node:test), Deno and a Worker under
# workerd, and the browser entry in Chromium, all against upcloud-mock on
# loopback ports chosen by the OS.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bin="$root/node_modules/.bin"
out="$root/tests/out/js"

[ -f pkg/dist/upcloud_storage_bg.wasm ] || scripts/build-pkg.sh
[ -x target/release/upcloud-mock ] || cargo build --release -p upcloud-mock

rm -rf "$out"
mkdir -p "$out/app"
tarball=$(npm pack ./pkg --pack-destination "$out" --silent | tail -n 1)
cat > "$out/app/package.json" <<JSON
{ "name": "upcloud-storage-js-tests", "private": true, "type": "module" }
JSON
(cd "$out/app" && npm install --no-audit --no-fund --silent "../$tarball")
# Tests import the package through this file, so `upcloud-storage` resolves
# through the installed package's `exports` as in a user's project.
printf "export * from 'upcloud-storage';\n" > "$out/app/entry.mjs"

echo "== TypeScript: tsc --noEmit --strict on tests/ts/usage.ts"
cp tests/ts/usage.ts tests/ts/tsconfig.json "$out/app/"
(cd "$out/app" && "$bin/tsc" -p tsconfig.json)
echo "ok"

export UPCLOUD_JS_APP_DIR="$out/app"
status=0

echo "== Node $(node --version)"
node --test --test-concurrency=1 tests/js/node.test.mjs tests/js/regressions.test.mjs tests/js/readme.test.mjs tests/js/wrong-arguments.test.mjs || status=1

echo "== Chromium (playwright-core)"
node --test tests/js/browser.test.mjs || status=1

echo "== Deno $("$bin/deno" --version | head -n 1)"
# The package's Deno entry loads its .wasm as a module, so importing it
# needs no permission at all; this check runs with none.
cat > "$out/app/deno-no-permissions.mjs" <<'JS'
import { CloudManager, UpCloudError } from 'upcloud-storage';
try {
  new CloudManager({});
  throw new Error('empty credentials were accepted');
} catch (error) {
  if (!(error instanceof UpCloudError) || error.code !== 'VALIDATION_ERROR') throw error;
}
console.log('ok - deno: the package loads with no permissions');
JS
(cd "$out/app" && DENO_DIR="$out/deno-cache" "$bin/deno" run --quiet --no-prompt deno-no-permissions.mjs) || status=1
DENO_DIR="$out/deno-cache" "$bin/deno" run --quiet --no-prompt \
  --allow-read="$root/tests" --allow-net=127.0.0.1 --allow-env --allow-run \
  tests/js/deno-runner.mjs || status=1

echo "== workerd $("$bin/workerd" --version 2>/dev/null || echo '')"
node --test tests/js/workerd.test.mjs || status=1

exit $status
