/**
 * Starting one of netctl's own background servers on demand (the embedded DNS server, the
 * health runner), as netavark starts aardvark-dns: a detached `netctl VERB serve` with its
 * output appended to a log file, then a wait until it is ready.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { SystemError } from '../errors.js';
import { CLI_PATH } from './install-root.js';

/** How long a started server has to become ready, in milliseconds. */
export const START_MS = 5000;

/** What to start and how to tell it is ready. */
export interface DetachedServer {
  root: string;
  runRoot: string;
  /** The CLI words after the global options, e.g. `['dns', 'serve']`. */
  argv: string[];
  /** The log its stdout and stderr are appended to (its directory is made 0700). */
  log: string;
  /** Resolves true once the server is ready. */
  ready: () => boolean | Promise<boolean>;
  /** How the error names it when it is not ready in time, e.g. `the health runner`. */
  what: string;
  /** The phrase for "ready" in that error: `answer`, `start`. */
  verb: string;
}

/** Spawns the server detached (it outlives this command) and waits until it is ready. */
export async function startDetached(s: DetachedServer): Promise<void> {
  mkdirSync(dirname(s.log), { recursive: true, mode: 0o700 });
  const log = openSync(s.log, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [CLI_PATH, '--root', s.root, '--run-root', s.runRoot, ...s.argv], {
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
    if (await s.ready()) return;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new SystemError(`${s.what} (netctl ${s.argv.join(' ')}) did not ${s.verb} within ${START_MS} ms`, {
    hint: `see ${s.log}`,
  });
}
