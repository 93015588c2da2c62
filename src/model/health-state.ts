/**
 * A container's health as Docker keeps it (`State.Health`): the status, the failing streak
 * and the last five probe results, and how one result moves it (moby daemon/health.go). Pure.
 */
import type { HealthPlan } from './health.js';

/** Docker's health statuses. */
export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's result, as Docker's `State.Health.Log` entries. */
export interface HealthResult {
  Start: string;
  End: string;
  /** 0 healthy, anything else a failure; -1 when the check could not run or timed out. */
  ExitCode: number;
  Output: string;
}

/** Docker's `State.Health`. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthResult[];
}

/** Docker keeps this many results. */
export const MAX_LOG_ENTRIES = 5;
/** And this many bytes of a probe's output. */
export const MAX_OUTPUT_BYTES = 4096;

/** A fresh start (a container started, or restarted by its policy): starting, no streak, the log kept. */
export function startedHealth(prev?: HealthState): HealthState {
  return { Status: 'starting', FailingStreak: 0, Log: prev?.Log ?? [] };
}

/** Output as Docker keeps it: the first 4096 bytes, `...` when there was more. */
export function truncateOutput(out: Buffer): string {
  if (out.length <= MAX_OUTPUT_BYTES) return out.toString('utf8');
  return `${out.subarray(0, MAX_OUTPUT_BYTES).toString('utf8')}...`;
}

/**
 * The state after result `r` of a container started at `startedAt` (ms): success makes it
 * healthy; a failure counts toward `retries` unless it is still starting inside its start
 * period, and the streak reaching `retries` makes it unhealthy.
 */
export function applyResult(
  s: HealthState,
  r: HealthResult,
  plan: Pick<HealthPlan, 'retries' | 'startPeriodMs'>,
  startedAt: number,
): HealthState {
  const Log = [...s.Log, r].slice(-MAX_LOG_ENTRIES);
  if (r.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const inStartPeriod = s.Status === 'starting' && Date.parse(r.Start) - startedAt < plan.startPeriodMs;
  if (inStartPeriod) return { ...s, Log };
  const FailingStreak = s.FailingStreak + 1;
  return { Status: FailingStreak >= plan.retries ? 'unhealthy' : s.Status, FailingStreak, Log };
}

/** How long after a probe (at `now`) the next one runs: the start interval while starting in the start period. */
export function nextDelayMs(s: HealthState, plan: HealthPlan, startedAt: number, now: number): number {
  if (now - startedAt >= plan.startPeriodMs || s.Status !== 'starting') return plan.intervalMs;
  return plan.startIntervalMs;
}

/** What `ps` appends to a running container's status, as Docker does: `(healthy)`, `(health: starting)`. */
export function healthSuffix(status: HealthStatus | undefined): string {
  if (status === undefined) return '';
  return status === 'starting' ? ' (health: starting)' : ` (${status})`;
}

/** A stored state that is not for this start (or none) reads as a fresh start; a stopped container reads unhealthy, as Docker shows it. */
export function viewHealth(stored: HealthState | undefined, sameStart: boolean, running: boolean): HealthState {
  const s = stored && sameStart ? stored : startedHealth(stored);
  // moby's CloseMonitorChannel: "unhealthy when the monitor has stopped for compatibility reasons".
  return running ? s : { ...s, Status: 'unhealthy' };
}
