/**
 * The container verbs after `run`: start, stop, restart, rm, exec and logs. start and rm
 * are planned under the write lock through `transact`; stop sends signals and waits
 * outside it (a grace period must not hold every other command up).
 */
import type { Container } from '../model/container.js';
import { refuseCniRecord } from '../model/cni-record.js';
import { stopProcess } from '../engine/containers.js';
import { planRemoveWithVolumes } from '../engine/run-mounts.js';
import { planStart, type StartResult } from '../engine/lifecycle.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import { execAttached, type ExecOptions, plannedSignals } from '../runtime/launch.js';
import { execDetached } from '../runtime/exec-detached.js';
import { resolveExecUser } from '../runtime/exec-user.js';
import { refusePaused } from './container-control.js';
import { entryText, followLogs, readLogs, type LogEntry } from '../runtime/logs.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { ConflictError } from '../errors.js';
import type { Host } from './host.js';
import { type ChangePlan, type Outcome, type Previewed, transact, transactPreview } from './tx.js';
export type { Previewed } from './tx.js';
import type { DryRunOption } from './network.js';
import { ensureHealthRunner } from './health.js';

export type { Container } from '../model/container.js';
export type { StartResult } from '../engine/lifecycle.js';
export type { ExecOptions } from '../runtime/launch.js';
export type { LogEntry } from '../runtime/logs.js';
/** A log entry as the text it stands for. */
export { entryText };

/** Starts a stopped container (its network rebuilt first where it is gone); `started` false when it runs. */
export async function startContainer(host: Host, ref: string, o: DryRunOption = {}): Promise<Previewed<StartResult>> {
  const out = await transactPreview(host, o, (engine) => planStart(engine, ref));
  if (!o.dryRun) await ensureHealthRunner(host, [ref]);
  return out;
}

/** The grace a stop gives: `given`, else the container's `--stop-timeout`, else 10 s. */
export function stopGraceMs(c: Container, given?: number): number {
  const own = (c.config as { options?: { stopTimeout?: number } }).options?.stopTimeout;
  return given ?? (own ?? 10) * 1000;
}

/** Stops a container: SIGTERM, SIGKILL after `graceMs` (default: its own); records it as exited. */
export async function stopContainer(host: Host, ref: string, graceMs?: number): Promise<Container> {
  const store = host.store();
  const c = store.containers.require(ref);
  refuseCniRecord(c, 'stop');
  await stopProcess(host.paths, c, stopGraceMs(c, graceMs));
  store.containers.update(c.id, { state: 'exited', pid: null, finishedAt: new Date().toISOString() });
  return c;
}

/** What stopping a container would do: the signals it would send, then its record. */
export interface StopPlan {
  container: Container;
  plan: ChangePlan;
}

/** Plans `stop` of one container (`ref`, or the record itself) without sending anything. */
export async function planStopContainer(host: Host, ref: string | Container, graceMs?: number): Promise<StopPlan> {
  const c = typeof ref === 'string' ? host.store().containers.require(ref) : ref;
  refuseCniRecord(c, 'stop');
  const signals = plannedSignals(await readState(containerPaths(host.paths, c.id).state), stopGraceMs(c, graceMs));
  const notes = [...(signals.length ? signals : ['not running: no signal to send']), 'record it as exited'];
  return { container: c, plan: { operations: [], rules: '', notes } };
}

/** Stops (unless a dry run) and starts a container again. */
export async function restartContainer(
  host: Host,
  ref: string,
  graceMs: number,
  o: DryRunOption = {},
): Promise<Previewed<StartResult>> {
  if (!o.dryRun) await stopContainer(host, ref, graceMs);
  // A dry run stops nothing, so the start is planned as though the stop had run.
  const out = await transactPreview(host, o, (engine) => planStart(engine, ref, { afterStop: o.dryRun }));
  if (!o.dryRun) await ensureHealthRunner(host, [ref]);
  return out;
}

/**
 * Removes a container (a running one only with `force`): process, network, rules, files,
 * record; with `volumes` (`rm -v`) the anonymous volumes only it used.
 */
export async function removeContainer(
  host: Host,
  ref: string,
  o: DryRunOption & { force?: boolean; volumes?: boolean } = {},
): Promise<Outcome<Container>> {
  return transact(host, o, (engine) => planRemoveWithVolumes(engine, ref, o));
}

/**
 * Runs ARGV in a running container, attached to this process's stdio; returns its exit
 * code. `user` (a name or ids) is resolved in the container's own files; `detach` starts it
 * in the background and returns 0 at once.
 */
export async function execInContainer(
  host: Host,
  ref: string,
  argv: readonly string[],
  o: Omit<ExecOptions, 'user'> & { user?: string; detach?: boolean } = {},
): Promise<number> {
  const c = host.store().containers.require(ref);
  const { id, name } = c;
  const st = await readState(containerPaths(host.paths, id).state);
  if (!st || liveStatus(st) !== 'running' || !st.pid) throw new ConflictError(`container "${name}" is not running`);
  await refusePaused(host, c);
  const cgroups = containerCgroup(id, undefined)?.procs;
  const { user, detach, ...rest } = o;
  const opts: ExecOptions = { ...rest, ...(cgroups ? { cgroups } : {}) };
  if (user) opts.user = await resolveExecUser(st.pid, user);
  return detach ? execDetached(st.pid, argv, opts) : execAttached(st.pid, argv, opts);
}

/** Passes a container's log entries to `onEntry`: the last `tail` of them, then with `follow` new ones as they come. */
export async function containerLogs(
  host: Host,
  ref: string,
  o: { follow?: boolean; tail?: number },
  onEntry: (e: LogEntry) => void,
): Promise<void> {
  const id = host.store().containers.require(ref).id;
  const path = containerPaths(host.paths, id).log;
  const tail = o.tail === undefined ? {} : { tail: o.tail };
  if (o.follow) await followLogs(path, tail, onEntry);
  else for (const e of await readLogs(path, tail)) onEntry(e);
}
