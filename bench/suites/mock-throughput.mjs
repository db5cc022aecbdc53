// The mock's own capacity: requests per second for GET /1.3/storage/{uuid}
// with 64 connections (wrk), and upload throughput into it (curl -T), so
// that a reader can check the mock was never the bottleneck of the client
// figures.

import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';

import { startBenchMock } from '../lib/bench-mock.mjs';
import { alternate, summarize } from '../lib/stats.mjs';
import { createPackageManager } from '../lib/package-manager.mjs';
import { countOf, fileSize } from '../lib/text.mjs';
import { createUploadTarget, removeUploadTarget } from '../lib/upload-target.mjs';

export const TITLE = 'Mock throughput';

const execFileAsync = promisify(execFile);
const MIB = 2 ** 20;
const WRK_CONNECTIONS = 64;
const WRK_THREADS = 2;
const WRK_SECONDS = 5;
// Five runs of five seconds: the fewest that give a median and a range.
const WRK_RUNS = 5;

async function wrkRequestsPerSecond(url, authorization) {
  const { stdout } = await execFileAsync('wrk', [
    '-c', String(WRK_CONNECTIONS), '-t', String(WRK_THREADS), '-d', `${WRK_SECONDS}s`,
    '-H', `Authorization: ${authorization}`, '-H', 'Accept: application/json', url,
  ]);
  const non2xx = stdout.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  if (non2xx) throw new Error(`wrk got ${non2xx[1]} responses that were not 2xx or 3xx:\n${stdout}`);
  const socketErrors = stdout.match(/Socket errors:.*/);
  if (socketErrors) throw new Error(`wrk reported ${socketErrors[0]}:\n${stdout}`);
  const rate = stdout.match(/Requests\/sec:\s+([\d.]+)/);
  if (!rate) throw new Error(`wrk printed no Requests/sec line:\n${stdout}`);
  return Number(rate[1]);
}

async function curlUploadMibPerSecond(url, file) {
  const { stdout } = await execFileAsync('curl', [
    '--silent', '--show-error', '--fail', '--upload-file', file,
    '--header', 'Content-Type: application/octet-stream',
    '--output', '/dev/null', '--write-out', '%{speed_upload} %{size_upload}', url,
  ]);
  const [bytesPerSecond, uploaded] = stdout.trim().split(' ').map(Number);
  const size = statSync(file).size;
  if (uploaded !== size) throw new Error(`curl sent ${uploaded} bytes of the ${size}-byte file`);
  return bytesPerSecond / MIB;
}

/** Measures the mock; see the file comment. */
export async function run(context) {
  const { CloudManager } = await import('upcloud-storage');
  const bytes = statSync(context.uploadFile).size;
  const { mock, account } = await startBenchMock();
  try {
    const authorization = `Basic ${btoa(`${account.username}:${account.password}`)}`;
    const getUrl = `${account.baseUrl}/storage/${account.storageUuid}`;
    const wrkRuns = await alternate(context.quick ? context.runs : WRK_RUNS, { get: () => wrkRequestsPerSecond(getUrl, authorization) });

    const manager = createPackageManager(CloudManager, account);
    const curlRuns = await alternate(context.uploadRuns, {
      upload: async () => {
        const { storage, storageImport } = await createUploadTarget(manager, { zone: account.zone, bytes });
        const rate = await curlUploadMibPerSecond(storageImport.directUploadUrl, context.uploadFile);
        await removeUploadTarget(manager, storage.uuid);
        return rate;
      },
    });

    return {
      title: TITLE,
      about: `\`wrk -c ${WRK_CONNECTIONS} -t ${WRK_THREADS} -d ${WRK_SECONDS}s\` with a Basic auth header against \`GET /1.3/storage/{uuid}\`, ${countOf(wrkRuns.get.length, 'run')}; \`curl --upload-file\` of the upload file into a direct-upload session, ${countOf(context.uploadRuns, 'run')}. wrk and curl share the machine's two cores with the mock, so these are lower bounds of what the mock can serve.`,
      rows: [
        { figure: `GET /1.3/storage/{uuid}, ${WRK_CONNECTIONS} connections`, unit: 'req/s', value: summarize(wrkRuns.get) },
        { figure: `Upload into the mock with curl, ${fileSize(bytes)} file`, unit: 'MiB/s', value: summarize(curlRuns.upload) },
      ],
      metrics: {
        mockGetRequestsPerSecond: [summarize(wrkRuns.get).median],
        mockUploadMibPerSecond: [summarize(curlRuns.upload).median],
      },
    };
  } finally {
    await mock.stop();
  }
}
