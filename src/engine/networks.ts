/**
 * Networks: create and remove, each as observe -> plan -> apply -> verify under the
 * database's write lock. A failure anywhere undoes the kernel changes made so far and
 * leaves the database as it was.
 */
import type { Network, NetworkSpec } from '../model/network.js';
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { opsStep, planNetworkDown, planNetworkUp } from './kernel-steps.js';
import { describeOp, type NetlinkOp } from '../netlink/plan.js';
import { runSteps, type Step } from '../model/steps.js';
import type { FirewallPlan } from '../firewall/driver.js';
import { ConflictError, NetctlError } from '../errors.js';

/** The name and bridge of the network every container joins by default. */
export const DEFAULT_NETWORK = { name: 'bridge', bridge: 'netctl0' } as const;

import type { ChangePlan } from './plan.js';
export type { ChangePlan } from './plan.js';

/** Thrown inside the lock to roll the database back after a dry run. */
class DryRun extends Error {
  constructor(readonly plan: ChangePlan) {
    super('dry run');
  }
}

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

async function execute(ops: NetlinkOp[], steps: Step[], rules: FirewallPlan, dryRun: boolean): Promise<ChangePlan> {
  const plan: ChangePlan = { operations: ops.map(describeOp), rules: rules.text() };
  if (dryRun) throw new DryRun(plan);
  await runSteps(steps);
  return plan;
}

async function locked<T>(engine: Engine, fn: () => Promise<T>): Promise<T | ChangePlan> {
  try {
    return await engine.store.locked(fn);
  } catch (err) {
    if (err instanceof DryRun) return err.plan;
    throw err;
  }
}

/** Creates a network; with `dryRun` returns the plan and changes nothing. */
export async function createNetwork(
  engine: Engine,
  spec: NetworkSpec,
  dryRun = false,
): Promise<{ network?: Network; plan: ChangePlan }> {
  let network: Network | undefined;
  const result = await locked(engine, async () => {
    if (spec.bridge !== undefined && (await engine.kernel.client.getLink(spec.bridge))) {
      throw new ConflictError(`bridge "${spec.bridge}" already exists on this host`, 'choose another --bridge-name');
    }
    const routes = await hostRoutes(engine);
    network = engine.store.networks.create(spec, { hostRoutes: routes });
    if (!spec.bridge && (await engine.kernel.client.getLink(network.bridge)))
      throw new ConflictError(`bridge "${network.bridge}" already exists on this host`);
    const fw = await firewallStep(engine);
    const ops = planNetworkUp(network);
    return execute(ops, [opsStep(ops, engine.kernel), fw.step], fw.plan, dryRun);
  });
  return { network: dryRun ? undefined : network, plan: result as ChangePlan };
}

/** Removes a network (refused while containers are attached); with `dryRun` only plans. */
export async function removeNetwork(
  engine: Engine,
  ref: string,
  dryRun = false,
): Promise<{ network: Network; plan: ChangePlan }> {
  let network: Network | undefined;
  const result = await locked(engine, async () => {
    if (engine.store.networks.get(ref)?.name === DEFAULT_NETWORK.name) {
      throw new ConflictError(`network "${DEFAULT_NETWORK.name}" is the default network and cannot be removed`);
    }
    network = engine.store.networks.remove(ref);
    const fw = await firewallStep(engine);
    const ops = planNetworkDown(network);
    // Rules first: nothing may refer to the bridge once it is gone.
    return execute(ops, [fw.step, opsStep(ops, engine.kernel)], fw.plan, dryRun);
  });
  return { network: network!, plan: result as ChangePlan };
}

/** Makes sure the default network exists (created on first use, like Docker's `bridge`). */
export async function ensureDefaultNetwork(engine: Engine): Promise<Network> {
  const existing = engine.store.networks.get(DEFAULT_NETWORK.name);
  if (existing) return existing;
  try {
    const { network } = await createNetwork(engine, { name: DEFAULT_NETWORK.name, bridge: DEFAULT_NETWORK.bridge });
    return network!;
  } catch (err) {
    // Another command may have created it meanwhile.
    const again = engine.store.networks.get(DEFAULT_NETWORK.name);
    if (again) return again;
    throw err instanceof NetctlError ? err : new ConflictError(String(err));
  }
}
