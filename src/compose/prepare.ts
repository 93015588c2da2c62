/**
 * Everything `up` needs to know before it changes anything: the images resolved (their ids
 * go into the config hash), the engine's requests for each service, the network specs, and
 * the checks that would otherwise fail halfway: unknown services, missing images and
 * external networks, a container name held by something outside the project.
 */
import type { Engine } from '../engine/context.js';
import type { NetworkSpec } from '../model/network.js';
import { resolveImage } from '../runtime/image-store.js';
import { resolveImageUser } from '../runtime/image-user.js';
import { parseUser } from '../model/process-options.js';
import type { ComposeNetwork, ComposeProject } from './types.js';
import { networkHash, networkLabels, PROJECT, serviceHash, serviceLabels } from './labels.js';
import { serviceRequest, type ServiceRequest } from './request.js';
import { labelsOf } from './observe.js';
import { checkExternalVolumes, keepAnonymous } from './prepare-volumes.js';
import type { Desired } from './plan.js';
import { ConflictError, NetctlError, NotFoundError, UsageError } from '../errors.js';
import { replicasOf } from './prepare-replicas.js';
import type { WrittenFile } from './prepare-files.js';

/** The prepared project. */
export interface Prepared {
  desired: Desired;
  /** By service name. */
  requests: Map<string, ServiceRequest>;
  /** By network name. */
  networks: Map<string, NetworkSpec>;
  /** Issue 25: every container's request by container name (replicas), and the files to write first. */
  byContainer?: Map<string, ServiceRequest>;
  writes?: Map<string, WrittenFile[]>;
}

/** The `network create` spec of a project network. */
export function networkSpec(p: ComposeProject, n: ComposeNetwork): NetworkSpec {
  const spec: NetworkSpec = {
    name: n.name,
    driver: 'bridge',
    internal: n.internal,
    icc: n.icc,
    labels: networkLabels(p, n),
    options: n.icc ? {} : { 'com.docker.network.bridge.enable_icc': 'false' },
  };
  if (n.subnet !== undefined) spec.subnet = n.subnet;
  if (n.gateway !== undefined) spec.gateway = n.gateway;
  if (n.ipRange !== undefined) spec.ipRange = n.ipRange;
  if (n.subnet6 !== undefined) spec.subnet6 = n.subnet6;
  if (n.gateway6 !== undefined) spec.gateway6 = n.gateway6;
  if (n.mtu !== undefined) spec.mtu = n.mtu;
  if (n.bridge !== undefined) spec.bridge = n.bridge;
  return spec;
}

/** Refuses service names the project does not have. */
export function checkServices(p: ComposeProject, names: readonly string[]): void {
  for (const n of names)
    if (!p.services.some((s) => s.name === n))
      throw new UsageError(`no such service: "${n}" (services: ${p.services.map((s) => s.name).join(', ')})`);
}

/** Resolves, builds and checks. */
export async function prepare(
  engine: Engine,
  p: ComposeProject,
  ephemeral?: readonly [number, number],
): Promise<Prepared> {
  const { roots } = engine;
  const s = engine.store;
  for (const n of p.networks) {
    if (n.external && !s.networks.get(n.name))
      throw new NotFoundError(
        'external network',
        n.name,
        `create it first (netctl network create ${n.name}), or drop "external"`,
      );
    const held = !n.external ? s.networks.get(n.name) : undefined;
    if (held && held.name === n.name && held.labels[PROJECT] !== p.name)
      throw new ConflictError(
        `network "${n.name}" exists and is not project ${p.name}'s`,
        'remove it, or name the network differently',
      );
  }
  checkExternalVolumes(engine, p);
  const requests = new Map<string, ServiceRequest>();
  const services: Desired['services'][number][] = [];
  const extra = { byContainer: new Map<string, ServiceRequest>(), writes: new Map<string, WrittenFile[]>() };
  for (const svc of p.services) {
    const image = await resolveImage(roots, svc.image).catch((err: unknown) => {
      if (err instanceof NetctlError && err.code !== 'not-found') throw err;
      throw new NotFoundError('image', svc.image, `service "${svc.name}" needs it: import it with netctl image import`);
    });
    const held = s.containers.get(svc.containerName);
    if (held && held.name === svc.containerName && labelsOf(held)[PROJECT] !== p.name) {
      throw new ConflictError(
        `container name "${svc.containerName}" is in use by a container outside project ${p.name}`,
        `remove it, or set container_name for service "${svc.name}"`,
      );
    }
    // Issue 25: the count of replicas is not the container's: scaling keeps the others.
    const hash = serviceHash(p, { ...svc, replicas: undefined }, image.id);
    // Issue 24: a user name, or the image's User, resolved in the image's /etc/passwd.
    // A name is checked in the image here and resolved again by the launcher (groups too).
    const spec = svc.user ? svc.user.byName : image.config.user;
    const user = spec ? { ...(await resolveImageUser(roots, image, spec)), ...pickName(spec) } : svc.user;
    const req = serviceRequest(p, { ...svc, user }, image, serviceLabels(p, svc, hash), ephemeral);
    keepAnonymous(engine, held?.name === svc.containerName ? held : undefined, req.run);
    requests.set(svc.name, req);
    const networks = svc.networks.map((n) => p.networks.find((x) => x.key === n.key)!.name);
    const desired = { service: svc.name, container: svc.containerName, hash, dependsOn: svc.dependsOn, networks };
    services.push(...replicasOf(engine, p, svc, { ...desired, allow: svc.allow }, req, extra));
  }
  const networks = new Map(p.networks.filter((n) => !n.external).map((n) => [n.name, networkSpec(p, n)]));
  return {
    desired: {
      services,
      networks: p.networks.map((n) => ({ name: n.name, hash: networkHash(n), external: n.external })),
    },
    requests,
    networks,
    ...extra,
  };
}

/** `{ byName }` when SPEC names a user (the launcher resolves it), nothing for numbers. */
function pickName(spec: string): { byName?: string } {
  const { byName } = parseUser(spec);
  return byName ? { byName } : {};
}
