/**
 * Starting containers through native/build/netctl-launcher, which stays as each one's
 * monitor: detached (returns once the container runs) or attached (returns its exit code).
 * Also stopping one, and the argv of `netctl-launcher exec`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { NetctlError, SystemError } from '../errors.js';
import { encodeLaunchConfig, type LaunchSpec } from './launcher-config.js';
import { launcherPath, type ContainerPaths } from './paths.js';
import { liveStatus, readState, type LauncherState } from './state.js';

/** Where a detached container's monitor listens for attach clients. */
export function attachSocketPath(runDir: string): string {
  return `${runDir}/attach.sock`;
}

/** The files of a launch (a subset of ContainerPaths). */
export type LaunchPaths = Pick<ContainerPaths, 'runDir' | 'config' | 'state' | 'launcherErr'>;

/** The container could not be started; the exit code is the launcher's (125, 126 or 127). */
export class LaunchError extends NetctlError {
  constructor(message: string, exitCode: number) {
    super('launch', message, { exitCode });
  }
}

/**
 * Wakes the caller when something in `dir` changes (the launcher renames its state file into
 * place), or after `ms` at the latest; inotify through fs.watch, polling if that fails.
 */
class DirWaiter {
  private wake: (() => void) | undefined;
  private readonly watcher: FSWatcher | undefined;

  constructor(dir: string) {
    try {
      this.watcher = watch(dir, () => this.wake?.());
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = undefined;
    }
  }

  /** Wakes a pending wait now. */
  poke(): void {
    this.wake?.();
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  close(): void {
    this.watcher?.close();
  }
}

async function writeConfig(spec: LaunchSpec, paths: LaunchPaths, attach: boolean): Promise<void> {
  if (!existsSync(launcherPath()))
    throw new SystemError(`the container launcher is not built (${launcherPath()})`, {
      hint: 'build it: node native/build.mjs',
    });
  if (spec.statePath !== paths.state)
    throw new SystemError(`launch: state path "${spec.statePath}" is not "${paths.state}"`);
  await mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  await writeFile(`${paths.config}.tmp`, encodeLaunchConfig(spec, attach), { mode: 0o600 });
  await rename(`${paths.config}.tmp`, paths.config);
  // A state file from an earlier run must not be taken for this one's.
  await rm(paths.state, { force: true });
}

/** The argv that starts (and monitors) the container configured at `paths.config`. */
export function launchArgv(paths: Pick<LaunchPaths, 'config'>): string[] {
  return [launcherPath(), 'run', paths.config];
}

async function launcherFailure(paths: LaunchPaths, code: number | null): Promise<never> {
  const err = (await readFile(paths.launcherErr, 'utf8').catch(() => '')).trim().split('\n').pop();
  throw new LaunchError(err?.replace(/^netctl-launcher: /, '') || `launcher exited with code ${code}`, code ?? 125);
}

/**
 * Starts the container in the background and waits (at most `timeoutMs`) until it runs, or
 * has already finished. Throws a LaunchError when it could not be started.
 */
export async function launchDetached(
  spec: LaunchSpec,
  paths: LaunchPaths,
  opts: { timeoutMs?: number; onSpawned?: () => void } = {},
): Promise<LauncherState> {
  // Every detached container can be attached to (`netctl attach`, `start -a`).
  const attachWait = spec.attachWait ?? Boolean(opts.onSpawned);
  await writeConfig({ ...spec, attachSocket: attachSocketPath(paths.runDir), attachWait }, paths, false);
  const errFd = openSync(paths.launcherErr, 'w', 0o600);
  let exited: number | null | undefined;
  const waiter = new DirWaiter(dirname(paths.state));
  try {
    const [bin, ...args] = launchArgv(paths);
    const child = spawn(bin!, args, {
      detached: true,
      stdio: ['ignore', 'ignore', errFd],
      cwd: '/',
    });
    child.on('error', () => {
      exited = 127;
      waiter.poke();
    });
    child.on('exit', (code) => {
      exited = code;
      waiter.poke();
    });
    child.unref();
    opts.onSpawned?.();
  } catch (err) {
    waiter.close();
    throw err;
  } finally {
    closeSync(errFd);
  }
  try {
    return await waitStarted(paths, () => exited, waiter, opts.timeoutMs ?? 15_000);
  } finally {
    waiter.close();
  }
}

async function waitStarted(
  paths: LaunchPaths,
  exitedCode: () => number | null | undefined,
  waiter: DirWaiter,
  timeoutMs: number,
): Promise<LauncherState> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const exited = exitedCode();
    const st = await readState(paths.state);
    if (st && st.status !== 'starting') {
      if (st.status === 'exited' && st.error) throw new LaunchError(st.error, st.exitCode ?? 125);
      return st;
    }
    if (exited !== undefined) {
      // The launcher is gone: its state file may have its last word, else its stderr has.
      const last = await readState(paths.state);
      if (last && last.status !== 'starting') continue;
      await launcherFailure(paths, exited);
    }
    if (Date.now() > end)
      throw new SystemError(`container did not start within ${timeoutMs} ms`, { hint: `see ${paths.launcherErr}` });
    await waiter.wait(10);
  }
}

