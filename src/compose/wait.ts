/**
 * When a service may start: its `depends_on` conditions against what its dependencies'
 * containers are doing, and what `up --wait` waits for. One poll's verdict at a time;
 * the loop and its timeout are ops/compose-wait.ts's. Pure.
 */
import type { DependsCondition } from './types.js';

/** What a dependency's container is doing, as one poll reads it. */
export interface ContainerNow {
  container: string;
  /** Its monitor's status: running, restarting, exited, dead, created...; absent: no container. */
  status?: string;
  exitCode?: number | null;
  /** Its health when it has a check. */
  health?: 'starting' | 'healthy' | 'unhealthy';
}

/** Keep waiting, go on, or fail with a one-line reason. */
export type Verdict = { wait: true } | { ok: true } | { fail: string };

const WAIT: Verdict = { wait: true };
const OK: Verdict = { ok: true };

/** Whether `condition` holds for the dependency now (Docker Compose's wording in failures). */
export function conditionVerdict(condition: DependsCondition['condition'], c: ContainerNow): Verdict {
  if (c.status === undefined) return { fail: `container ${c.container} does not exist` };
  if (condition === 'service_started') return OK;
  if (condition === 'service_completed_successfully') {
    if (c.status !== 'exited' && c.status !== 'dead') return WAIT;
    return c.exitCode === 0
      ? OK
      : { fail: `container ${c.container} didn't complete successfully: exit ${c.exitCode ?? '?'}` };
  }
  if (c.health === undefined) return { fail: `container ${c.container} has no healthcheck configured` };
  if (c.status === 'exited' || c.status === 'dead')
    return { fail: `container ${c.container} exited (${c.exitCode ?? '?'})` };
  if (c.health === 'unhealthy') return { fail: `container ${c.container} is unhealthy` };
  return c.health === 'healthy' ? OK : WAIT;
}

/**
 * What `up --wait` asks of each container: healthy when it has a check, else running; one
 * that exited 0 passes when another service waits for it to complete.
 */
export function readyVerdict(c: ContainerNow, completes: boolean): Verdict {
  if (c.status === undefined) return { fail: `container ${c.container} does not exist` };
  if (c.status === 'exited' || c.status === 'dead') {
    if (completes && c.exitCode === 0) return OK;
    return { fail: `container ${c.container} exited (${c.exitCode ?? '?'})` };
  }
  if (c.status !== 'running') return WAIT;
  if (c.health === 'unhealthy') return { fail: `container ${c.container} is unhealthy` };
  return c.health === undefined || c.health === 'healthy' ? OK : WAIT;
}
