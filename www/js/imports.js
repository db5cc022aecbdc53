// Imports into a disk: from a URL (UpCloud downloads it) and from a local
// file (the browser uploads it, with byte progress, speed, time left and a
// cancel button). Both run in the "Running operations" list, so the panel
// stays usable while they do.

import * as api from './api.js';
import { addActivity } from './activity.js';
import { app, refresh } from './app.js';
import { runDialog } from './dialogs.js';
import {
  describeError, formatBytes, formatEta, formatSpeed, isolate, redactUrlCredentials,
} from './format.js';
import { announce } from './notify.js';
import { renderText } from './text.js';
import { TransferRate } from './transfer-rate.js';

const byId = (id) => document.getElementById(id);
const fileInput = byId('import-file-input');
const dropZone = byId('drop-zone');
const chosenText = byId('import-file-chosen');
const fileSubmit = byId('import-file-submit');
let chosenFile = null;

/** Wires the file input and the drop zone of the file-import dialog. */
export function setUpFileImport() {
  fileInput.addEventListener('change', () => chooseFile(fileInput.files[0] ?? null));

  dropZone.addEventListener('dragenter', (event) => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget)) {
      dropZone.classList.remove('dragging');
    }
  });
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    const file = event.dataTransfer.files[0];
    if (file) {
      fileInput.files = event.dataTransfer.files;
      chooseFile(file);
    }
  });

  // A file dropped anywhere else would make the browser open it in place of
  // the page, which would also forget the signed-in session.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (event) => {
      if (!dropZone.contains(event.target)) {
        event.preventDefault();
      }
    });
  }
}

/** Asks for an image URL, starts an HTTP import and follows it to the end. */
export async function openUrlImport(storage) {
  byId('import-url-form').reset();
  renderText(byId('import-url-text'), `Into "${isolate(storage.title)}" (${storage.size} GiB). `
    + 'The image is written from the start of the disk, over what is there.');

  const started = await runDialog(byId('import-url-dialog'), {
    failureText: `Could not start the import into "${isolate(storage.title)}"`,
    submit: async (signal) => {
      const url = byId('import-url-input').value.trim();
      const storageImport = await api.importFromUrl(app.manager, storage.uuid, url, signal);
      return { storageImport, shownUrl: redactUrlCredentials(url) };
    },
  });
  // The URL may hold the image server's credentials, so it leaves the form.
  byId('import-url-input').value = '';
  if (!started) {
    return;
  }

  announce(`Importing into "${isolate(storage.title)}".`);
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, app.session.signal]);
  const activity = addActivity({
    title: `Import of ${isolate(started.shownUrl)} into "${isolate(storage.title)}"`,
    cancelLabel: 'Cancel import',
    onCancel: () => cancelImport(storage),
  });
  activity.update({ text: 'Waiting for UpCloud to start the download…' });
  await refresh();

  try {
    const finished = await api.waitForImport(app.manager, storage.uuid, (details) => {
      activity.update({ text: describeImportProgress(details) });
    }, signal);
    activity.finish('done', describeFinishedImport(finished));
    announce(`Import into "${isolate(storage.title)}" complete.`);
  } catch (error) {
    endFailedImport(activity, storage, error, signal);
  }
  await refresh();
}

/** Asks for a file (picker or drop), uploads it with progress and waits until the disk is online again. */
export async function openFileImport(storage) {
  byId('import-file-form').reset();
  chooseFile(null);
  renderText(byId('import-file-text'), `Into "${isolate(storage.title)}" (${storage.size} GiB, `
    + `${formatBytes(storage.size * 2 ** 30)}). The image is written from the start of the disk, over what is there.`);

  const file = await runDialog(byId('import-file-dialog'), {
    failureText: 'Could not start the upload',
    submit: async () => chosenFile,
  });
  if (!file) {
    return;
  }

  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, app.session.signal]);
  const rate = new TransferRate();
  const activity = addActivity({
    title: `Upload of ${isolate(file.name)} into "${isolate(storage.title)}"`,
    cancelLabel: 'Cancel upload',
    onCancel: () => controller.abort(),
  });
  activity.update({ value: 0, max: file.size, text: `Preparing ${formatBytes(file.size)}…` });
  announce(`Uploading ${isolate(file.name)} into "${isolate(storage.title)}".`);

  try {
    const finished = await api.importFromFile(app.manager, storage.uuid, file, (progress) => {
      activity.update(describeUploadProgress(progress, rate));
    }, signal);
    // The package verifies by default: it rejects with INTEGRITY_MISMATCH
    // when UpCloud's SHA-256 differs from the one it computed while sending.
    activity.finish('done', describeFinishedImport(finished, true));
    announce(`Imported ${isolate(file.name)} into "${isolate(storage.title)}".`);
  } catch (error) {
    endFailedImport(activity, storage, error, signal);
  }
  await refresh();
}

function chooseFile(file) {
  chosenFile = file;
  fileSubmit.disabled = !file;
  renderText(chosenText, file ? `Selected: ${isolate(file.name)}, ${formatBytes(file.size)}` : '');
}

