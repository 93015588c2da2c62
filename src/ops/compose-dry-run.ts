/**
 * `compose up --dry-run` and `down --dry-run` as one ChangePlan: the actions played against
 * the database inside the dry-run transaction of ops/tx.ts (so every record written here
 * is rolled back), and what each would do to the kernel taken from the same planners the
 * engine applies: the networks' bridges, each container's namespace and veths, the launcher
 * each container would start, and one iptables-restore document for the state they all
 * leave. Nothing here touches the kernel: the engine calls made are their dry runs.
 */
import type { Action } from '../compose/plan.js';
import type { Prepared } from '../compose/prepare.js';
import { recordEndpoint, releaseEndpoints } from '../engine/attach.js';
import { netnsPath, planAttach, planDetachAll, planNetns } from '../engine/container-net.js';
import type { Engine } from '../engine/context.js';
import { firewallStep } from '../engine/firewall-step.js';
import { planNetworkDown } from '../engine/kernel-steps.js';
import { DEFAULT_NETWORK, planCreateNetwork } from '../engine/networks.js';
import type { ChangePlan } from '../engine/plan.js';
import { type ConnectRequest, recordConnect } from '../engine/connect.js';
import { InternalError } from '../errors.js';
import { planMounts, recordUsers } from '../engine/mounts.js';
import { anonymousOnlyOf } from '../engine/volumes.js';
import type { Container } from '../model/container.js';
import type { Network } from '../model/network.js';
import { describeOp } from '../netlink/plan.js';
import { containerPaths, launcherPath } from '../runtime/paths.js';

/** What the actions played so far would do. */
interface Acc {
  operations: string[];
  processes: string[][];
  /** Volumes and host directories it would make, anonymous volumes it would remove. */
  notes: string[];
}

/** A network's dry run: recorded (for what follows), its bridge planned. */
async function network(engine: Engine, spec: Parameters<typeof planCreateNetwork>[1], acc: Acc): Promise<Network> {
  const { plan } = await planCreateNetwork(engine, spec);
  // Each network's plan sets the forwarding sysctls; the whole needs them once.
  for (const op of plan.operations)
    if (!(op.startsWith('sysctl ') && acc.operations.includes(op))) acc.operations.push(op);
  return engine.store.networks.require(spec.name);
}

async function defaultNetwork(engine: Engine, acc: Acc): Promise<Network> {
  return (
    engine.store.networks.get(DEFAULT_NETWORK.name) ??
    network(engine, { name: DEFAULT_NETWORK.name, bridge: DEFAULT_NETWORK.bridge }, acc)
  );
}

function launcher(engine: Engine, c: Container): string[] {
  return [launcherPath(), 'run', containerPaths(engine.roots, c.id).config];
}

/** A further network of a new container, as `network connect` records and plumbs it. */
function connect(engine: Engine, c: Container, netns: string, req: ConnectRequest, acc: Acc): void {
  const { ops } = recordConnect(engine, c, engine.store.networks.require(req.network), netns, req);
  acc.operations.push(...ops.map(describeOp));
}

/** A service's container: its record, namespace, endpoints and launcher. */
async function run(engine: Engine, prepared: Prepared, service: string, acc: Acc, container: string): Promise<void> {
  const req = prepared.byContainer?.get(container) ?? prepared.requests.get(service);
  for (const f of prepared.writes?.get(container) ?? []) acc.notes.push(`${container}: write ${f.path}`);
  if (!req) throw new InternalError(`no request for service ${service}`);
  const r = req.run;
  const s = engine.store;
  const c = s.containers.create({
    name: r.name,
    image: r.image.ref,
    config: { imageId: r.image.id, network: r.network, ...(r.labels ? { labels: r.labels } : {}) },
  });
  const mode = r.network;
  const joined = mode === 'host' || mode === 'none' || mode.startsWith('container:');
  const netns = netnsPath(engine.roots.runRoot, c.id);
  if (!joined || mode === 'none') acc.operations.push(...planNetns(netns).map(describeOp));
  if (!joined) {
    const n = mode === 'bridge' ? await defaultNetwork(engine, acc) : s.networks.require(mode);
    const { endpoint } = recordEndpoint(engine, c, n, {
      ports: r.ports,
      ...(r.ip ? { ip: r.ip } : {}),
      ...(r.ephemeral ? { ephemeral: r.ephemeral } : {}),
      ...(r.aliases ? { aliases: r.aliases } : {}),
    });
    acc.operations.push(...planAttach(netns, n, endpoint).map(describeOp));
    for (const cr of req.connect) connect(engine, c, netns, cr, acc);
  }
  if (r.mounts) {
    const m = await planMounts(engine, { imageId: r.image.id, ...r.mounts });
    acc.notes.push(...m.notes.map((n) => `${r.name}: ${n}`));
    recordUsers(engine, c.id, m.records);
  }
  acc.processes.push(launcher(engine, c));
}

/** A container going: its veths and namespace, its records. */
function remove(engine: Engine, name: string, acc: Acc, volumes = false): void {
  const s = engine.store;
  const c = s.containers.require(name);
  if (volumes) acc.notes.push(...anonymousOnlyOf(engine, c.id).map((v) => `${name}: remove volume ${v}`));
  const mode = String((c.config as { network?: string }).network ?? 'bridge');
  const owns = mode !== 'host' && !mode.startsWith('container:');
  const endpoints = s.endpoints.forContainer(c.id);
  if (owns) acc.operations.push(...planDetachAll(netnsPath(engine.roots.runRoot, c.id), endpoints).map(describeOp));
  releaseEndpoints(engine, c);
  s.containers.remove(c.id);
}

async function one(engine: Engine, prepared: Prepared | undefined, a: Action, acc: Acc): Promise<void> {
  const s = engine.store;
  switch (a.do) {
    case 'remove-container':
      return remove(engine, a.container, acc, a.volumes === true);
    case 'remove-network':
      acc.operations.push(...planNetworkDown(s.networks.remove(a.network)).map(describeOp));
      return;
    case 'create-network': {
      const spec = prepared?.networks.get(a.network);
      if (!spec) throw new InternalError(`no spec for network ${a.network}`);
      await network(engine, spec, acc);
      return;
    }
    case 'run':
      if (!prepared) throw new InternalError(`no request for service ${a.service}`);
      return run(engine, prepared, a.service, acc, a.container);
    case 'start':
      acc.processes.push(launcher(engine, s.containers.require(a.container)));
      return;
    case 'allow':
      for (const r of a.remove) s.allows.remove(r);
      for (const r of a.add) s.allows.add(r);
      return;
    default:
      return;
  }
}

/**
 * The plan of `actions`, played on the database of the caller's dry-run transaction. The
 * rules are planned once, for the state the actions leave, and only when a network or a
 * container comes or goes: allow rules alone are ufw's, shown by their action lines.
 */
export async function dryRunActions(
  engine: Engine,
  actions: readonly Action[],
  prepared: Prepared | undefined,
): Promise<ChangePlan> {
  const acc: Acc = { operations: [], processes: [], notes: [] };
  // As applyActions: the default network takes the first free pool before a project network could.
  if (actions.some((a) => a.do === 'create-network')) await defaultNetwork(engine, acc);
  for (const a of actions) await one(engine, prepared, a, acc);
  const kernel = acc.operations.length > 0 || acc.processes.length > 0;
  const rules = kernel ? (await firewallStep(engine)).plan.text() : '';
  return {
    operations: acc.operations,
    rules,
    ...(acc.processes.length > 0 ? { processes: acc.processes } : {}),
    ...(acc.notes.length > 0 ? { notes: acc.notes } : {}),
  };
}
