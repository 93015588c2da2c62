/**
 * `run`: a new container planned and applied in one transaction (default network when
 * missing, record, namespace, endpoint, ports, rules, root filesystem, launcher), then,
 * attached, its process run in the foreground or its logs followed until it exits, and
 * with `rm` removed again over the same engine. A dry run returns the plan: netlink
 * operations, iptables-restore text and the launcher's argv, and changes nothing.
 */
import type { Container } from '../model/container.js';
import type { Engine } from '../engine/context.js';
import type { RunOptions, RunRequest } from '../engine/containers.js';
import { planRemoveWithVolumes, planRunWithMounts } from '../engine/run-mounts.js';
import { launchAttached } from '../runtime/launch.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import { followLogs, type LogEntry } from '../runtime/logs.js';
import { containerPaths } from '../runtime/paths.js';
import { readState } from '../runtime/state.js';
import type { Host } from './host.js';
import { ensureDefaultNetwork } from './network.js';
import { ensureHealthRunner } from './health.js';
import { type Outcome, transact } from './tx.js';
import { type AttachIo, startAttached } from './attach.js';
import { NotFoundError } from '../errors.js';

export type { RunRequest } from '../engine/containers.js';
export type { LinkRequest } from '../engine/run-network.js';
export type { PortRequest } from '../store/index.js';
export { parseLink } from '../engine/run-network.js';
export type { ImageRecord } from '../runtime/image-config.js';
export type { LaunchProcess } from '../runtime/launcher-proc.js';
export { entryText } from '../runtime/logs.js';
export type { LogEntry } from '../runtime/logs.js';

/** How the container runs: what `run`'s options say beside the request. */
export interface RunSettings {
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** Where a warning goes (Docker's fallback resolvers in use). */
  warn?: (line: string) => void;
  extraHosts?: string[];
  /** Return once it runs (else wait for it to exit). */
  detach?: boolean;
  /** In the foreground, on this process's terminal (-i/-t), rather than followed through its logs. */
  attached?: boolean;
  /** Remove it once it has exited (attached runs only; a detached one's launcher does it). */
  rm?: boolean;
  /** `create`: record and prepare it, start nothing (state `created` until `start`). */
  create?: boolean;
}

/** Where the container's output goes, and when its id is known. */
export interface RunIo {
  /** A log entry of a followed (not detached, not attached) container. */
  output(e: LogEntry): void;
  /**
   * An attached run (-t) joined through its monitor as `start -a` does (Docker's `run -it` is
   * create, start and attach): the detach keys leave it running.
   */
  attach?: Omit<AttachIo, 'tty'>;
}

/** What a run ended with: the container's id and, unless detached, its exit code. */
export interface RunResult {
  id: string;
  exitCode: number;
  /** Attached through the monitor, and left with the detach keys (it runs on). */
  detached?: boolean;
}

/** The ephemeral port range the kernel hands out, which published ports stay out of. */
function ephemeralRange(engine: Engine): readonly [number, number] {
  const [lo, hi] = engine.kernel.sysctl.read('net.ipv4.ip_local_port_range').trim().split(/\s+/).map(Number);
  return [lo || 32768, hi || 60999];
}

async function plan(host: Host, req: RunRequest, s: RunSettings, o: RunOptions & { dryRun?: boolean }) {
  return transact(host, { dryRun: Boolean(o.dryRun) }, (engine) =>
    planRunWithMounts(
      engine,
      { ...req, ephemeral: ephemeralRange(engine) },
      {
        dns: s.dns ?? [],
        dnsSearch: s.dnsSearch ?? [],
        dnsOptions: s.dnsOptions ?? [],
        extraHosts: s.extraHosts ?? [],
        ...(s.warn ? { warn: s.warn } : {}),
        ...o,
      },
    ),
  );
}

/** The plan of running `req`: nothing is recorded, created or started. */
export async function planRunContainer(host: Host, req: RunRequest, s: RunSettings = {}): Promise<Outcome<Container>> {
  return plan(host, req, s, { dryRun: true });
}

/** Waits for a detached container to exit, passing its log entries on; returns its exit code. */
async function follow(host: Host, id: string, io: RunIo): Promise<number> {
  const p = containerPaths(host.paths, id);
  let code = 0;
  const done = async (): Promise<boolean> => {
    const st = await readState(p.state);
    if (st?.status !== 'exited') return false;
    code = st.exitCode ?? 0;
    return true;
  };
  await followLogs(p.log, { done, intervalMs: 50 }, io.output);
  return code;
}

/** Runs a container; unless detached, waits for it and returns its exit code. */
export async function runContainer(host: Host, req: RunRequest, s: RunSettings, io: RunIo): Promise<RunResult> {
  // The default network first, in its own transaction, as `network create` does.
  if (req.network === 'bridge') await ensureDefaultNetwork(host);
  let spec: LaunchSpec | undefined;
  const viaMonitor = Boolean(s.attached && io.attach && !s.create);
  const attach = s.attached || s.create ? { attach: (x: LaunchSpec) => void (spec = x) } : {};
  const id = (await plan(host, req, s, attach)).result!.id;
  if (viaMonitor) return runViaMonitor(host, id, Boolean(s.rm), io.attach!);
  if (req.health && !s.create) await ensureHealthRunner(host, [id]);
  if (s.detach || s.create) return { id, exitCode: 0 };
  const exitCode = spec ? await launchAttached(spec, containerPaths(host.paths, id)) : await follow(host, id, io);
  // As docker run --rm: its anonymous volumes go with it.
  if (s.rm) await transact(host, {}, (engine) => planRemoveWithVolumes(engine, id, { force: true, volumes: true }));
  return { id, exitCode };
}

/**
 * The rest of an attached run through its monitor: started with the monitor waiting for this
 * client, attached until it exits or the detach keys leave it. With `rm`, its monitor's
 * cleanup (set by the caller) removes it whenever it exits; here it goes at once, as
 * `docker run --rm` returns only once the container is gone (whichever comes first wins).
 */
async function runViaMonitor(host: Host, id: string, rm: boolean, io: Omit<AttachIo, 'tty'>): Promise<RunResult> {
  const r = await startAttached(host, id, io);
  if (r.end === 'detached') return { id, exitCode: 0, detached: true };
  if (rm)
    await transact(host, {}, (engine) => planRemoveWithVolumes(engine, id, { force: true, volumes: true })).catch(
      (e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      },
    );
  return { id, exitCode: r.exitCode };
}