async function cancelImport(storage) {
  try {
    await api.cancelImport(app.manager, storage.uuid, app.session.signal);
    announce(`Cancelling the import into "${isolate(storage.title)}".`);
  } catch (error) {
    announce(describeError('Could not cancel the import', error));
  }
}

/** Text and bar values for one `{ phase, loaded, total }` progress event. */
function describeUploadProgress({ phase, loaded, total }, rate) {
  if (phase === 'uploading') {
    rate.add(loaded);
    const speed = rate.bytesPerSecond();
    const eta = Number.isFinite(speed) && speed > 0 ? (total - loaded) / speed : Number.NaN;
    const figures = [`Uploading: ${formatBytes(loaded)} of ${formatBytes(total)}`];
    figures.push(Number.isFinite(speed) ? formatSpeed(speed) : 'measuring speed');
    figures.push(loaded >= total ? 'waiting for the upload host' : formatEta(eta));
    return { value: loaded, max: total, text: figures.join(' · ') };
  }
  if (phase === 'importing') {
    const counts = Number.isFinite(total) && total > 0 ? ` (${formatBytes(loaded)} of ${formatBytes(total)})` : '';
    return { value: loaded, max: total, text: `Importing: UpCloud is writing the image to the disk${counts}` };
  }
  if (phase === 'syncing') {
    // Here `loaded` is a percentage of `total` (100), not bytes.
    return { value: loaded, max: total, text: `Syncing: ${Math.round(loaded)} %; the disk is usable, and online when this ends` };
  }
  return { value: loaded, max: total, text: `${phase}: ${formatBytes(loaded)} of ${formatBytes(total)}` };
}

function describeImportProgress(details) {
  const state = details?.state ?? 'pending';
  const read = details?.readBytes ?? 0;
  const written = details?.writtenBytes ?? 0;
  const total = details?.clientContentLength ? ` of ${formatBytes(details.clientContentLength)}` : '';
  return `${state}: ${formatBytes(read)}${total} read, ${formatBytes(written)} written`;
}

/** Sums up a completed import; `verified` is true when the package compared the SHA-256 with the file's own. */
function describeFinishedImport(result, verified = false) {
  const facts = [];
  const written = result?.writtenBytes;
  if (Number.isFinite(written)) {
    facts.push(`${formatBytes(written)} written`);
  }
  const contentType = result?.clientContentType;
  if (contentType) {
    facts.push(`content type ${contentType}`);
  }
  if (result?.sha256sum) {
    facts.push(`SHA-256 ${result.sha256sum}${verified ? ' (matches the file)' : ''}`);
  }
  return `Import complete${facts.length > 0 ? `: ${facts.join(', ')}` : ''}.`;
}

function endFailedImport(activity, storage, error, signal) {
  if (error?.code === 'ABORTED' || (signal.aborted && !app.session?.signal.aborted)) {
    activity.finish('cancelled', 'Upload cancelled; nothing more is sent.');
    announce(`Upload into "${isolate(storage.title)}" cancelled.`);
    return;
  }
  if (error?.code === 'IMPORT_CANCELLED') {
    activity.finish('cancelled', 'Import cancelled.');
    announce(`Import into "${isolate(storage.title)}" cancelled.`);
    return;
  }
  if (!app.session?.signal.aborted) {
    const failure = describeImportFailure(error);
    activity.finish('failed', describeError('Import failed', failure));
    announce(describeError(`Import into "${isolate(storage.title)}" failed`, failure));
  }
}

// The package's own messages speak to programmers (they name its options,
// such as contentType, which this panel has no field for), so the upload
// codes get the panel's words. The code stays in the sentence.
const IMPORT_FAILURE_TEXT = {
  UNSUPPORTED_IMAGE_FORMAT: 'the file is not an image that can be imported. It must be a raw disk image, '
    + 'or one compressed with gzip or xz that is complete and not corrupt. Check the file, or decompress it '
    + 'and upload the raw image',
  IMAGE_TOO_LARGE: 'the image is larger than the disk. Make the disk larger with Edit, then import again',
  INTEGRITY_MISMATCH: 'the SHA-256 checksum UpCloud computed differs from the file\'s own, so the disk may '
    + 'hold a damaged copy. Import the file again',
  IMPORT_CANCELLED: 'the import was cancelled',
  ABORTED: 'the upload was stopped before it finished',
};

/** Returns `error` with a message in the panel's words when its code is one of the upload codes. */
export function describeImportFailure(error) {
  const code = error?.code;
  const facts = { code, importErrorCode: error?.importErrorCode, status: error?.status };
  if (code === 'IMPORT_FAILED') {
    const reason = error?.importErrorMessage;
    return {
      ...facts,
      message: reason ? `UpCloud could not import the image: ${isolate(reason)}` : 'UpCloud could not import the image',
    };
  }
  const text = IMPORT_FAILURE_TEXT[code] ?? IMPORT_FAILURE_TEXT[error?.importErrorCode];
  return text ? { ...facts, message: text } : error;
}
