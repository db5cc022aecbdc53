// Drives the demo control panel in Chromium against upcloud-mock, which
// run.sh starts with demo data. The steps cover sign-in, create, edit,
// filter, clone and a cancelled clone, backup, restore, templatize, imports
// from a URL and from a file, delete, errors, token sign-in and a
// phone-sized screen. Every screenshot is checked for the password and token.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  launchPanel, makeDiskImage, mockControls, screenshotWithoutSecrets, serveFile, sha256,
} from './support.mjs';

const baseUrl = requireEnv('E2E_URL');
const out = requireEnv('E2E_OUT');
const username = requireEnv('E2E_USERNAME');
const password = requireEnv('E2E_PASSWORD');
const token = requireEnv('E2E_TOKEN');
const secrets = {
  password,
  token,
  'Basic credentials': Buffer.from(`${username}:${password}`).toString('base64'),
};
// Long enough for any mock operation at the run's --op-seconds, short
// enough that a hung step fails the run instead of stalling it.
const OPERATION_MS = 60_000;
// Large enough that the socket buffers between Chromium and the mock cannot
// swallow the whole upload, so the slowed upload shows real progress.
const IMAGE_MIB = 48;
const mock = mockControls(baseUrl);

let browser;
let page;
let image;
let smallImage;
let imageServer;

before(async () => {
  image = { path: join(out, 'disk.img') };
  image.sha256 = makeDiskImage(image.path, IMAGE_MIB);
  smallImage = { path: join(out, 'small.img') };
  smallImage.sha256 = makeDiskImage(smallImage.path, 2);
  execFileSync('gzip', ['-k', '-f', '-n', smallImage.path]);
  imageServer = await serveFile(smallImage.path, 'small.img');
  browser = await launchPanel({ width: 1280, height: 900 });
  page = browser.page;
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await imageServer?.close();
});

const shoot = (name) => screenshotWithoutSecrets(browser, out, name, secrets);

