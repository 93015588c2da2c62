/**
 * The watch loop's pid file: one watcher per run root, and a way for status and doctor to
 * tell whether it runs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConflictError } from '../errors.js';

/** RUN_ROOT/docker-watch.pid. */
export function watchPidFile(runRoot: string): string {
  return join(runRoot, 'docker-watch.pid');
}

/** The pid of a running watcher, or undefined. */
export function watcherPid(path: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Writes our pid; refuses when another watcher runs. */
export function claimPidFile(path: string): void {
  const other = watcherPid(path);
  if (other !== undefined && other !== process.pid)
    throw new ConflictError(`netctl docker watch already runs (pid ${other})`, `stop it first, or see ${path}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${process.pid}\n`);
}

/** Removes the pid file if it is still ours. */
export function releasePidFile(path: string): void {
  if (watcherPid(path) === process.pid) rmSync(path, { force: true });
}

/** Docker's own pid file (dockerd --pidfile), where the unit's dockerd writes it. */
export const DOCKERD_PIDFILE = '/run/docker.pid';

/**
 * The pid of the dockerd that `path` names, when it runs (its command name read from /proc:
 * a pid left from before a reboot may be another program's now), else undefined. Only files
 * are read: at boot, before docker.service, asking Docker's socket would start it through
 * docker.socket and wait for it.
 */
export function dockerdPid(path: string = DOCKERD_PIDFILE): number | undefined {
  const pid = watcherPid(path);
  if (pid === undefined) return undefined;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd' ? pid : undefined;
  } catch {
    return undefined;
  }
}
