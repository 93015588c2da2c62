/**
 * The state database holds what containers were started with (environment values are often
 * secrets): its file and SQLite's -wal and -shm beside it are 0600, whatever the umask or the
 * state directory's mode. SQLite gives the -wal and -shm files it creates the main file's
 * mode, so the main file is created 0600 before SQLite opens it; files of an older netctl
 * that made them 0644 are narrowed when next opened.
 */
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

/** Creates `dbPath` 0600 when missing and narrows it and its -wal/-shm to 0600. */
export function privateDbFiles(dbPath: string): void {
  // 'a' creates without truncating: a database another process just created is left alone.
  closeSync(openSync(dbPath, 'a', 0o600));
  for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    try {
      if (statSync(p).mode & 0o077) chmodSync(p, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
