/**
 * Holding another program's lock file while netctl changes what it guards: a POSIX record
 * lock (fcntl), the kind ufw takes on /run/ufw.lock around every command that writes its
 * rules files, so a `ufw allow` and a netctl write of user.rules never interleave.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { SystemError } from '../errors.js';
import { tryLockFd } from './native.js';

/**
 * Runs `fn` holding the write lock on `path` (created when missing), polled every few ms
 * up to `timeoutMs` without blocking the event loop. The lock goes with the fd, or with
 * the process if it is killed.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o600);
  try {
    const until = Date.now() + timeoutMs;
    while (!tryLockFd(fd)) {
      if (Date.now() > until)
        throw new SystemError(`lock "${path}": held by another process for ${timeoutMs / 1000} s`, {
          hint: 'is a ufw command hanging? (fuser -v the lock file)',
        });
      await new Promise((r) => setTimeout(r, 5));
    }
    return await fn();
  } finally {
    closeSync(fd);
  }
}
