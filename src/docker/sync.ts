/**
 * Docker's route rules brought in line with what the database and the containers' labels
 * want, for the containers given (every running one): plan (splice ufw's user rules, only
 * netctl's Docker entries), then write and load ufw's forward chain with one
 * `iptables-restore` per family that changed. Used by `netctl allow` on a Docker name,
 * `netctl docker sync` and the watch loop. Call it under the store's lock.
 */
import type { Store } from '../store/index.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import {
  applyRoutes,
  planRoutes,
  routeDrift,
  routesChanged,
  routesDiff,
  type RoutesPlan,
} from '../firewall/ufw/routes-apply.js';
import type { DockerContainer } from './model.js';
import { desiredDockerRoutes, labelRules } from './routes.js';

/** A planned sync. */
export interface DockerSyncPlan {
  desired: RouteRule[];
  plan: RoutesPlan;
  changed: boolean;
  diff: string;
  /** Labels that were not understood (their container gets no label rules). */
  errors: string[];
}

/** Plans Docker's route rules for `containers`. */
export async function planDockerSync(
  store: Store,
  ufw: UfwDeps,
  containers: readonly DockerContainer[],
): Promise<DockerSyncPlan> {
  const desired = desiredDockerRoutes(store.dockerAllows.list(), containers);
  const plan = await planRoutes(ufw, desired, 'docker');
  const errors = containers.flatMap((c) => labelRules(c).errors);
  return { desired, plan, changed: routesChanged(plan), diff: routesDiff(plan), errors };
}

/** Applies a plan; returns the undo (a no-op when nothing changed). */
export async function applyDockerSync(ufw: UfwDeps, p: DockerSyncPlan): Promise<() => Promise<void>> {
  return p.changed ? applyRoutes(ufw, p.plan) : async () => undefined;
}

/** Docker rules missing from ufw's files, and stale ones (for status and doctor). */
export async function dockerDrift(
  store: Store,
  ufw: UfwDeps,
  containers: readonly DockerContainer[],
): Promise<{ missing: string[]; stale: string[] }> {
  return routeDrift(ufw, desiredDockerRoutes(store.dockerAllows.list(), containers), 'docker');
}
