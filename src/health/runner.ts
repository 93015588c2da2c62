/**
 * `netctl health serve`'s loop: one host process, as the DNS server is one, that probes
 * every running container with a health check on its schedule and records the results.
 * It finds containers in the database and their starts in their monitors' state files, so
 * a container started by any command, or restarted by its policy (a new `startedAt`),
 * begins again at `starting`; one stopped, killed or removed drops out at the next scan.
 */
import { rmSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { ConflictError } from '../errors.js';
import type { HealthPlan } from '../model/health.js';
import { applyResult, type HealthState, nextDelayMs, startedHealth } from '../model/health-state.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import { runProbe } from '../runtime/health-probe.js';
import { containerPaths, type RuntimeRoots } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import type { Store } from '../store/index.js';
import { healthFiles, healthPlanOf, runnerPid } from './files.js';
import type { LogSink } from '../sys/log.js';

/** How often the database and the state files are read again, in milliseconds. */
export const SCAN_MS = 250;

/** What the runner needs. */
export interface RunnerDeps {
  roots: RuntimeRoots;
  openStore: () => Store;
  log: LogSink;
}

/** One container being probed: the start it belongs to and when its next probe is due. */
interface Tracked {
  startedAt: string;
  started: number;
  pid: number;
  plan: HealthPlan;
  due: number;
  busy: boolean;
}

function claim(runRoot: string): string {
  const f = healthFiles(runRoot);
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const other = runnerPid(runRoot);
  if (other !== undefined && other !== process.pid)
    throw new ConflictError(`netctl health serve already runs (pid ${other})`, `stop it first, or see ${f.pid}`);
  writeFileSync(`${f.pid}.${process.pid}`, `${process.pid}\n`);
  renameSync(`${f.pid}.${process.pid}`, f.pid);
  return f.pid;
}

/** The health loop over one store. */
class Runner {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly deps: RunnerDeps,
    private readonly store: Store,
  ) {}

  /** Finds starts and stops, then runs the probes that are due. */
  async scan(): Promise<void> {
    const seen = new Set<string>();
    for (const c of this.store.containers.list({ all: true })) {
      const plan = healthPlanOf(c);
      if (!plan) continue;
      const st = await readState(containerPaths(this.deps.roots, c.id).state).catch(() => null);
      if (!st || liveStatus(st) !== 'running' || !st.pid || !st.startedAt) continue;
      seen.add(c.id);
      const t = this.tracked.get(c.id);
      if (!t || t.startedAt !== st.startedAt) this.begin(c.id, st.startedAt, st.pid, plan);
      const cur = this.tracked.get(c.id)!;
      if (!cur.busy && Date.now() >= cur.due) void this.probe(c.id, cur);
    }
    for (const id of this.tracked.keys()) if (!seen.has(id)) this.tracked.delete(id);
  }

  /** A new start: `starting`, the log kept, the first probe one interval (or start interval) later. */
  private begin(id: string, startedAt: string, pid: number, plan: HealthPlan): void {
    const prev = this.store.health.get(id);
    const state = prev?.startedAt === startedAt ? prev.state : startedHealth(prev?.state);
    this.write(id, startedAt, state);
    const started = Date.parse(startedAt);
    const due = started + nextDelayMs(state, plan, started, started);
    this.tracked.set(id, { startedAt, started, pid, plan, due, busy: false });
  }

  private async probe(id: string, t: Tracked): Promise<void> {
    t.busy = true;
    const cgroups = containerCgroup(id, undefined)?.procs;
    const r = await runProbe({
      pid: t.pid,
      argv: t.plan.argv,
      timeoutMs: t.plan.timeoutMs,
      ...(cgroups ? { cgroups } : {}),
    });
    t.busy = false;
    // Stopped or restarted meanwhile: the result is not this start's.
    if (this.tracked.get(id) !== t) return;
    const prev = this.store.health.get(id);
    const before = prev?.startedAt === t.startedAt ? prev.state : startedHealth(prev?.state);
    const after = applyResult(before, r, t.plan, t.started);
    if (after.Status !== before.Status)
      this.deps.log(`health ${before.Status} -> ${after.Status}`, { container: id.slice(0, 12) });
    this.write(id, t.startedAt, after);
    t.due = Date.now() + nextDelayMs(after, t.plan, t.started, Date.now());
  }

  private write(id: string, startedAt: string, s: HealthState): void {
    try {
      this.store.health.put(id, startedAt, s);
    } catch (err) {
      // Removed meanwhile (the foreign key), or the database busy: the next probe writes again.
      this.deps.log(`cannot record health: ${(err as Error).message}`, { container: id.slice(0, 12) }, 'error');
    }
  }
}

/** Runs until `signal` aborts. */
export async function serveHealth(deps: RunnerDeps, signal: AbortSignal): Promise<void> {
  const pidFile = claim(deps.roots.runRoot);
  const store = deps.openStore();
  const runner = new Runner(deps, store);
  deps.log(`health runner started (pid ${process.pid})`);
  let scanning = false;
  const timer = setInterval(() => {
    if (scanning) return;
    scanning = true;
    runner
      .scan()
      .catch((err: unknown) => deps.log(`scan failed: ${(err as Error).message}`, {}, 'error'))
      .finally(() => (scanning = false));
  }, SCAN_MS);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(timer);
  store.close();
  if (runnerPid(deps.roots.runRoot) === process.pid) rmSync(pidFile, { force: true });
}
