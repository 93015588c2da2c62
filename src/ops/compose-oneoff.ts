/**
 * `compose run`: a one-off container of a service, made from the same request `up` makes
 * for it (image, environment, volumes, networks, limits), with the command, environment
 * and name of the command line, marked `com.docker.compose.oneoff=True` so that `up` and
 * `down` leave it alone. Its ports are published only with `--service-ports`, as compose
 * does. The services it depends on are brought up first (`--no-deps`: not).
 */
import { randomBytes } from 'node:crypto';
import { ONEOFF, SERVICE } from '../compose/labels.js';
import { labelsOf } from '../compose/observe.js';
import { checkServices, networkSpec, prepare } from '../compose/prepare.js';
import type { ComposeProject } from '../compose/types.js';
import { mergeEnv } from '../engine/run-network.js';
import type { Container } from '../model/container.js';
import { NotFoundError } from '../errors.js';
import { composeUp } from './compose.js';
import type { Host } from './host.js';
import { createNetwork } from './network.js';
import { type RunIo, type RunResult, type RunSettings, runContainer } from './run.js';
import { transactPreview } from './tx.js';
import { ensureImage } from './pull-policy.js';
import type { RunRequest } from '../engine/containers.js';

/** What `compose run` asks for beside the service. */
export interface OneOffOptions {
  command?: string[];
  env?: string[];
  name?: string;
  rm?: boolean;
  detach?: boolean;
  servicePorts?: boolean;
  noDeps?: boolean;
  tty?: boolean;
  interactive?: boolean;
  user?: { uid: number; gid: number };
  workdir?: string;
  ephemeral: readonly [number, number];
  /** Issue 25, `-d --rm`: the command (less the container's name) its monitor runs once it is gone for good. */
  cleanup?: string[];
}

/** The run request of a one-off container of `service`. */
async function oneOffRequest(host: Host, p: ComposeProject, service: string, o: OneOffOptions) {
  const prepared = await transactPreview(host, { dryRun: true }, async (engine) => ({
    plan: { operations: [], rules: '' },
    steps: [],
    result: await prepare(engine, p, o.ephemeral),
  }));
  const sr = prepared.result.requests.get(service)!;
  const run: RunRequest = structuredClone(sr.run);
  run.name = o.name ?? `${p.name}-${service}-run-${randomBytes(6).toString('hex')}`;
  run.labels = { ...run.labels, [ONEOFF]: 'True' };
  if (!o.servicePorts) run.ports = [];
  if (o.command?.length) run.launch.argv = o.command;
  if (o.env?.length) run.launch.env = mergeEnv(run.launch.env, o.env);
  run.launch.hostname = run.name.slice(0, 63);
  run.launch.tty = Boolean(o.tty);
  run.launch.interactive = Boolean(o.interactive);
  if (o.user) Object.assign(run.launch, o.user);
  if (o.workdir) run.launch.cwd = o.workdir;
  if (o.cleanup && o.detach && o.rm) run.launch.cleanup = [...o.cleanup, run.name];
  // The service name stays an alias: a one-off of `web` is reachable as `web`, as in compose.
  return { sr, run };
}

/** Runs a one-off container of `service`; unless detached, waits and returns its exit code. */
export async function composeRunOneOff(
  host: Host,
  p: ComposeProject,
  service: string,
  o: OneOffOptions,
  io: RunIo,
): Promise<RunResult> {
  checkServices(p, [service]);
  const svc = p.services.find((s) => s.name === service)!;
  if (!o.noDeps && svc.dependsOn.length > 0)
    await composeUp(host, { project: p, services: svc.dependsOn, removeOrphans: false, ephemeral: o.ephemeral });
  await ensureImage(host, svc.image, svc.pullPolicy ?? 'missing');
  const store = host.store();
  for (const n of p.networks)
    if (!n.external && !store.networks.get(n.name) && svc.networks.some((x) => x.key === n.key))
      await createNetwork(host, networkSpec(p, n));
  const { sr, run } = await oneOffRequest(host, p, service, o);
  const settings: RunSettings = {
    dns: sr.dns,
    dnsSearch: sr.dnsSearch,
    dnsOptions: sr.dnsOptions,
    extraHosts: sr.extraHosts,
    detach: Boolean(o.detach),
    attached: !o.detach && Boolean(o.tty || o.interactive),
    rm: Boolean(o.rm),
  };
  return runContainer(host, run, settings, io);
}

/** The container of `service` numbered `index` (1: the first), as `compose exec` picks it. */
export function serviceContainer(containers: readonly Container[], service: string, index = 1): Container {
  const mine = containers.filter((c) => labelsOf(c)[SERVICE] === service && labelsOf(c)[ONEOFF] !== 'True');
  const c = mine[index - 1];
  if (!c) throw new NotFoundError('container of service', `${service} #${index}`, 'is the project up? (compose ps)');
  return c;
}
