/**
 * Networks: create and remove, each planned under the database's write lock (the record
 * written, the kernel and firewall steps returned, not run). ops/network.ts applies the
 * plan or, for `--dry-run`, returns it and rolls the database back.
 */
import type { Network, NetworkSpec } from '../model/network.js';
import type { Store } from '../store/index.js';
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { opsStep, planNetworkDown, planNetworkUp } from './kernel-steps.js';
import { describeOp } from '../netlink/plan.js';
import { emptyPlan, type Planned } from './plan.js';
import { ConflictError } from '../errors.js';
import { configuredPools } from '../sys/config-file.js';
import { formatCidr, parseCidr } from '../model/addr.js';

export type { ChangePlan } from './plan.js';

/** The name and bridge of the network every container joins by default. */
export const DEFAULT_NETWORK = { name: 'bridge', bridge: 'netctl0' } as const;

/** `text` as formatCidr writes it, or undefined when it is no CIDR. */
function canonicalCidr(text: string): string | undefined {
  try {
    return formatCidr(parseCidr(text));
  } catch {
    return undefined;
  }
}

/**
 * The destinations of the host's routes, less the connected routes of netctl's own bridges
 * (their subnets are checked as networks, with a better message). Told apart by destination,
 * not by interface: a link dump to learn the bridges' indices cost ~1 ms of CPU per network
 * (netlink parses every link with its stats), the larger part of `network create` at 200
 * networks. A route on an own bridge to another destination now counts as the host's.
 */
async function hostRoutes(engine: Engine): Promise<string[]> {
  const own = new Set<string>();
  for (const n of engine.store.networks.list()) {
    own.add(formatCidr(parseCidr(n.subnet)));
    if (n.subnet6 !== undefined) own.add(formatCidr(parseCidr(n.subnet6)));
  }
  return (await engine.kernel.client.listRoutes())
    .filter((r) => r.dst !== 'default' && !own.has(canonicalCidr(r.dst) ?? r.dst))
    .map((r) => r.dst);
}

/** Records a network and plans its bridge and rules (call under the write lock). */
export async function planCreateNetwork(engine: Engine, spec: NetworkSpec): Promise<Planned<Network>> {
  if (spec.bridge !== undefined && (await engine.kernel.client.getLink(spec.bridge))) {
    throw new ConflictError(`bridge "${spec.bridge}" already exists on this host`, 'choose another --bridge-name');
  }
  const routes = await hostRoutes(engine);
  const since = engine.store.firewallRevision();
  const network = engine.store.networks.create(spec, { hostRoutes: routes, pools: configuredPools() });
  if (!spec.bridge && (await engine.kernel.client.getLink(network.bridge)))
    throw new ConflictError(`bridge "${network.bridge}" already exists on this host`);
  const fw = await firewallStep(engine, { change: { kind: 'add', of: 'network', network, since } });
  const ops = planNetworkUp(network);
  return {
    plan: { operations: ops.map(describeOp), rules: fw.plan.text() },
    steps: [opsStep(ops, engine.kernel), fw.step],
    result: network,
  };
}

/** Removes a network's record (refused while containers are attached) and plans its teardown. */
export async function planRemoveNetwork(engine: Engine, ref: string): Promise<Planned<Network>> {
  if (engine.store.networks.get(ref)?.name === DEFAULT_NETWORK.name) {
    throw new ConflictError(`network "${DEFAULT_NETWORK.name}" is the default network and cannot be removed`);
  }
  const since = engine.store.firewallRevision();
  const network = engine.store.networks.remove(ref);
  const fw = await firewallStep(engine, { change: { kind: 'remove', of: 'network', network, since } });
  const ops = planNetworkDown(network);
  return {
    plan: { operations: ops.map(describeOp), rules: fw.plan.text() },
    // Rules first: nothing may refer to the bridge once it is gone.
    steps: [fw.step, opsStep(ops, engine.kernel)],
    result: network,
  };
}

/** The networks no container uses, the default one left out: what `network prune` removes. */
export function unusedNetworks(store: Store): Network[] {
  return store.networks
    .list()
    .filter((n) => n.name !== DEFAULT_NETWORK.name && store.endpoints.forNetwork(n.id).length === 0);
}

/**
 * The default network for a command planning under the lock: the record, and when it is
 * missing the plan creating it, to run before the command's own steps.
 */
export async function planDefaultNetwork(engine: Engine): Promise<Planned<Network>> {
  const existing = engine.store.networks.get(DEFAULT_NETWORK.name);
  if (existing) return { plan: emptyPlan(), steps: [], result: existing };
  return planCreateNetwork(engine, { ...DEFAULT_NETWORK });
}
