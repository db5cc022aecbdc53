// Uploads in Node: the package's uploadFileForStorageImport, without and
// with verification, against plain fetch of the same file-backed Blob.

import { statSync } from 'node:fs';
import path from 'node:path';

import { accountToEnv } from '../lib/account.mjs';
import { startBenchMock } from '../lib/bench-mock.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';
import { runNodeScript } from '../lib/processes.mjs';
import { alternate } from '../lib/stats.mjs';
import { countOf, fileSize } from '../lib/text.mjs';
import { uploadRows } from '../lib/upload-rows.mjs';
import { createUploadTarget, removeUploadTarget } from '../lib/upload-target.mjs';

export const TITLE = 'Uploads in Node';

/** Measures Node uploads; see the file comment. */
export async function run(context) {
  const { CloudManager } = await import('upcloud-storage');
  const bytes = statSync(context.uploadFile).size;
  const { mock, account } = await startBenchMock();
  try {
    const manager = createPackageManager(CloudManager, account);
    const script = path.join(context.benchDir, 'children', 'upload-node.mjs');

    const uploadOnce = (side) => async () => {
      const { storage, storageImport } = await createUploadTarget(manager, { zone: account.zone, bytes });
      const { output } = await runNodeScript(script, {
        env: { ...accountToEnv(account), BENCH_IMPORT: JSON.stringify(storageImport) },
        args: [side, context.uploadFile],
        nodeArgs: ['--expose-gc'],
      });
      await removeUploadTarget(manager, storage.uuid);
      return { ms: output.ms, bytes: output.bytes, peak: output.peakRssBytes };
    };
    const runs = await alternate(context.uploadRuns, {
      plain: uploadOnce('plain'),
      package: uploadOnce('package'),
      'package-verify': uploadOnce('package-verify'),
    });

    const rows = uploadRows({ runtime: 'Node', runs, memoryLabel: 'peak process RSS' });
    return {
      title: TITLE,
      about: `A ${fileSize(bytes)} file of random bytes, opened with \`fs.openAsBlob\` and PUT to the mock's uploader on loopback over HTTP/1.1, ${countOf(context.uploadRuns, 'run')} per side, alternating, each in a fresh Node process. Plain JS is \`fetch(url, { method: 'PUT', body: blob })\`. Throughput is file size over the time from the call to its result; memory is the process's peak RSS (\`process.resourceUsage().maxRSS\`).`,
      rows,
      metrics: { uploadMibPerSecond: rows.filter((row) => row.unit === 'MiB/s').flatMap((row) => [row.package.median, row.plain.median]) },
    };
  } finally {
    await mock.stop();
  }
}
