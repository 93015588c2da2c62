/**
 * Health checks' use cases: the runner (`netctl health serve`, started on demand after a
 * container with a check starts), a container's health as ps, inspect, the TUI and compose
 * read it, and doctor's and gc's part. The runner is one host process like the DNS server:
 * a per-container supervisor would cost a Node process per container, and the launcher's
 * C monitor (which applies restart policies) would need a second exec path.
 */
import type { Container } from '../model/container.js';
import type { HealthStatus, HealthState } from '../model/health-state.js';
import { viewHealth } from '../model/health-state.js';
import { healthFiles, healthPlanOf, runnerPid } from '../health/files.js';
import { ensureRunner } from '../health/start.js';
import type { Finding } from '../engine/doctor.js';
import type { LauncherState } from '../runtime/state.js';
import { liveStatus, readState } from '../runtime/state.js';
import { containerPaths } from '../runtime/paths.js';
import type { Host } from './host.js';

export type { HealthState, HealthStatus } from '../model/health-state.js';

/** Runs the health runner until `signal` aborts. */
export async function serveHealth(host: Host, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const { serveHealth: serve } = await import('../health/runner.js');
  const { Store } = await import('../store/index.js');
  await serve({ roots: host.paths, openStore: () => Store.open({ root: host.paths.root }), log }, signal);
}

/** Whether the container has a health check (not none, not NONE). */
export function hasHealthCheck(c: Pick<Container, 'config'>): boolean {
  return healthPlanOf(c) !== undefined;
}

/**
 * Starts the runner when container `ref` has a check and none runs. Called after a start;
 * a runner that cannot start does not fail the start: doctor reports it, gc restarts it.
 */
export async function ensureHealthRunner(host: Host, refs: readonly string[]): Promise<void> {
  const store = host.store();
  if (!refs.some((r) => hasHealthCheck(store.containers.get(r) ?? { config: {} }))) return;
  await ensureRunner(host.paths.root, host.paths.runRoot).catch(() => undefined);
}

/** Docker's `State.Health` of a container in launcher state `st`, or undefined without a check. */
export function healthOf(host: Host, c: Container, st: LauncherState | null): HealthState | undefined {
  if (!hasHealthCheck(c)) return undefined;
  const stored = host.store().health.get(c.id);
  const running = st !== null && liveStatus(st) === 'running';
  return viewHealth(stored?.state, stored?.startedAt === st?.startedAt, running);
}

/** The status alone, for ps and the TUI (only for a running container, as Docker shows it). */
export function healthStatusOf(host: Host, c: Container, st: LauncherState | null): HealthStatus | undefined {
  // The check first: a container without one (most) costs no second look at /proc.
  if (!st || !hasHealthCheck(c) || liveStatus(st) !== 'running') return undefined;
  return healthOf(host, c, st)?.Status;
}

async function needingRunner(host: Host): Promise<number> {
  let n = 0;
  for (const c of host.store().containers.list({ all: true })) {
    if (!hasHealthCheck(c)) continue;
    const st = await readState(containerPaths(host.paths, c.id).state).catch(() => null);
    if (st && liveStatus(st) === 'running') n++;
  }
  return n;
}

/** Doctor's finding: running containers with checks and no runner. */
export async function diagnoseHealth(host: Host): Promise<Finding[]> {
  const needed = await needingRunner(host);
  if (needed === 0 || runnerPid(host.paths.runRoot) !== undefined) return [];
  return [
    {
      area: 'health',
      problem: `the health runner (netctl health serve) is not running, and ${needed} running container(s) have health checks`,
      fix: `netctl gc (or netctl health serve); see ${healthFiles(host.paths.runRoot).log}`,
    },
  ];
}

/** gc's part: starts the runner when running containers need it and none runs. */
export async function gcHealth(host: Host, dryRun: boolean): Promise<{ kind: 'health'; name: string }[]> {
  if (runnerPid(host.paths.runRoot) !== undefined || (await needingRunner(host)) === 0) return [];
  if (!dryRun) await ensureRunner(host.paths.root, host.paths.runRoot);
  return [{ kind: 'health', name: `${dryRun ? 'would start' : 'started'} the health runner` }];
}
