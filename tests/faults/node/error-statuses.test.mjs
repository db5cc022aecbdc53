// Every non-2xx response becomes an UpCloudError with the right status and
// UpCloud's own code, whatever the body format: legacy JSON, problem+json,
// plain text or an HTML page from a proxy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  createTestStorage, MISSING_UUID, rejectsWith, startFaultMock, tokenManager,
} from '../lib/harness.mjs';

const EXCERPT_LIMIT = 300;

let mock;
let manager;
let storage;

before(async () => {
  mock = await startFaultMock();
  // Without retries each injected response is the final one, so the test
  // checks how that single response is mapped.
  manager = tokenManager(mock, { retries: 0 });
  storage = await createTestStorage(manager, 'target of injected errors');
});

after(async () => {
  await mock?.stop();
});

async function injectOnGet(spec) {
  await mock.faults({ method: 'GET', path_prefix: `/1.3/storage/${storage.uuid}`, count: 1, ...spec });
}

test('legacy 404 body maps to STORAGE_NOT_FOUND', async () => {
  const error = await rejectsWith(manager.getStorage(MISSING_UUID), { code: 'STORAGE_NOT_FOUND', status: 404 });

  assert.ok(error.message.includes('does not exist'), error.message);
  assert.equal(error.correlationId ?? null, null);
});

test('problem+json 400 maps type fragment to code', async () => {
  await injectOnGet({
    status: 400,
    content_type: 'application/problem+json; charset=utf-8',
    body: JSON.stringify({
      type: 'https://developers.upcloud.com/1.3/errors#ERROR_INVALID_REQUEST',
      title: 'Validation error.',
      status: 400,
      correlation_id: '01HX4ZQ8T5RJ7V8K9M2N3P4Q5R',
      invalid_params: [
        { name: 'title', reason: 'Title must be between 1 and 255 characters.' },
        { name: 'size', reason: 'Size must be a number.' },
      ],
    }),
  });

  const error = await rejectsWith(manager.getStorage(storage.uuid), { code: 'INVALID_REQUEST', status: 400 });

  assert.equal(error.correlationId, '01HX4ZQ8T5RJ7V8K9M2N3P4Q5R');
  assert.deepEqual(error.invalidParams.map(({ name, reason }) => ({ name, reason })), [
    { name: 'title', reason: 'Title must be between 1 and 255 characters.' },
    { name: 'size', reason: 'Size must be a number.' },
  ]);
});

test('problem body without ERROR_ prefix keeps its fragment', async () => {
  await injectOnGet({
    status: 409,
    content_type: 'Application/Problem+JSON',
    body: JSON.stringify({
      type: 'https://developers.upcloud.com/1.3/errors#STORAGE_STATE_ILLEGAL',
      title: 'Storage is busy.',
      status: 409,
    }),
  });

  await rejectsWith(manager.getStorage(storage.uuid), { code: 'STORAGE_STATE_ILLEGAL', status: 409 });
});

test('text/plain 429 has null code and an excerpt', async () => {
  await injectOnGet({
    status: 429, content_type: 'text/plain', body: 'Too many requests from this address, slow down.',
  });

  const error = await rejectsWith(manager.getStorage(storage.uuid), { status: 429 });

  assert.equal(error.code, null);
  assert.ok(error.message.includes('Too many requests from this address'), error.message);
});

test('HTML 502 has null code and a short excerpt', async () => {
  const filler = '<p>An upstream server did not answer in time.</p>'.repeat(400);
  await injectOnGet({
    status: 502,
    content_type: 'text/html',
    body: `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>${filler}</body></html>`,
  });

  const error = await rejectsWith(manager.getStorage(storage.uuid), { status: 502 });

  assert.equal(error.code, null);
  assert.ok(error.message.includes('502 Bad Gateway'), error.message);
  assert.ok(!error.message.includes('<h1>'), `markup leaked into the message: ${error.message}`);
  assert.ok(error.message.length <= EXCERPT_LIMIT, `message is ${error.message.length} characters long`);
});

test('empty 503 has null code', async () => {
  await injectOnGet({ status: 503, content_type: 'text/plain', body: '' });

  const error = await rejectsWith(manager.getStorage(storage.uuid), { status: 503 });

  assert.equal(error.code, null);
});

test('legacy error on a POST keeps its code', async () => {
  await mock.faults({
    method: 'POST',
    path_prefix: '/1.3/storage',
    count: 1,
    status: 402,
    error_code: 'INSUFFICIENT_CREDITS',
    error_message: 'You do not have enough credits.',
  });

  await rejectsWith(createTestStorage(manager, 'no credit'), { code: 'INSUFFICIENT_CREDITS', status: 402 });
});

test('malformed success body is a DECODE_ERROR', async () => {
  await injectOnGet({
    status: 200, content_type: 'application/json; charset=UTF-8', body: '{"storage": {"uuid": 42',
  });

  await rejectsWith(manager.getStorage(storage.uuid), { code: 'DECODE_ERROR' });
  const fetched = await manager.getStorage(storage.uuid);
  assert.equal(fetched.uuid, storage.uuid, 'the manager works after a decode error');
});

test('HTML page answered 200 is a DECODE_ERROR', async () => {
  await injectOnGet({
    status: 200, content_type: 'text/html', body: '<html><body><h1>Sign in to the hotel network</h1></body></html>',
  });

  await rejectsWith(manager.getStorage(storage.uuid), { code: 'DECODE_ERROR' });
});

test('problem body is recognised by its type key', async () => {
  await injectOnGet({
    status: 403,
    content_type: 'application/json',
    body: JSON.stringify({
      type: 'https://developers.upcloud.com/1.3/errors#ERROR_STORAGE_FORBIDDEN',
      title: 'Access denied.',
      status: 403,
      correlation_id: '01HX4ZQ8T5RJ7V8K9M2N3P4Q6S',
    }),
  });

  const error = await rejectsWith(manager.getStorage(storage.uuid), { code: 'STORAGE_FORBIDDEN', status: 403 });

  assert.equal(error.correlationId, '01HX4ZQ8T5RJ7V8K9M2N3P4Q6S');
});

test('list answered with an HTML 500 rejects', async () => {
  await mock.faults({
    method: 'GET', path_prefix: '/1.3/storage', count: 1, status: 500, content_type: 'text/html',
    body: '<html><body><h1>Internal Server Error</h1></body></html>',
  });

  const error = await rejectsWith(manager.getStorages('private'), { status: 500 });

  assert.equal(error.code, null);
  assert.ok(error.message.includes('Internal Server Error'), error.message);
});
