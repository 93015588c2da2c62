/**
 * `run`'s health options into the request: the flags over the image's HEALTHCHECK, merged
 * as Docker's daemon merges them (model/health.ts); the runner applies them.
 */
import type { ImageRecord, RunRequest } from '../ops/run.js';
import { type HealthFlags, healthFromFlags, mergeHealth } from '../model/health.js';

/** Sets `req.health` from the options and the image; nothing when neither has a check. */
export function applyHealthOptions(req: RunRequest, o: Record<string, unknown>, image: ImageRecord): void {
  const health = mergeHealth(image.config.healthcheck, healthFromFlags(o as HealthFlags));
  if (health) req.health = health;
}
