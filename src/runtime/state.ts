/**
 * The launcher's state file (native/launcher/state.c), rewritten atomically at each change:
 * `{"version":1,"status":"running","monitorPid":10,"pid":11,"restartCount":0,
 *   "startedAt":"...","finishedAt":null,"exitCode":null,"signal":null,"error":null}`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SystemError, wrap } from '../errors.js';

/** What the monitor is doing: before the first start, running, waiting to restart, done. */
export type LauncherStatus = 'starting' | 'running' | 'restarting' | 'exited';

/** The state file's contents. */
export interface LauncherState {
  status: LauncherStatus;
  /** The launcher (monitor) process. */
  monitorPid: number;
  /** The container's init, as seen from the host (0 before the first start). */
  pid: number;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** 128+N when killed by signal N; 125/126/127 when it could not be started. */
  exitCode: number | null;
  signal: number | null;
  /** The kernel's OOM killer ended it (its memory cgroup counted an OOM kill meanwhile). */
  oomKilled?: boolean;
  /** Why the container could not be started, if so. */
  error: string | null;
}

const STATUSES: readonly string[] = ['starting', 'running', 'restarting', 'exited'];

/** Parses and checks a state document. Pure. */
export function parseState(text: string): LauncherState {
  const d = JSON.parse(text) as Record<string, unknown>;
  const num = (k: string): number => (typeof d[k] === 'number' ? (d[k] as number) : NaN);
  const orNull = <T>(k: string, type: string): T | null => (typeof d[k] === type ? (d[k] as T) : null);
  const st: LauncherState = {
    status: d.status as LauncherStatus,
    monitorPid: num('monitorPid'),
    pid: num('pid'),
    restartCount: num('restartCount'),
    startedAt: orNull('startedAt', 'string'),
    finishedAt: orNull('finishedAt', 'string'),
    exitCode: orNull('exitCode', 'number'),
    signal: orNull('signal', 'number'),
    error: orNull('error', 'string'),
  };
  if (d.oomKilled === true) st.oomKilled = true;
  if (
    d.version !== 1 ||
    !STATUSES.includes(st.status) ||
    !(st.monitorPid > 0) ||
    !(st.pid >= 0) ||
    !(st.restartCount >= 0)
  ) {
    throw new SystemError('not a netctl launcher state file');
  }
  return st;
}

/**
 * Whether each state read by readState had its monitor gone at the time of reading. The
 * monitor writes `exited` before it exits, so a file read, then a dead monitor seen, could
 * otherwise be taken for `dead` with no exit code: readState reads again after seeing the
 * monitor gone, and liveStatus believes that one snapshot.
 */
const goneAtRead = new WeakMap<LauncherState, boolean>();

/**
 * Whether `st` must be read again: its monitor is gone without the file saying `exited`.
 * Records the answer for liveStatus when the monitor is there.
 */
function needsSecondReading(st: LauncherState | null): st is LauncherState {
  if (!st || st.status === 'exited') return false;
  if (!processAlive(st.monitorPid, 'netctl-launcher')) return true;
  goneAtRead.set(st, false);
  return false;
}

/** The second reading: final, since the monitor is gone; `dead` unless it says `exited`. */
function secondReading(st: LauncherState | null): LauncherState | null {
  if (st && st.status !== 'exited') goneAtRead.set(st, true);
  return st;
}

/**
 * Reads a state file; null when there is none (yet). When its monitor is gone without the
 * file saying `exited`, reads it once more, so a monitor that wrote `exited` and left in
 * between is not taken for a dead one.
 */
export async function readState(path: string): Promise<LauncherState | null> {
  const st = parseAt(path, await readText(path));
  return needsSecondReading(st) ? secondReading(parseAt(path, await readText(path))) : st;
}

function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch((err: unknown) => absent(path, err));
}

/**
 * {@link readState}, synchronously, for `ps`, which reads every container's. A state file is a
 * few hundred bytes on tmpfs: read at once it costs ~15 µs of CPU, through fs/promises
 * ~150-200 µs (open, stat, read and close each a thread-pool round trip), which made `ps` grow
 * by that much per container.
 */
export function readStateSync(path: string): LauncherState | null {
  const st = parseAt(path, readTextSync(path));
  return needsSecondReading(st) ? secondReading(parseAt(path, readTextSync(path))) : st;
}

function readTextSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return absent(path, err);
  }
}

/** null for a file that is not there (yet); any other failure names the file. */
function absent(path: string, err: unknown): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw wrap('read state', path, err);
}

function parseAt(path: string, text: string | null): LauncherState | null {
  if (text === null) return null;
  try {
    return parseState(text);
  } catch (err) {
    throw wrap('read state', path, err);
  }
}

/**
 * Whether PID is a live (not zombie) process whose program is named NAME, if given. The name
 * the kernel keeps in /proc/PID/stat (15 bytes of the program's file name) answers for most:
 * `ps` asks for every container's monitor, and a second read (cmdline) per container was a
 * third of what it spent on each. A program whose kept name differs (a script, a longer name)
 * is looked up in its command line.
 */
export function processAlive(pid: number, name?: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const state = stat.slice(close + 2, close + 3);
    if (state === 'Z' || state === 'X') return false;
    if (!name) return true;
    if (name.length <= 15 && stat.slice(stat.indexOf('(') + 1, close) === name) return true;
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0.endsWith(name);
  } catch {
    return false;
  }
}

/**
 * The status to believe: the file's, unless its monitor is gone without saying `exited`
 * (killed, or the machine rebooted), which is `dead`. For a state from readState, as its
 * monitor was when it was read: one reading, one answer.
 */
export function liveStatus(st: LauncherState): LauncherStatus | 'dead' {
  if (st.status === 'exited') return 'exited';
  const gone = goneAtRead.get(st);
  if (gone !== undefined) return gone ? 'dead' : st.status;
  return processAlive(st.monitorPid, 'netctl-launcher') ? st.status : 'dead';
}
