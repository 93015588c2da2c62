/**
 * `netctl allow` / `deny` on a Docker container: the rule is recorded under the container's
 * Docker name (an id is resolved to it), and the route rules of every running container are
 * rewritten from Docker's answers in the same command, under the database's lock.
 */
import type { Store } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import {
  denied,
  DryRunResult,
  rulesOfRequest,
  unwrapDryRun,
  type AllowRequest,
  type AllowResult,
} from '../engine/allow.js';
import type { DockerApi } from './client.js';
import { inspectContainer, runningContainers } from './containers.js';
import type { DockerContainer } from './model.js';
import { dockerRoutesOf } from './routes.js';
import { applyDockerSync, planDockerSync } from './sync.js';

function refuseUnpublished(c: DockerContainer, r: AllowRule): void {
  if (r.network !== null && !c.addresses.some((a) => a.network === r.network)) {
    throw new NotFoundError(
      'network of container',
      `${c.name} on ${r.network}`,
      `Docker container "${c.name}" is not connected to "${r.network}"`,
    );
  }
  const selected = c.ports.filter(
    (p) => p.proto !== 'sctp' && (r.port === null || p.port === r.port) && (r.proto === null || p.proto === r.proto),
  );
  if (selected.length > 0) return;
  const what = r.port === null ? 'any tcp or udp port' : `port ${r.port}${r.proto ? `/${r.proto}` : ''}`;
  throw new NotFoundError(
    'published port',
    `${c.name} ${what}`,
    `Docker container "${c.name}" does not publish ${what} (see docker port ${c.name})`,
  );
}

async function commit(
  store: Store,
  api: DockerApi,
  ufw: UfwDeps,
  rules: AllowRule[],
  routesFrom: DockerContainer | undefined,
  dryRun: boolean,
): Promise<AllowResult> {
  const containers = await runningContainers(api);
  const p = await planDockerSync(store, ufw, containers);
  const routes = routesFrom ? rules.flatMap((r) => dockerRoutesOf(routesFrom, r)) : [];
  if (!dryRun) await applyDockerSync(ufw, p);
  return { container: rules[0]?.container ?? '', rules, routes, changed: p.changed, diff: p.diff };
}

/** Allows on a Docker container (by name or id; it must exist and publish the port). */
export async function dockerAllow(
  store: Store,
  api: DockerApi,
  ufw: UfwDeps,
  req: AllowRequest,
  opts: { dryRun?: boolean } = {},
): Promise<AllowResult> {
  checkDockerRef(req.name);
  rulesOfRequest(req.name, req); // bad ports and sources are refused before Docker is asked
  const c = await inspectContainer(api, req.name);
  if (!c)
    throw new NotFoundError(
      'container',
      req.name,
      'neither netctl nor Docker has a container of that name or id (netctl ps, docker ps)',
    );
  const rules = rulesOfRequest(c.name, req);
  for (const r of rules) refuseUnpublished(c, r);
  return store
    .locked(async () => {
      for (const r of rules) store.dockerAllows.add(r);
      const result = await commit(store, api, ufw, rules, c, opts.dryRun === true);
      if (opts.dryRun) throw new DryRunResult(result);
      return result;
    })
    .catch(unwrapDryRun);
}

/**
 * Removes the matching stored rules of a Docker name (also after the container is gone);
 * fields the request leaves out match anything.
 */
export async function dockerDeny(
  store: Store,
  api: DockerApi,
  ufw: UfwDeps,
  req: AllowRequest,
  opts: { dryRun?: boolean } = {},
): Promise<AllowResult> {
  checkDockerRef(req.name);
  rulesOfRequest(req.name, req);
  const c = store.dockerAllows.list(req.name).length > 0 ? undefined : await inspectContainer(api, req.name);
  const name = c?.name ?? req.name;
  const asked = rulesOfRequest(name, req);
  return store
    .locked(async () => {
      const stored = store.dockerAllows.list(name);
      if (!c && stored.length === 0)
        throw new NotFoundError(
          'container',
          req.name,
          'neither netctl nor Docker has a container of that name or id (netctl ps, docker ps)',
        );
      const gone = denied(stored, asked, req);
      const live = c ?? (await inspectContainer(api, name).catch(() => undefined));
      const routes = live ? gone.flatMap((r) => dockerRoutesOf(live, r)) : [];
      for (const r of gone) store.dockerAllows.remove(r);
      const result = { ...(await commit(store, api, ufw, gone, undefined, opts.dryRun === true)), routes };
      if (opts.dryRun) throw new DryRunResult(result);
      return result;
    })
    .catch(unwrapDryRun);
}

/** Refuses what cannot be a Docker name or id before anything is asked. */
export function checkDockerRef(ref: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(ref)) throw new UsageError(`invalid container name "${ref}"`);
}
