// Start-up: a fresh Node process that imports the client and completes one
// getStorage, and a fresh workerd whose Worker does the same.

import path from 'node:path';

import { accountToEnv } from '../lib/account.mjs';
import { startBenchMock } from '../lib/bench-mock.mjs';
import { runNodeScript } from '../lib/processes.mjs';
import { alternate, summarize } from '../lib/stats.mjs';
import { countOf } from '../lib/text.mjs';
import { packageModules, timeWorkerStart, writeWorkerConfig } from '../lib/workerd.mjs';

export const TITLE = 'Start-up';

async function measureNode(context, account) {
  const env = accountToEnv(account);
  const script = (name) => path.join(context.benchDir, 'children', name);
  const runChild = (name) => runNodeScript(script(name), { env });

  // One untimed run per side fills the page cache with the files each reads.
  await runChild('startup-package.mjs');
  await runChild('startup-plain.mjs');

  const runs = await alternate(context.runs, {
    package: () => runChild('startup-package.mjs'),
    plain: () => runChild('startup-plain.mjs'),
  });

  const pick = (side, read) => summarize(runs[side].map(read));
  return [
    {
      figure: 'Node: spawn to exit after the first getStorage',
      unit: 'ms', better: 'lower',
      package: pick('package', (run) => run.wallMs),
      plain: pick('plain', (run) => run.wallMs),
    },
    {
      figure: 'Node: imports done, since process start (package: includes compiling the wasm)',
      unit: 'ms', better: 'lower',
      package: pick('package', (run) => run.output.importedMs),
      plain: pick('plain', (run) => run.output.importedMs),
    },
    {
      figure: 'Node: first getStorage done, since process start',
      unit: 'ms', better: 'lower',
      package: pick('package', (run) => run.output.firstCallMs),
      plain: pick('plain', (run) => run.output.firstCallMs),
    },
  ];
}

async function measureWorkerd(context, account) {
  const workerdBinary = path.join(context.repoRoot, 'node_modules/.bin/workerd');
  const workerDir = path.join(context.benchDir, 'workerd');
  const bindings = {
    BASE_URL: account.baseUrl,
    USERNAME: account.username,
    PASSWORD: account.password,
    STORAGE_UUID: account.storageUuid,
  };

  const configs = {
    package: writeWorkerConfig({
      dir: path.join(context.outDir, 'workerd-package'),
      modules: [{ name: 'worker.js', file: path.join(workerDir, 'package-worker.js'), kind: 'esModule' }, ...packageModules(context.packageDir)],
      bindings,
    }),
    plain: writeWorkerConfig({
      dir: path.join(context.outDir, 'workerd-plain'),
      modules: [
        { name: 'worker.js', file: path.join(workerDir, 'plain-worker.js'), kind: 'esModule' },
        { name: 'plain-client.mjs', file: path.join(context.benchDir, 'plain-client.mjs'), kind: 'esModule' },
      ],
      bindings,
    }),
    empty: writeWorkerConfig({
      dir: path.join(context.outDir, 'workerd-empty'),
      modules: [{ name: 'worker.js', file: path.join(workerDir, 'empty-worker.js'), kind: 'esModule' }],
      bindings: {},
    }),
  };

  const measure = (side) => async () => {
    const run = await timeWorkerStart({ workerdBinary, configPath: configs[side] });
    if (side !== 'empty' && run.body.uuid !== account.storageUuid) {
      throw new Error(`the ${side} Worker returned storage ${run.body.uuid}, expected ${account.storageUuid}`);
    }
    return run;
  };
  const sides = { package: measure('package'), plain: measure('plain'), empty: measure('empty') };

  // One untimed run per side fills the page cache with the files each reads.
  await alternate(1, sides);
  const runs = await alternate(context.runs, sides);

  const pick = (side, read) => summarize(runs[side].map(read));
  return [
    {
      figure: 'workerd: spawn to listening (includes evaluating the Worker, so instantiating the wasm)',
      unit: 'ms', better: 'lower',
      package: pick('package', (run) => run.listeningMs),
      plain: pick('plain', (run) => run.listeningMs),
    },
    {
      figure: 'workerd: spawn to the first getStorage response',
      unit: 'ms', better: 'lower',
      package: pick('package', (run) => run.firstResponseMs),
      plain: pick('plain', (run) => run.firstResponseMs),
    },
    {
      figure: 'workerd: spawn to the first response of an empty Worker (workerd alone)',
      unit: 'ms',
      value: pick('empty', (run) => run.firstResponseMs),
    },
  ];
}

/** Measures start-up in Node and workerd; see the file comment. */
export async function run(context) {
  const { mock, account } = await startBenchMock();
  try {
    const rows = [...await measureNode(context, account), ...await measureWorkerd(context, account)];

    // Both Workers are evaluated before workerd listens, so the gap between
    // their medians is what loading the package costs there.
    const listening = rows.find((row) => row.figure.startsWith('workerd: spawn to listening'));
    const instantiationMs = listening.package.median - listening.plain.median;

    return {
      title: TITLE,
      about: `Each run is a new process: Node runs \`bench/children/startup-*.mjs\`, workerd serves a Worker from \`bench/workerd/\` with the package's Workers entry and its \`.wasm\` as modules. Times count from spawning the process. ${countOf(context.runs, 'run')} per side after one untimed warm-up run.`,
      rows,
      notes: [`In workerd, evaluating the package's entry, which instantiates its wasm, adds about ${instantiationMs.toFixed(0)} ms before the Worker can listen (the difference of the two spawn-to-listening medians).`],
    };
  } finally {
    await mock.stop();
  }
}
