// The page side of the Chromium upload benchmark. The harness creates the
// import, sets the file on the input and calls `benchUpload`, which PUTs
// the File the way it names and resolves to the time it took.
import { CloudManager, init } from '/pkg/web.js';

async function plainUpload(file, storageImport) {
  const response = await fetch(storageImport.directUploadUrl, { method: 'PUT', body: file });
  const body = await response.text();
  if (!response.ok) throw new Error(`the upload failed with HTTP ${response.status}: ${body.slice(0, 200)}`);
  return JSON.parse(body).written_bytes;
}

window.benchUpload = async ({ side, storageImport, account }) => {
  const file = document.getElementById('file').files[0];
  let upload;
  if (side === 'plain') {
    upload = () => plainUpload(file, storageImport);
  } else {
    // Loading the wasm is start-up, measured elsewhere, so it happens
    // before the timer starts.
    await init();
    const manager = new CloudManager({ username: account.username, password: account.password }, { baseUrl: account.baseUrl });
    const verify = side === 'package-verify';
    upload = async () => (await manager.uploadFileForStorageImport(storageImport, file, { verify })).writtenBytes;
  }

  const start = performance.now();
  const writtenBytes = await upload();
  const ms = performance.now() - start;
  return { ms, bytes: file.size, writtenBytes };
};

window.benchReady = true;
