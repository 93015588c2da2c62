/**
 * The network options of `run` beyond the network itself: `--network container:NAME`
 * (join a running container's namespace, share its hosts and resolv.conf), `--alias`
 * (user-defined networks only) and `--link NAME[:ALIAS]` (the linked container must run
 * and share a network; its variables go into the environment).
 */
import { existsSync } from 'node:fs';
import type { Engine } from './context.js';
import type { Container } from '../model/container.js';
import { checkName } from '../model/names.js';
import { checkDnsName } from '../model/dns-name.js';
import { containerPaths, type RuntimeRoots } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { netnsPath } from './container-net.js';
import { exposedPorts, linkEnv, sharedEndpoints } from './links.js';
import { netView } from './container-steps.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';

/** A legacy link as `run` asks for it. */
export interface LinkRequest {
  name: string;
  alias: string;
}

/** The namespace and files a `container:NAME` container shares. */
export interface JoinedNetns {
  target: Container;
  /** `host`, or the target's namespace file. */
  netns: string;
  hosts: string;
  resolv: string;
}

/** Parses `NAME[:ALIAS]`. */
export function parseLink(spec: string): LinkRequest {
  const [name = '', alias, extra] = spec.split(':');
  if (extra !== undefined) throw new UsageError(`invalid --link "${spec}": expected NAME[:ALIAS]`);
  return {
    name: checkName('container', name),
    alias: checkDnsName('link alias', checkName('link alias', alias ?? name)),
  };
}

/** True when the container's monitor says it runs. */
export async function isRunning(roots: RuntimeRoots, c: Container): Promise<boolean> {
  const st = await readState(containerPaths(roots, c.id).state);
  return st !== null && liveStatus(st) === 'running';
}

/** Resolves `container:NAME`: the container must run and own a namespace (or use the host's). */
export async function resolveJoin(engine: Engine, mode: string): Promise<JoinedNetns> {
  const { roots } = engine;
  const name = mode.slice('container:'.length);
  const target = engine.store.containers.get(name);
  if (!target) throw new NotFoundError('container', name);
  if (!(await isRunning(roots, target)))
    throw new ConflictError(`cannot join the network of container "${target.name}": it is not running`);
  const cfg = target.config as { network?: string; netns?: string };
  const netns = cfg.network === 'host' ? 'host' : (cfg.netns ?? netnsPath(roots.runRoot, target.id));
  if (netns !== 'host' && !existsSync(netns))
    throw new ConflictError(`container "${target.name}" has no network namespace at ${netns}`);
  const p = containerPaths(roots, target.id);
  return { target, netns, hosts: p.hosts, resolv: p.resolv };
}

/** Refuses options that mean nothing in the chosen network mode. */
export function checkNetworkOptions(
  mode: string,
  o: {
    ip?: string;
    aliases?: readonly string[];
    links?: readonly LinkRequest[];
    dns?: readonly string[];
    extraHosts?: readonly string[];
  },
): void {
  const join = mode.startsWith('container:');
  const own = mode !== 'host' && mode !== 'none' && !join;
  if (o.ip !== undefined && !own) throw new UsageError(`--ip cannot be used with --network ${mode}`);
  if ((o.aliases ?? []).length > 0 && (!own || mode === 'bridge')) {
    throw new UsageError(
      'network-scoped aliases are only supported on user-defined networks',
      'create one with "netctl network create"',
    );
  }
  if ((o.links ?? []).length > 0 && !own) throw new UsageError(`--link cannot be used with --network ${mode}`);
  if (join && ((o.dns ?? []).length > 0 || (o.extraHosts ?? []).length > 0)) {
    throw new UsageError(
      `--dns and --add-host cannot be used with --network ${mode}: it shares that container's files`,
    );
  }
}

/**
 * Records the links of container `c` (already attached) and returns their variables.
 * Each target must exist, run and share a network with `c`.
 */
export async function recordLinks(engine: Engine, c: Container, links: readonly LinkRequest[]): Promise<string[]> {
  const { roots } = engine;
  const s = engine.store;
  const env: string[] = [];
  for (const l of links) {
    const child = s.containers.get(l.name);
    if (!child || child.name !== l.name) throw new NotFoundError('container', l.name);
    if (!(await isRunning(roots, child)))
      throw new ConflictError(`cannot link to container "${l.name}": it is not running`);
    const v = netView(s);
    const shared = sharedEndpoints(v, c.id, child.id);
    if (!shared)
      throw new ConflictError(`cannot link to container "${l.name}": it is on none of this container's networks`);
    s.links.add({ containerId: c.id, target: child.name, alias: l.alias });
    env.push(...linkEnv(c.name, l.alias, child, shared.child.address!, exposedPorts(child, v.ports)));
  }
  return env;
}

/** `base` with `over` replacing variables of the same name (user -e wins over link variables). */
export function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const out = new Map(base.map((e) => [e.split('=')[0]!, e]));
  for (const e of over) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}