/**
 * Runs the container attached to this process's stdin/stdout/stderr (a pty with spec.tty)
 * and returns its exit code. SIGINT, SIGTERM and SIGHUP are passed on to the launcher.
 */
export async function launchAttached(spec: LaunchSpec, paths: LaunchPaths): Promise<number> {
  await writeConfig(spec, paths, true);
  const [bin, ...args] = launchArgv(paths);
  const child = spawn(bin!, args, { stdio: 'inherit', cwd: '/' });
  const forward = (sig: NodeJS.Signals) => (): void => void child.kill(sig);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (e) =>
        reject(
          new SystemError(`cannot run the launcher: ${e.message}`, {
            hint: 'build it: node native/build-launcher.mjs',
          }),
        ),
      );
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

async function waitExited(path: string, ms: number): Promise<LauncherState | null> {
  const end = Date.now() + ms;
  // The monitor renames its final state into place: woken by that, or every 20 ms (its exit
  // without a last word shows only as a dead pid).
  const waiter = new DirWaiter(dirname(path));
  try {
    for (;;) {
      // readState reads again when it finds the monitor gone: its answer is final then.
      const st = await readState(path);
      const live = st ? liveStatus(st) : null;
      if (!st || live === 'exited' || live === 'dead' || Date.now() > end) return st;
      await waiter.wait(20);
    }
  } finally {
    waiter.close();
  }
}

/**
 * The signals `stopContainer` would send to a container in state ST, one line each: what
 * `stop --dry-run` prints. Pure; none when it has exited already.
 */
export function plannedSignals(st: LauncherState | null, graceMs: number): string[] {
  if (!st || liveStatus(st) === 'exited') return [];
  const out: string[] = [];
  if (liveStatus(st) !== 'dead') out.push(`send SIGTERM to its monitor (pid ${st.monitorPid})`);
  if (st.pid > 0) out.push(`send SIGKILL to its process (pid ${st.pid}) if it still runs after ${graceMs / 1000}s`);
  return out;
}

/**
 * Stops a container: SIGTERM to its monitor (which passes it on and gives up restarting),
 * then after `graceMs` SIGKILL to the container. Returns the final state.
 */
export async function stopContainer(statePath: string, graceMs: number): Promise<LauncherState | null> {
  const st = await readState(statePath);
  if (!st || liveStatus(st) === 'exited') return st;
  if (liveStatus(st) !== 'dead') process.kill(st.monitorPid, 'SIGTERM');
  const after = await waitExited(statePath, graceMs);
  if (!after || liveStatus(after) === 'exited') return after;
  try {
    if (after.pid > 0) process.kill(after.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  return waitExited(statePath, 10_000);
}

/** Options of `netctl-launcher exec`. */
export interface ExecOptions {
  tty?: boolean;
  interactive?: boolean;
  /** `KEY=VALUE` added to (or replacing in) the container init's environment. */
  env?: string[];
  /** Default: the init's user. */
  user?: { uid: number; gid: number };
  /** Default: the init's working directory. */
  cwd?: string;
  /** The container's `cgroup.procs` files, joined first (its limits hold exec'd processes too). */
  cgroups?: string[];
  /** Issue 25: every capability (`exec --privileged`, a compose hook's `privileged`). */
  privileged?: boolean;
}

/** The argv that runs ARGV inside the container whose init is PID. */
export function execArgv(pid: number, argv: readonly string[], o: ExecOptions = {}): string[] {
  return [
    launcherPath(),
    'exec',
    ...(o.tty ? ['-t'] : []),
    ...(o.interactive ? ['-i'] : []),
    ...(o.privileged ? ['-P'] : []),
    ...(o.env ?? []).flatMap((e) => ['-e', e]),
    ...(o.user ? ['-u', `${o.user.uid}:${o.user.gid}`] : []),
    ...(o.cwd ? ['-w', o.cwd] : []),
    ...(o.cgroups ?? []).flatMap((c) => ['-c', c]),
    String(pid),
    ...argv,
  ];
}

/** Runs ARGV in the container whose init is PID, attached to this process's stdio; returns its exit code. */
export function execAttached(pid: number, argv: readonly string[], o: ExecOptions = {}): Promise<number> {
  const [bin, ...args] = execArgv(pid, argv, o);
  const child = spawn(bin!, args, { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run the launcher: ${e.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
}
