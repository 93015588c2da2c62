/**
 * The health runner's files in the run root: its pid file and log. Which containers have a
 * check, from their records. Reads only.
 */
import { livePid } from '../sys/pid-file.js';
import { join } from 'node:path';
import type { Container } from '../model/container.js';
import { type HealthConfig, type HealthPlan, healthPlan } from '../model/health.js';

/** RUN_ROOT/health: pid file and log. */
export function healthFiles(runRoot: string): { dir: string; pid: string; log: string } {
  const dir = join(runRoot, 'health');
  return { dir, pid: join(dir, 'health.pid'), log: join(dir, 'health.log') };
}

/** The pid of a live runner by its pid file, or undefined (a zombie is dead too). */
export function runnerPid(runRoot: string): number | undefined {
  return livePid(healthFiles(runRoot).pid);
}

/** The container's health config as `run` or compose recorded it (image's merged with the user's). */
export function healthConfigOf(c: Pick<Container, 'config'>): HealthConfig | undefined {
  return (c.config as { health?: HealthConfig }).health;
}

/** What the container's check runs and when; undefined when it has none. */
export function healthPlanOf(c: Pick<Container, 'config'>): HealthPlan | undefined {
  return healthPlan(healthConfigOf(c));
}
