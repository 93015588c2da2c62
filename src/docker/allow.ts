/**
 * `netctl allow` / `deny` on a Docker container, as planners: the rule is recorded under the
 * container's Docker name (an id is resolved to it), and the route rules of every running
 * container are planned from Docker's answers in the same step. ops/allow.ts runs them
 * through the one transaction; the policy is model/allow-policy.ts, as for netctl's own.
 */
import type { AllowRule } from '../model/allow.js';
import {
  type AllowRequest,
  canonicalSources,
  denied,
  type PortTarget,
  refuseUnpublished,
  rulesOf,
  rulesOfRequest,
} from '../model/allow-policy.js';
import { parsePortWord, readPorts } from '../model/allow-ports.js';
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

/** What a Docker container publishes, one target per host binding (for reading host ports). */
function dockerTargets(c: DockerContainer | undefined): PortTarget[] {
  return (c?.ports ?? []).flatMap((p) =>
    (p.hosts?.length ? p.hosts : [undefined]).map((h) => ({ port: p.port, proto: p.proto, hostPort: h?.port })),
  );
}

/** A request's rules on Docker container `name`, host ports read against what `c` publishes. */
function requestOn(name: string, req: AllowRequest, c: DockerContainer | undefined) {
  const read = readPorts(name, req.ports, dockerTargets(c));
  return { rules: rulesOf(name, read.ports, canonicalSources(req.from), req.network ?? null), matched: read.matched };
}

/** Refuses bad ports and sources before Docker is asked. */
function checkRequest(req: AllowRequest): void {
  checkDockerRef(req.name);
  for (const p of req.ports ?? []) parsePortWord(p);
  rulesOfRequest(req.name, { ...req, ports: [] });
}

async function planSync(
  engine: Engine,
  api: DockerApi,
  rules: AllowRule[],
  routes: AllowResult['routes'],
  matched: string[],
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
  const result: AllowResult = { container: rules[0]?.container ?? '', rules, routes, changed: p.changed, diff: p.diff };
  if (matched.length > 0) result.matched = matched;
  return { plan: await routesChangePlan(engine.ufw, p.plan), steps: [step], result };
}

/** Plans allowing on a Docker container (by name or id; it must exist and publish the port); under the lock. */
export async function planDockerAllow(
  engine: Engine,
  api: DockerApi,
  req: AllowRequest,
): Promise<Planned<AllowResult>> {
  checkRequest(req);
  const c = await inspectContainer(api, req.name);
  if (!c) throw new NotFoundError('container', req.name, UNKNOWN);
  const { rules, matched } = requestOn(c.name, req, c);
  for (const r of rules) refuseUnconnected(c, r);
  for (const r of rules) engine.store.dockerAllows.add(r);
  return planSync(
    engine,
    api,
    rules,
    rules.flatMap((r) => dockerRoutesOf(c, r)),
    matched,
  );
}

/**
 * Plans removing the matching stored rules of a Docker name (also after the container is
 * gone); fields the request leaves out match anything. Under the lock.
 */
export async function planDockerDeny(engine: Engine, api: DockerApi, req: AllowRequest): Promise<Planned<AllowResult>> {
  const { store } = engine;
  checkRequest(req);
  const c = store.dockerAllows.list(req.name).length > 0 ? undefined : await inspectContainer(api, req.name);
  const name = c?.name ?? req.name;
  const stored = store.dockerAllows.list(name);
  if (!c && stored.length === 0) throw new NotFoundError('container', req.name, UNKNOWN);
  const live = c ?? (await inspectContainer(api, name).catch(() => undefined));
  const { rules: asked, matched } = requestOn(name, req, live);
  const gone = denied(stored, asked, req);
  const routes = live ? gone.flatMap((r) => dockerRoutesOf(live, r)) : [];
  for (const r of gone) store.dockerAllows.remove(r);
  return planSync(engine, api, gone, routes, matched);
}

/** Refuses what cannot be a Docker name or id before anything is asked. */
export function checkDockerRef(ref: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(ref)) throw new UsageError(`invalid container name "${ref}"`);
}
