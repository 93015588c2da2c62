/**
 * What netctl has of a project, found by the compose labels on containers and networks.
 */
import type { Engine } from '../engine/context.js';
import type { Container } from '../model/container.js';
import type { Network } from '../model/network.js';
import { isActive } from '../engine/lifecycle.js';
import { HASH, NUMBER, ONEOFF, PROJECT, SERVICE } from './labels.js';
import type { Existing, ExistingContainer } from './plan.js';

/** A container's labels (kept in its config). */
export function labelsOf(c: Container): Record<string, string> {
  return (c.config as { labels?: Record<string, string> }).labels ?? {};
}

/** The project's containers, in creation order. */
export function projectContainers(engine: Engine, project: string): Container[] {
  return engine.store.containers.list({ all: true }).filter((c) => labelsOf(c)[PROJECT] === project);
}

/** The project's networks (the ones netctl created for it), in creation order. */
export function projectNetworks(engine: Engine, project: string): Network[] {
  return engine.store.networks.list().filter((n) => n.labels[PROJECT] === project);
}

/** The project as it is. */
export async function observe(engine: Engine, project: string): Promise<Existing> {
  const { roots } = engine;
  const s = engine.store;
  const netNames = new Map(s.networks.list().map((n) => [n.id, n.name]));
  const containers: ExistingContainer[] = [];
  const allows = new Map<string, ReturnType<typeof s.allows.list>>();
  for (const c of projectContainers(engine, project)) {
    const l = labelsOf(c);
    // `compose run`'s one-off containers are not the service's: up and down leave them be.
    if (l[ONEOFF] === 'True') continue;
    containers.push({
      container: c.name,
      service: l[SERVICE] ?? c.name,
      hash: l[HASH] ?? '',
      running: await isActive(roots, c),
      networks: s.endpoints.forContainer(c.id).map((e) => netNames.get(e.networkId) ?? e.networkId),
      ...(Number(l[NUMBER] ?? 1) > 1 ? { number: Number(l[NUMBER]) } : {}),
    });
    allows.set(c.name, s.allows.list(c.name));
  }
  return {
    containers,
    networks: projectNetworks(engine, project).map((n) => ({ name: n.name, hash: n.labels[HASH] ?? '' })),
    allows,
    volumes: s.volumes
      .list()
      .filter((v) => v.labels[PROJECT] === project)
      .map((v) => v.name),
  };
}
