// A description of the machine and tool versions a run used, so that a
// reader of RESULTS.md can tell whether two runs are comparable.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function commandOutput(file, args) {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'not available';
  }
}

function cpuModel() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const match = cpuinfo.match(/^model name\s*:\s*(.+)$/m);
  return match ? match[1].trim() : os.cpus()[0]?.model ?? 'unknown';
}

/**
 * Returns the short commit id, marked when tracked files differ from it.
 * RESULTS.md itself is left out, because a run rewrites it.
 */
function commit(repoRoot) {
  const id = commandOutput('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
  const changed = commandOutput('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/RESULTS.md']);
  return changed === '' ? id : `${id} with uncommitted changes`;
}

/** Returns name/value pairs that describe this machine and the tools used. */
export function describeMachine({ repoRoot }) {
  const workerd = `${repoRoot}/node_modules/.bin/workerd`;

  return [
    ['Date (UTC)', new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')],
    ['Commit', commit(repoRoot)],
    ['CPU', `${cpuModel()}, ${os.availableParallelism()} cores (nproc ${commandOutput('nproc', [])})`],
    ['Memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['Kernel', `${os.type()} ${os.release()}`],
    ['Node', process.version],
    ['Chromium', commandOutput('chromium', ['--version'])],
    ['workerd', commandOutput(workerd, ['--version'])],
    ['rustc', commandOutput('rustc', ['--version'])],
    ['wrk', commandOutput('sh', ['-c', "wrk --version 2>&1 | head -n 1 | cut -d ' ' -f 1-2"])],
  ];
}
