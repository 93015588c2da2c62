/**
 * Starting the health runner on demand, as the DNS server starts: a detached
 * `netctl health serve` with its output appended to RUN_ROOT/health/health.log. It outlives
 * the command that started it; two commands racing may both spawn one: the second finds
 * the pid file claimed and exits.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { SystemError } from '../errors.js';
import { CLI_PATH } from '../sys/install-root.js';
import { healthFiles, runnerPid } from './files.js';

/** How long a started runner has to claim its pid file, in milliseconds. */
export const START_MS = 5000;

/** Starts `netctl health serve` detached unless one runs; resolves once it runs. */
export async function ensureRunner(root: string, runRoot: string): Promise<{ started: boolean }> {
  if (runnerPid(runRoot) !== undefined) return { started: false };
  const f = healthFiles(runRoot);
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const log = openSync(f.log, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [CLI_PATH, '--root', root, '--run-root', runRoot, 'health', 'serve'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + START_MS;
  while (Date.now() < deadline) {
    if (runnerPid(runRoot) !== undefined) return { started: true };
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new SystemError(`the health runner (netctl health serve) did not start within ${START_MS} ms`, {
    hint: `see ${f.log}`,
  });
}
