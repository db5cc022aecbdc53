// Shared setup of the README example tests: the examples themselves, the
// scratch project the package is installed in, and the mock they run against.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startMock } from '../../support/mock.mjs';
import { appDir, packageDir } from '../../js/lib/package.mjs';

export { appDir, packageDir };

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const outDir = process.env.README_OUT ?? join(repoRoot, 'tests/out/readme');
export const README_PATH = join(repoRoot, 'README.md');

/** The credentials the examples read from their environment. */
export const USERNAME = 'demo';
export const PASSWORD = 'demo';
export const TOKEN = 'readme-token';

/** The runtime tags an example's info string may carry, with the language each must use. */
export const RUNTIMES = {
  node: 'js',
  deno: 'js',
  worker: 'js',
  browser: 'html',
  bundler: 'ts',
};

/**
 * Returns the fenced blocks of `markdown` whose info string is
 * `<language> <runtime>`, as `{ language, runtime, code, line }`.
 */
export function taggedBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const opening = /^```(\w+) (\w+)\s*$/.exec(lines[index]);
    if (opening === null) {
      continue;
    }
    const end = lines.indexOf('```', index + 1);
    if (end < 0) {
      throw new Error(`README.md line ${index + 1}: the block tagged "${opening[2]}" is not closed`);
    }
    blocks.push({
      language: opening[1],
      runtime: opening[2],
      code: lines.slice(index + 1, end).join('\n') + '\n',
      line: index + 1,
    });
    index = end;
  }
  return blocks;
}

/** Returns the code of the one README example tagged `runtime`. */
export function example(runtime) {
  const matches = taggedBlocks(readFileSync(README_PATH, 'utf8')).filter((block) => block.runtime === runtime);
  if (matches.length !== 1) {
    throw new Error(`README.md has ${matches.length} blocks tagged "${runtime}"; expected exactly one`);
  }
  return matches[0].code;
}

/** Writes the example tagged `runtime` to `file` and returns the file's path. */
export function writeExample(runtime, file) {
  writeFileSync(file, example(runtime));
  return file;
}

/**
 * Starts the mock with its sample data (public templates, sample disks and
 * servers), one Basic account and one token, and short operations.
 */
export function startReadmeMock() {
  return startMock({
    args: [
      '--listen', '127.0.0.1:0',
      '--user', `${USERNAME}:${PASSWORD}`,
      '--token', TOKEN,
      '--op-seconds', '0.3',
    ],
  });
}

/** Fetches `path` below the mock's API base with the token and returns the parsed JSON. */
export async function apiGet(mock, path) {
  const response = await fetch(`${mock.apiBase}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
  });
  if (!response.ok) {
    throw new Error(`GET ${path} on the mock failed with ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

/** Returns whether `url` points at a loopback address. */
export function isLoopback(url) {
  const { hostname } = new URL(String(url));
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}
