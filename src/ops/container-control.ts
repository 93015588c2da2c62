/**
 * `kill`, `pause`, `unpause` and `top`: signals and the cgroup freezer of a running
 * container. None changes the database (the monitor records an exit, the freezer is the
 * kernel's state), so none needs the write lock; each has a dry run that says what it would do.
 */
import type { Container } from '../model/container.js';
import { refuseCniRecord } from '../model/cni-record.js';
import { parseSignal } from '../model/process-options.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import { freeze, hostFreezer, isFrozen, thaw } from '../runtime/freezer.js';
import { containerPaths } from '../runtime/paths.js';
import { containerProcesses, type ProcessInfo } from '../runtime/procs.js';
import { liveStatus, readState } from '../runtime/state.js';
import { ConflictError, SystemError } from '../errors.js';
import type { Host } from './host.js';

export type { ProcessInfo } from '../runtime/procs.js';

/** What a control verb did, or with `dryRun` would do. */
export interface ControlResult {
  container: Container;
  /** One line per action. */
  plan: string[];
}

/** The container and its running init's pid. @throws ConflictError when it is not running. */
async function running(host: Host, ref: string, verb: string): Promise<{ c: Container; pid: number }> {
  const c = host.store().containers.require(ref);
  refuseCniRecord(c, verb);
  const st = await readState(containerPaths(host.paths, c.id).state);
  if (!st || liveStatus(st) !== 'running' || !(st.pid > 0))
    throw new ConflictError(`container "${c.name}" is not running`);
  return { c, pid: st.pid };
}

/** `kill [-s SIG]`: sends SIG (default SIGKILL) to the container's init. */
export async function killContainer(host: Host, ref: string, signal = 'KILL', dryRun = false): Promise<ControlResult> {
  const sig = parseSignal('signal', signal);
  const { c, pid } = await running(host, ref, 'kill');
  const plan = [`send ${sig} to its process (pid ${pid})`];
  if (!dryRun) {
    // A frozen process gets the signal once thawed; Docker kills paused containers too.
    if (sig === 'SIGKILL' || sig === 'SIGTERM') await thawFor(c.id);
    process.kill(pid, sig);
  }
  return { container: c, plan };
}

async function thawFor(id: string): Promise<void> {
  const f = hostFreezer(id);
  if (f && (await isFrozen(f))) await thaw(f);
}

function freezerOf(c: Container) {
  const f = hostFreezer(c.id);
  if (!f)
    throw new SystemError('pause needs the cgroup freezer, and this host has none mounted', {
      hint: 'see netctl doctor',
    });
  return f;
}

/** `pause`: freezes every process of the container. */
export async function pauseContainer(host: Host, ref: string, dryRun = false): Promise<ControlResult> {
  const { c, pid } = await running(host, ref, 'pause');
  const f = freezerOf(c);
  if (await isFrozen(f)) throw new ConflictError(`container "${c.name}" is already paused`);
  const plan = [
    f.version === 2
      ? `write 1 to ${f.dir}/cgroup.freeze`
      : `move its processes to ${f.dir}, write FROZEN to freezer.state`,
  ];
  if (!dryRun)
    await freeze(
      f,
      (await processesOf(c, pid)).map((p) => p.pid),
    );
  return { container: c, plan };
}

/** `unpause`: thaws a paused container. */
export async function unpauseContainer(host: Host, ref: string, dryRun = false): Promise<ControlResult> {
  const { c } = await running(host, ref, 'unpause');
  const f = freezerOf(c);
  if (!(await isFrozen(f))) throw new ConflictError(`container "${c.name}" is not paused`);
  const plan = [f.version === 2 ? `write 0 to ${f.dir}/cgroup.freeze` : `write THAWED to ${f.dir}/freezer.state`];
  if (!dryRun) await thaw(f);
  return { container: c, plan };
}

function processesOf(c: Container, pid: number): Promise<ProcessInfo[]> {
  const cg = containerCgroup(c.id, undefined);
  return containerProcesses(cg?.procs[0], pid);
}

/** `top`: the container's processes. */
export async function topContainer(
  host: Host,
  ref: string,
): Promise<{ container: Container; processes: ProcessInfo[] }> {
  const { c, pid } = await running(host, ref, 'top');
  return { container: c, processes: await processesOf(c, pid) };
}

/** Whether the container is paused (exec and attach refuse it, as Docker does). */
export async function refusePaused(_host: Host, c: Container): Promise<void> {
  if (await isFrozen(hostFreezer(c.id))) throw new ConflictError(`container "${c.name}" is paused`, 'unpause it first');
}
