/**
 * `netctl allow` / `deny` on a Docker container, as planners: the rule is recorded under the
 * container's Docker name (an id is resolved to it), and the route rules of every running
 * container are planned from Docker's answers in the same step. ops/allow.ts runs them
 * through the one transaction; the policy is model/allow-policy.ts, as for netctl's own.
 */
import type { AllowRule } from '../model/allow.js';
import { type AllowRequest, denied, refuseUnpublished, rulesOfRequest } from '../model/allow-policy.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { Engine } from '../engine/context.js';
import type { AllowResult } from '../engine/allow.js';
import type { Planned } from '../engine/plan.js';
import { routesChangePlan } from '../engine/ufw-routes.js';
import type { DockerApi } from './client.js';
import { inspectContainer, runningContainers } from './containers.js';
import type { DockerContainer } from './model.js';
import { dockerRoutesOf } from './routes.js';
import { applyDockerSync, planDockerSync } from './sync.js';

const UNKNOWN = 'neither netctl nor Docker has a container of that name or id (netctl ps, docker ps)';

function refuseUnconnected(c: DockerContainer, r: AllowRule): void {
  if (r.network !== null && !c.addresses.some((a) => a.network === r.network)) {
    throw new NotFoundError(
      'network of container',
      `${c.name} on ${r.network}`,
      `Docker container "${c.name}" is not connected to "${r.network}"`,
    );
  }
  refuseUnpublished(
    r,
    c.ports,
    (what) => `Docker container "${c.name}" does not publish ${what} (see docker port ${c.name})`,
  );
}

async function planSync(
  engine: Engine,
  api: DockerApi,
  rules: AllowRule[],
  routes: AllowResult['routes'],
): Promise<Planned<AllowResult>> {
  const containers = await runningContainers(api);
  const p = await planDockerSync(engine.store, engine.ufw, containers);
  let undo: (() => Promise<void>) | undefined;
  const step = {
    describe: "write Docker's ufw route rules",
    apply: async () => {
      undo = await applyDockerSync(engine.ufw, p);
    },
    undo: async () => undo?.(),
  };
  const result = { container: rules[0]?.container ?? '', rules, routes, changed: p.changed, diff: p.diff };
  return { plan: await routesChangePlan(engine.ufw, p.plan), steps: [step], result };
}

/** Plans allowing on a Docker container (by name or id; it must exist and publish the port); under the lock. */
export async function planDockerAllow(
  engine: Engine,
  api: DockerApi,
  req: AllowRequest,
): Promise<Planned<AllowResult>> {
  checkDockerRef(req.name);
  rulesOfRequest(req.name, req); // bad ports and sources are refused before Docker is asked
  const c = await inspectContainer(api, req.name);
  if (!c) throw new NotFoundError('container', req.name, UNKNOWN);
  const rules = rulesOfRequest(c.name, req);
  for (const r of rules) refuseUnconnected(c, r);
  for (const r of rules) engine.store.dockerAllows.add(r);
  return planSync(
    engine,
    api,
    rules,
    rules.flatMap((r) => dockerRoutesOf(c, r)),
  );
}

/**
 * Plans removing the matching stored rules of a Docker name (also after the container is
 * gone); fields the request leaves out match anything. Under the lock.
 */
export async function planDockerDeny(engine: Engine, api: DockerApi, req: AllowRequest): Promise<Planned<AllowResult>> {
  const { store } = engine;
  checkDockerRef(req.name);
  rulesOfRequest(req.name, req);
  const c = store.dockerAllows.list(req.name).length > 0 ? undefined : await inspectContainer(api, req.name);
  const name = c?.name ?? req.name;
  const asked = rulesOfRequest(name, req);
  const stored = store.dockerAllows.list(name);
  if (!c && stored.length === 0) throw new NotFoundError('container', req.name, UNKNOWN);
  const gone = denied(stored, asked, req);
  const live = c ?? (await inspectContainer(api, name).catch(() => undefined));
  const routes = live ? gone.flatMap((r) => dockerRoutesOf(live, r)) : [];
  for (const r of gone) store.dockerAllows.remove(r);
  return planSync(engine, api, gone, routes);
}

/** Refuses what cannot be a Docker name or id before anything is asked. */
export function checkDockerRef(ref: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(ref)) throw new UsageError(`invalid container name "${ref}"`);
}
