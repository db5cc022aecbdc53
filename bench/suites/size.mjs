// Package size: the release .wasm and the JavaScript shipped with it, raw
// and gzip-compressed, against the plain-JS client. Where the wasm's bytes
// go comes from twiggy on a build that keeps function names.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync, constants as zlib } from 'node:zlib';

export const TITLE = 'Package size';

const execFileAsync = promisify(execFile);
// The budget counts kilobytes of 1,000 bytes, the stricter reading.
const WASM_RAW_BUDGET = 150_000;
const WASM_GZIP_BUDGET = 60_000;
const TOP_ITEMS = 15;

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

function gzipBytes(buffer) {
  return gzipSync(buffer, { level: zlib.Z_BEST_COMPRESSION }).length;
}

function measureFiles(files) {
  const buffers = files.map((file) => readFileSync(file));
  return {
    raw: buffers.reduce((sum, buffer) => sum + buffer.length, 0),
    // Each file is its own HTTP response, so each is compressed alone.
    gzip: buffers.reduce((sum, buffer) => sum + gzipBytes(buffer), 0),
  };
}

// Items of the name section, which only the names build has.
const NAME_SECTION = /^"[a-z ]+ names" subsection|^custom section 'name'/;

// Returns the crate of a demangled Rust path. For a trait method
// (`<A as B>::f`) it is the crate of the type A, or of the trait B when A
// is a primitive such as f64. The `[hash]` that distinguishes two copies of
// one crate is dropped.
function crateOf(name) {
  let qualified = name.replace(/^[&*\s]+/, '');
  const traitImpl = qualified.match(/^<(.+?) as (.+?)>::/);
  if (traitImpl) qualified = traitImpl[1].includes('::') ? traitImpl[1] : traitImpl[2];
  qualified = qualified.replace(/^([<&*\s]|mut |dyn |impl )+/, '');
  return qualified.split('::')[0].replace(/\[[0-9a-f]+\]$/, '').replace(/[<>&\s].*$/, '');
}

// Returns the crate or the part of the module that an item of `twiggy top` belongs to.
function ownerOf(name) {
  if (/^data( segment|\[)/.test(name)) return 'data segments (constants, string literals, tables)';
  if (/externref shim$|^__wbindgen|^__wbg|^__externref/.test(name)) return 'wasm-bindgen glue (export shims, externref table)';
  if (name.startsWith('code[')) return 'functions the name section does not name';
  if (/^(elem|type|import|export|table|memory|global)\b|^(code section|wasm magic|custom section)/.test(name)) {
    return 'module structure (types, imports, exports, tables)';
  }
  if (!name.includes('::')) return 'other functions without a Rust path (memcpy, allocator)';
  return crateOf(name);
}

async function twiggyBreakdown(context) {
  const { stdout: wasmPath } = await execFileAsync(path.join(context.benchDir, 'wasm-names.sh'), { cwd: context.repoRoot, maxBuffer: 1 << 20 });
  const namesWasm = path.join(context.repoRoot, wasmPath.trim());
  const { stdout } = await execFileAsync('twiggy', ['top', '--format', 'json', namesWasm], { maxBuffer: 64 << 20 });
  const items = JSON.parse(stdout).filter((item) => !NAME_SECTION.test(item.name));

  const byOwner = new Map();
  for (const item of items) {
    const owner = ownerOf(item.name);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + item.shallow_size);
  }
  const total = items.reduce((sum, item) => sum + item.shallow_size, 0);
  const percent = (bytes) => `${((bytes / total) * 100).toFixed(1)} %`;

  const owners = [...byOwner.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_ITEMS);
  const top = items.slice(0, TOP_ITEMS);
  const escape = (text) => text.replace(/\|/g, '\\|').slice(0, 120);

  const largest = owners.slice(0, 3).map(([owner, bytes]) => `${owner} ${(bytes / 1000).toFixed(0)} KB`).join(', ');
  const notes = [
    `Where the wasm's bytes go, from \`twiggy top\` on a build that differs from the shipped one only by keeping the name section (\`bench/wasm-names.sh\`; ${total.toLocaleString('en-US')} bytes without that section). By crate, from the first path segment of each function's name, which for a trait method is the crate of the type it is implemented for. So generic code counts under its outermost type: a wrapper such as serde_path_to_error also carries the deserialisation code of the types it wraps.`,
    ['| Crate or part | Bytes | Share |', '| --- | --- | --- |',
      ...owners.map(([owner, bytes]) => `| ${escape(owner)} | ${bytes.toLocaleString('en-US')} | ${percent(bytes)} |`)].join('\n'),
    `The ${TOP_ITEMS} largest items:`,
    ['| Item | Bytes | Share |', '| --- | --- | --- |',
      ...top.map((item) => `| \`${escape(item.name)}\` | ${item.shallow_size.toLocaleString('en-US')} | ${percent(item.shallow_size)} |`)].join('\n'),
  ];
  return { notes, largest };
}

/** Measures the package's size; see the file comment. */
export async function run(context) {
  const { packageDir } = context;
  const distDir = path.join(packageDir, 'dist');
  const distFiles = listFiles(distDir);

  const wasm = measureFiles(distFiles.filter((file) => file.endsWith('.wasm')));
  const glue = measureFiles(distFiles.filter((file) => file.endsWith('.js')));
  const browserEntry = measureFiles([path.join(packageDir, 'web.js')]);
  const plain = measureFiles([path.join(context.benchDir, 'plain-client.mjs')]);
  const browserTotalGzip = wasm.gzip + glue.gzip + browserEntry.gzip;

  let breakdown;
  try {
    breakdown = await twiggyBreakdown(context);
  } catch (error) {
    breakdown = { notes: [`**No breakdown**: the names build or twiggy failed: ${String(error.message ?? error).split('\n')[0]}`] };
  }
  const reason = breakdown.largest ? `The largest parts are ${breakdown.largest} (see the breakdown)` : undefined;

  return {
    title: TITLE,
    about: 'Sizes of the package as `npm pack` ships it (built by `make pkg`: `opt-level = 3`, LTO, `wasm-opt -Oz`). gzip is zlib level 9, each file compressed alone as a server would send it. Budgets count 1 KB as 1,000 bytes.',
    rows: [
      { figure: 'Release `.wasm`, raw', unit: 'bytes', value: wasm.raw, target: { text: '≤ 150 KB', met: wasm.raw <= WASM_RAW_BUDGET, reason } },
      { figure: 'Release `.wasm`, gzip', unit: 'bytes', value: wasm.gzip, target: { text: '≤ 60 KB', met: wasm.gzip <= WASM_GZIP_BUDGET } },
      { figure: 'JS glue (`dist/**/*.js`), raw', unit: 'bytes', value: glue.raw },
      { figure: 'JS glue (`dist/**/*.js`), gzip', unit: 'bytes', value: glue.gzip },
      {
        figure: 'What a browser downloads, gzip (package: `web.js`, glue and `.wasm`; plain: `plain-client.mjs`)',
        unit: 'bytes', better: 'lower',
        package: { n: 1, median: browserTotalGzip, min: browserTotalGzip, max: browserTotalGzip },
        plain: { n: 1, median: plain.gzip, min: plain.gzip, max: plain.gzip },
      },
    ],
    notes: breakdown.notes,
  };
}
