/**
 * Starting the server on demand, as netavark starts aardvark-dns: a detached
 * `netctl dns serve` with its output appended to RUN_ROOT/dns/dns.log, then a wait until its
 * control socket answers. Two commands racing both may spawn one: the second finds the pid
 * file claimed and exits, and both then reach the first.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { SystemError } from '../errors.js';
import { CLI_PATH } from '../sys/install-root.js';
import { control, dnsDir, dnsFiles, type ServerStatus } from './control.js';

/** How long a started server has to answer, in milliseconds. */
export const START_MS = 5000;

/** The running server's status, or undefined when none answers within `timeoutMs`. */
export async function probe(runRoot: string, timeoutMs = 1000): Promise<ServerStatus | undefined> {
  try {
    return await control<ServerStatus>(runRoot, { op: 'status' }, timeoutMs);
  } catch {
    return undefined;
  }
}

/** Starts `netctl dns serve` detached unless one answers; resolves once it answers. */
export async function ensureServer(root: string, runRoot: string): Promise<{ started: boolean }> {
  if (await probe(runRoot)) return { started: false };
  mkdirSync(dnsDir(runRoot), { recursive: true, mode: 0o700 });
  const log = openSync(dnsFiles(runRoot).log, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [CLI_PATH, '--root', root, '--run-root', runRoot, 'dns', 'serve'], {
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
    if (await probe(runRoot, 500)) return { started: true };
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new SystemError(`the embedded DNS server (netctl dns serve) did not answer within ${START_MS} ms`, {
    hint: `see ${dnsFiles(runRoot).log}`,
  });
}