test('demo control panel end to end', async (t) => {
  // Each step builds on the previous ones, so after a failure the rest are
  // skipped instead of failing with misleading timeouts.
  let failedStep = null;
  const step = (name, body) => t.test(name, async (subtest) => {
    if (failedStep) {
      subtest.skip(`"${failedStep}" failed`);
      return;
    }
    try {
      await body();
    } catch (error) {
      failedStep = name;
      await page?.screenshot({ path: join(out, 'failed-step.png'), fullPage: true }).catch(() => {});
      throw error;
    }
  });

  await step('sign-in with username and password', async () => {
    await page.goto(`${baseUrl}/`);
    // The page enables signing in once its script and the package loaded.
    await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
    const baseField = page.getByLabel('API base URL');
    assert.equal(await baseField.inputValue(), `${baseUrl}/1.3`);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await shoot('sign-in');
    await page.getByLabel('Password', { exact: true }).fill(password);

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#storage-rows tr').first().waitFor();
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'password field cleared');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'storages-title');
    assert.ok(await page.locator('#storage-rows tr').count() > 0, 'demo data listed');
    await shoot('signed-in');
  });

  await step('keyboard selects and dialogs return focus', async () => {
    const firstTitle = page.locator('#storage-rows button').first();
    await firstTitle.focus();
    await page.keyboard.press('Enter');
    await page.locator('#details-actions button').first().waitFor();
    assert.equal(await focusedId(), 'details-title', 'focus moves to the details');

    await page.locator('#create-open').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create storage' });
    await dialog.waitFor();
    assert.equal(await focusedId(), 'create-title-input', 'focus moves into the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focusedId(), 'create-open', 'focus returns to the opener');

    await page.locator('#details-close').focus();
    await page.keyboard.press('Enter');
    await page.locator('#details').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.closest('#storage-rows') !== null), true,
      'focus returns to the row');
  });

  await step('wrong password shows the API code', async () => {
    const probe = await launchPanel({ width: 1024, height: 700 });
    try {
      await probe.page.goto(`${baseUrl}/`);
      await probe.page.getByLabel('Username', { exact: true }).fill(username);
      await probe.page.getByLabel('Password', { exact: true }).fill(`${password}-wrong`);
      await probe.page.getByRole('button', { name: 'Sign in' }).click();
      const alert = probe.page.getByRole('alert').filter({ hasText: 'AUTHENTICATION_FAILED' });
      await alert.waitFor();
      assert.match(await alert.innerText(), /Could not sign in: .*\(AUTHENTICATION_FAILED, HTTP 401\)/);
      assert.match(await alert.innerText(), /username and password/);
      assert.equal(await probe.page.getByLabel('Password', { exact: true }).inputValue(), '');
      await screenshotWithoutSecrets(probe, out, 'sign-in-failed', secrets);
    } finally {
      await probe.close();
    }
  });

  await step('wrong token names the token', async () => {
    const probe = await launchPanel({ width: 1024, height: 700 });
    try {
      await probe.page.goto(`${baseUrl}/`);
      await probe.page.getByRole('radio', { name: 'API token' }).check();
      await probe.page.getByRole('textbox', { name: 'API token' }).fill(`${token}-wrong`);
      await probe.page.getByRole('button', { name: 'Sign in' }).click();
      const alert = probe.page.getByRole('alert').filter({ hasText: 'AUTHENTICATION_FAILED' });
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, /Could not sign in: .*API token.*\(AUTHENTICATION_FAILED, HTTP 401\)/);
      assert.doesNotMatch(text, /password/i);
      assert.equal(await probe.page.locator('#token').inputValue(), '');
      await screenshotWithoutSecrets(probe, out, 'token-sign-in-failed', secrets);
    } finally {
      await probe.close();
    }
  });

  await step('create with encryption, backup rule and labels', async () => {
    await mock.clearRequests();
    await page.getByRole('button', { name: 'Create storage' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create storage' });
    await dialog.getByLabel('Title', { exact: true }).fill('e2e disk');
    await dialog.getByLabel('Size (GiB)', { exact: true }).fill('10');
    await dialog.getByLabel('Tier', { exact: true }).selectOption('maxiops');
    await dialog.getByLabel(/Encrypt at rest/).check();
    await dialog.getByLabel('Back up on a schedule', { exact: true }).check();
    await dialog.getByLabel('Interval', { exact: true }).selectOption('daily');
    await dialog.getByLabel('Time (UTC)', { exact: true }).fill('04:30');
    await dialog.getByLabel('Keep for (days)', { exact: true }).fill('7');
    await dialog.getByLabel('Labels', { exact: true }).fill('env=e2e\nowner=panel');
    await shoot('create-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.locator('#details-title', { hasText: 'e2e disk' }).waitFor();
    await detail('Encryption').filter({ hasText: 'Encrypted at rest' }).waitFor();
    assert.equal(await detail('Backup rule').innerText(), 'Daily at 04:30 UTC, kept 7 days');
    assert.match(await detail('Labels').innerText(), /env=e2e\s*owner=panel/);
    await row('e2e disk').waitFor();

    const create = (await mock.requests()).find((request) => request.method === 'POST' && request.path === '/1.3/storage');
    assert.ok(create, 'a create request reached the mock');
    assert.equal(create.body.storage.encrypted, 'yes');
    assert.deepEqual(create.body.storage.labels, [{ key: 'env', value: 'e2e' }, { key: 'owner', value: 'panel' }]);
    assert.equal(create.body.storage.backup_rule.interval, 'daily');
    assert.equal(create.body.storage.backup_rule.time, '0430');
    assert.equal(Number(create.body.storage.backup_rule.retention), 7);
    await shoot('created');
  });

  await step('edit shows validation errors, then saves', async () => {
    await actionButton('Edit').click();
    const dialog = page.getByRole('dialog', { name: 'Edit storage' });
    await dialog.getByLabel('Labels', { exact: true }).fill('_system=nope');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const error = dialog.getByRole('alert');
    await error.waitFor();
    assert.match(await error.innerText(), /Could not change "e2e disk": .*\(VALIDATION_ERROR/);
    await shoot('edit-validation-error');

    await dialog.getByLabel('Title', { exact: true }).fill('e2e disk renamed');
    await dialog.getByLabel('Size (GiB)', { exact: true }).fill('20');
    await dialog.getByLabel('Labels', { exact: true }).fill('env=e2e\nowner=panel\ntier=gold');
    await dialog.getByLabel('Keep for (days)', { exact: true }).fill('14');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.locator('#details-title', { hasText: 'e2e disk renamed' }).waitFor();
    await detail('Size').filter({ hasText: '20 GiB' }).waitFor();
    assert.equal(await detail('Backup rule').innerText(), 'Daily at 04:30 UTC, kept 14 days');
    assert.match(await detail('Labels').innerText(), /tier=gold/);
    await row('e2e disk renamed').waitFor();

    await actionButton('Edit').click();
    assert.equal(await dialog.getByLabel('Title', { exact: true }).inputValue(), 'e2e disk renamed', 'edit opens with saved values');
    assert.equal(await dialog.getByLabel('Size (GiB)', { exact: true }).inputValue(), '20');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  await step('grow filesystem after growing the disk', async () => {
    await actionButton('Grow filesystem').click();
    await page.getByRole('status').filter({ hasText: 'Grew the filesystem of "e2e disk renamed"' }).waitFor({ timeout: OPERATION_MS });
    assert.match(await page.getByRole('status').innerText(), /UpCloud kept backup "Resize Backup"/);
  });

  await step('label filter narrows the list', async () => {
    await page.locator('#filter-labels').fill('env=e2e');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#storage-rows tr').length === 1);
    await row('e2e disk renamed').waitFor();
    await shoot('label-filter');
    await page.locator('#filter-labels').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#storage-rows tr').length > 1);
  });

  await step('clone runs to the end', async () => {
    await selectRow('e2e disk renamed');
    await actionButton('Clone').click();
    const dialog = page.getByRole('dialog', { name: 'Clone storage' });
    await dialog.getByLabel('Title of the copy', { exact: true }).fill('e2e clone');
    await dialog.getByLabel('Tier', { exact: true }).selectOption('standard');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const entry = activity('→ "e2e clone"');
    await entry.waitFor();
    await shoot('clone-running');
    await ended(entry, 'done');
    await row('e2e clone').waitFor();
  });

  await step('clone cancelled while it runs', async () => {
    await selectRow('e2e disk renamed');
    await actionButton('Clone').click();
    const dialog = page.getByRole('dialog', { name: 'Clone storage' });
    await dialog.getByLabel('Title of the copy', { exact: true }).fill('e2e clone to cancel');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    const entry = activity('→ "e2e clone to cancel"');
    await entry.getByRole('button', { name: 'Cancel clone' }).click();
    await ended(entry, 'cancelled');
    assert.match(await entry.innerText(), /Clone cancelled/);
    await row('e2e clone to cancel').waitFor({ state: 'detached' });
  });

  await step('back up now', async () => {
    await selectRow('e2e disk renamed');
    await actionButton('Back up now').click();
    const dialog = page.getByRole('dialog', { name: /Back up "e2e disk renamed"/ });
    await dialog.getByLabel('Title', { exact: true }).fill('e2e backup');
    await dialog.getByRole('button', { name: 'Back up now' }).click();
    const entry = activity('Backup "e2e backup"');
    await ended(entry, 'done');
    await detail('Backups').filter({ hasText: 'e2e backup' }).waitFor();
    await shoot('backed-up');
  });

  await step('restore a backup after confirmation', async () => {
    await page.getByRole('button', { name: 'Restore backup e2e backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });
    assert.match(await dialog.innerText(), /Restore backup "e2e backup" .* onto "e2e disk renamed"\?/);
    await shoot('restore-confirm');
    await dialog.getByRole('button', { name: 'Restore onto "e2e disk renamed"' }).click();
    const entry = activity('Restore of "e2e disk renamed"');
    await ended(entry, 'done');
  });

  await step('templatize', async () => {
    await selectRow('e2e disk renamed');
    await actionButton('Make template').click();
    const dialog = page.getByRole('dialog', { name: /Make a template/ });
    await dialog.getByLabel('Title', { exact: true }).fill('e2e template');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await ended(activity('Template "e2e template"'), 'done');
    await page.locator('#filter-type').selectOption('template');
    await row('e2e template').waitFor();
    await page.locator('#filter-type').selectOption('normal');
    await row('e2e disk renamed').waitFor();
  });

  await step('import from a URL', async () => {
    await selectRow('e2e disk renamed');
    const uuid = await selectedUuid();
    await actionButton('Import from URL').click();
    const dialog = page.getByRole('dialog', { name: 'Import from a URL' });
    await dialog.getByLabel('Image URL', { exact: true }).fill(imageServer.url);
    await dialog.getByRole('button', { name: 'Import' }).click();
    const entry = activity('Import of http://127.0.0.1');
    await ended(entry, 'done', 'the URL import');
    const written = await mock.storageData(uuid, 0, readFileSync(smallImage.path).length);
    assert.equal(sha256(written), smallImage.sha256, 'the disk holds the downloaded image');
  });

  await step('drop zone takes a dropped file', async () => {
    await actionButton('Import from file').click();
    const dialog = page.getByRole('dialog', { name: 'Import from a file' });
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(4096)], 'dropped.img'));
      const zone = document.getElementById('drop-zone');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    });
    await dialog.getByText('Selected: dropped.img, 4.0 KiB').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Upload and import' }).isEnabled(), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  await step('file upload cancelled mid-way', async () => {
    await mock.fault({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 256 * 1024, count: 1 });
    await startFileImport(image.path);
    const entry = activity('Upload of disk.img');
    await entry.getByText(new RegExp(`Uploading: [1-9][\\d.]* (KiB|MiB) of ${IMAGE_MIB}\\.0 MiB`)).waitFor();
    await entry.getByRole('button', { name: 'Cancel upload' }).click();
    await ended(entry, 'cancelled', 'the cancelled upload', 5000);
    assert.match(await entry.innerText(), /Upload cancelled/);
    await dismiss(entry);
  });

  await step('file upload with progress to completion', async () => {
    await mock.clearFaults();
    await mock.fault({ method: 'PUT', path_prefix: '/uploader/', action: 'slow_body', bytes_per_second: 3 * 1024 * 1024, count: 1 });
    const uuid = await selectedUuid();
    await startFileImport(image.path);
    const entry = activity('Upload of disk.img');
    // Half way, the panel has measured the speed for a few seconds.
    await page.waitForFunction((bar) => bar.value >= bar.max * 0.5, await entry.locator('progress').elementHandle());
    const figures = new RegExp(`Uploading: [\\d.]+ MiB of ${IMAGE_MIB}\\.0 MiB · [\\d.]+ (KiB|MiB)/s · `
      + '(about \\d+ s left|less than a second left)');
    assert.match(await entry.locator('.activity-figures').innerText(), figures);
    const midUpload = await shoot('mid-upload');
    const progress = await entry.locator('progress').evaluate((bar) => ({ value: bar.value, max: bar.max }));
    assert.equal(progress.max, IMAGE_MIB * 1024 * 1024);
    assert.ok(progress.value > 0, `mid-upload bar at ${progress.value}`);
    assert.ok(progress.value < progress.max, `mid-upload bar at ${progress.value}`);
    assert.ok(midUpload.endsWith('-mid-upload.png'));

    await ended(entry, 'done', 'the file import');
    const text = await entry.innerText();
    assert.match(text, /content type application\/octet-stream/);
    assert.match(text, new RegExp(`SHA-256 ${image.sha256}`, 'i'));
    const written = await mock.storageData(uuid, 0, IMAGE_MIB * 1024 * 1024);
    assert.equal(sha256(written), image.sha256, 'the disk holds the uploaded image');
    await shoot('upload-done');
  });

  await step('gzip file shows its detected content type', async () => {
    const uuid = await selectedUuid();
    await startFileImport(`${smallImage.path}.gz`);
    const entry = activity('Upload of small.img.gz');
    await ended(entry, 'done', 'the gzip import');
    assert.match(await entry.innerText(), /content type application\/gzip/);
    const written = await mock.storageData(uuid, 0, 2 * 1024 * 1024);
    assert.equal(sha256(written), smallImage.sha256, 'the gzip image landed decompressed');
  });

  await step('qcow2 file is refused with its code', async () => {
    const qcow2 = join(out, 'disk.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    await mock.clearRequests();
    await startFileImport(qcow2);
    const entry = activity('Upload of disk.qcow2');
    await ended(entry, 'failed', 'the qcow2 upload');
    assert.match(await entry.innerText(), /Import failed: .*\(UNSUPPORTED_IMAGE_FORMAT/);
    assert.match(await entry.innerText(), /raw disk image/, 'the panel words the failure for its own form');
    assert.doesNotMatch(await entry.innerText(), /contentType/, 'no advice about an option the panel lacks');
    const uploads = (await mock.requests()).filter((request) => request.path.startsWith('/uploader/'));
    assert.deepEqual(uploads, [], 'no byte of the qcow2 image was sent');
    await shoot('qcow2-refused');
  });

  await step('API errors show the code and status', async () => {
    await mock.fault({
      method: 'GET', path_prefix: '/1.3/storage', count: 1, status: 403,
      error_code: 'ACTION_FORBIDDEN', error_message: 'Not allowed in this test.',
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'ACTION_FORBIDDEN' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /Could not load storages: .*\(ACTION_FORBIDDEN, HTTP 403\)/);
    await shoot('api-error');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await mock.clearFaults();
  });

  await step('delete names the storage and the backups policy', async () => {
    await mock.clearRequests();
    await selectRow('e2e disk renamed');
    const uuid = await selectedUuid();
    await actionButton('Delete').click();
    const dialog = page.getByRole('dialog', { name: 'Delete storage' });
    assert.match(await dialog.innerText(), /Delete storage "e2e disk renamed" \(20 GiB in .*\)\? It has [2-9] backups/);
    await dialog.getByLabel('Delete all backups too', { exact: true }).check();
    await shoot('delete-confirm');
    await dialog.getByRole('button', { name: 'Delete "e2e disk renamed"' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('e2e disk renamed').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#details').isHidden(), true);

    const request = (await mock.requests()).find((item) => item.method === 'DELETE' && item.path === `/1.3/storage/${uuid}`);
    assert.ok(request, 'a delete request reached the mock');
    assert.match(request.query, /backups=delete/);
  });

  await step('right-to-left title stays isolated', async () => {
    // U+202E reverses all text after it up to the end of its paragraph
    // unless the title is isolated from the sentence around it.
    const title = 'e2e \u202Eevil';
    await page.getByRole('button', { name: 'Create storage' }).click();
    const create = page.getByRole('dialog', { name: 'Create storage' });
    await create.getByLabel('Title', { exact: true }).fill(title);
    await create.getByLabel('Size (GiB)', { exact: true }).fill('1');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'hidden' });
    await selectRow(title);

    await actionButton('Delete').click();
    const dialog = page.getByRole('dialog', { name: 'Delete storage' });
    const isolated = (selector) => page.evaluate((query) => {
      const element = document.querySelector(query);
      const runs = [...element.querySelectorAll('bdi')].map((run) => run.textContent);
      return { before: element.firstChild?.textContent, runs };
    }, selector);
    assert.match(await dialog.innerText(), /Delete storage "e2e \u202Eevil" \(1 GiB in /);
    const text = await isolated('#delete-text');
    assert.equal(text.before, 'Delete storage "', 'the sentence starts with its own words');
    assert.equal(text.runs[0], title, 'the title sits in its own isolating element');
    assert.deepEqual(await isolated('#delete-confirm'), { before: 'Delete "', runs: [title] });
    await shoot('delete-rtl-title');
    await dialog.getByRole('button', { name: `Delete "${title}"` }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(title).waitFor({ state: 'detached' });
    assert.deepEqual(await isolated('#status'), { before: 'Deleted "', runs: [title] });
  });

  await step('phone-sized screen keeps everything reachable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await selectRow('e2e clone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow} px at 390 px`);
    await shoot('narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('sign out, then sign in with a token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#storage-rows tr').count(), 0, 'the list is gone after sign-out');
    await page.getByRole('radio', { name: 'API token' }).check();
    await page.getByRole('textbox', { name: 'API token' }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#storage-rows tr').first().waitFor();
    assert.equal(await page.locator('#token').inputValue(), '');
    assert.match(await page.locator('#account').innerText(), /API token/);
    await shoot('token-signed-in');
  });

  await step('reload forgets the session', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#panel').isHidden(), true);
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
    await shoot('after-reload');
  });

  await step('no page errors, CSP violations or cookies', async () => {
    const errors = browser.consoleLog.filter((line) => line.startsWith('pageerror'));
    assert.deepEqual(errors, []);
    const violations = browser.consoleLog.filter((line) => line.includes('Content Security Policy'));
    assert.deepEqual(violations, []);
    const cookies = await browser.context.cookies();
    assert.deepEqual(cookies, []);
  });
});

function requireEnv(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set; run this test through tests/e2e/run.sh`);
  return value;
}

function focusedId() {
  return page.evaluate(() => document.activeElement?.id ?? null);
}

function row(title) {
  return page.locator('#storage-rows').getByRole('button', { name: title, exact: true });
}

async function selectRow(title) {
  await row(title).click();
  await page.locator('#details-title', { hasText: title }).waitFor();
  await page.locator('#details-actions button').first().waitFor();
}

function actionButton(name) {
  return page.locator('#details-actions').getByRole('button', { name, exact: true });
}

function detail(term) {
  return page.locator('#details-fields dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
}

async function selectedUuid() {
  return (await detail('UUID').innerText()).trim();
}

function activity(text) {
  return page.locator('#activity li').filter({ hasText: text }).first();
}

async function ended(entry, outcome, description = 'the operation', timeout = OPERATION_MS) {
  await entry.locator('xpath=self::li[@data-outcome]').waitFor({ timeout });
  const actual = await entry.getAttribute('data-outcome');
  assert.equal(actual, outcome, `${description} ended ${actual}: ${await entry.innerText()}`);
}

async function dismiss(entry) {
  await entry.getByRole('button', { name: 'Dismiss' }).click();
}

async function startFileImport(path) {
  await actionButton('Import from file').click();
  const dialog = page.getByRole('dialog', { name: 'Import from a file' });
  await dialog.getByLabel(/Disk image/).setInputFiles(path);
  await dialog.getByRole('button', { name: 'Upload and import' }).click();
  await dialog.waitFor({ state: 'hidden' });
}
