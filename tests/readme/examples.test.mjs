// The README's runnable examples as a set: each runtime has exactly one
// example, in its language, and no block carries a tag this suite would
// silently skip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { README_PATH, RUNTIMES, taggedBlocks } from './lib/setup.mjs';

const blocks = taggedBlocks(readFileSync(README_PATH, 'utf8'));

test('readme tags only known runtimes', () => {
  for (const block of blocks) {
    assert.ok(block.runtime in RUNTIMES, `README.md line ${block.line}: unknown runtime tag "${block.runtime}"`);
  }
});

test('readme has one example per runtime', () => {
  for (const [runtime, language] of Object.entries(RUNTIMES)) {
    const matches = blocks.filter((block) => block.runtime === runtime);
    assert.equal(matches.length, 1, `README.md has ${matches.length} examples tagged "${runtime}"`);
    assert.equal(matches[0].language, language, `the "${runtime}" example is tagged ${matches[0].language}`);
  }
});
