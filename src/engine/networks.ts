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

export type { ChangePlan } from './plan.js';

/** The name and bridge of the network every container joins by default. */
export const DEFAULT_NETWORK = { name: 'bridge', bridge: 'netctl0' } as const;

async function hostRoutes(engine: Engine, n?: Pick<Network, 'bridge'>): Promise<string[]> {
  const links = await engine.kernel.client.listLinks();
  const own = new Set(engine.store.networks.list().map((x) => x.bridge));
  if (n) own.add(n.bridge);
  const ownIdx = new Set(links.filter((l) => own.has(l.name)).map((l) => l.index));
  // Routes on netctl's own bridges are checked as networks, with a better message.
  return (await engine.kernel.client.listRoutes())
    .filter((r) => r.dst !== 'default' && !(r.oif !== undefined && ownIdx.has(r.oif)))
    .map((r) => r.dst);
}

/** Records a network and plans its bridge and rules (call under the write lock). */
export async function planCreateNetwork(engine: Engine, spec: NetworkSpec): Promise<Planned<Network>> {
  if (spec.bridge !== undefined && (await engine.kernel.client.getLink(spec.bridge))) {
    throw new ConflictError(`bridge "${spec.bridge}" already exists on this host`, 'choose another --bridge-name');
  }
  const routes = await hostRoutes(engine);
  const network = engine.store.networks.create(spec, { hostRoutes: routes, pools: configuredPools() });
  if (!spec.bridge && (await engine.kernel.client.getLink(network.bridge)))
    throw new ConflictError(`bridge "${network.bridge}" already exists on this host`);
  const fw = await firewallStep(engine);
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
  const network = engine.store.networks.remove(ref);
  const fw = await firewallStep(engine);
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
