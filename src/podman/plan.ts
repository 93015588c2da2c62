/**
 * Planners behind the netavark plugin's verbs (ops/podman.ts runs them in transactions):
 * `create` records the netctl network Podman's network names (its subnet and bridge picked by
 * netctl unless given), `setup` is CNI's ADD with the container as a record owned by Podman,
 * `teardown` is CNI's DEL, and the last container's teardown also removes the network netctl
 * made for Podman (labelled {@link PODMAN_LABEL}): netavark's API has no call for
 * `podman network rm`, so the network lives while containers use it, and `setup` makes it
 * again, with the subnet Podman recorded, when a container joins it later.
 */
import { planDel } from '../cni/del.js';
import type { Engine } from '../engine/context.js';
import { planCreateNetwork, planRemoveNetwork } from '../engine/networks.js';
import type { Planned } from '../engine/plan.js';
import { UsageError } from '../errors.js';
import { attachmentId } from '../cni/naming.js';
import type { Network } from '../model/network.js';
import { afterwards } from '../model/steps.js';
import type { CniRequest } from '../cni/request.js';
import { ipv4Subnet, mtuOption, PODMAN_LABEL } from './request.js';
import type { PodmanNetwork } from './types.js';

/** Podman's network configuration with netctl's addressing filled in: what `create` prints. */
export function podmanView(n: PodmanNetwork, net: Network): PodmanNetwork {
  return {
    ...n,
    network_interface: net.bridge,
    subnets: [{ subnet: net.subnet, gateway: net.gateway }],
    ipv6_enabled: false,
    internal: net.internal,
    // netctl's own DNS server answers (the status block names it), not aardvark-dns.
    dns_enabled: false,
  };
}

/** Plans `create`: the netctl network recorded (or, when it exists with the same subnet, reused). */
export async function planPodmanCreate(engine: Engine, n: PodmanNetwork): Promise<Planned<Network>> {
  // Refused rather than half done: netctl's IPv6 networks are dual-stack with ip6tables rules
  // and a v6 status block, which this driver does not map yet (man/netctl-podman.8).
  if (n.ipv6_enabled || (n.subnets ?? []).some((x) => x.subnet.includes(':')))
    throw new UsageError(
      `network "${n.name}": the netctl driver does not take IPv6 (--ipv6 or an IPv6 --subnet); create it without`,
    );
  const sub = ipv4Subnet(n);
  const mtu = mtuOption(n);
  const existing = engine.store.networks.get(n.name);
  if (existing && existing.name === n.name) {
    if (sub && sub.subnet !== existing.subnet)
      throw new UsageError(`netctl network "${n.name}" exists with subnet ${existing.subnet}, not ${sub.subnet}`);
    return {
      plan: { operations: [], rules: '', notes: [`use netctl network ${n.name}`] },
      steps: [],
      result: existing,
    };
  }
  return planCreateNetwork(engine, {
    name: n.name,
    ...(sub ?? {}),
    ...(mtu ? { mtu } : {}),
    ...(n.internal ? { internal: true } : {}),
    labels: { [PODMAN_LABEL]: n.id },
  });
}

/** Plans `teardown`: CNI's DEL, then the network when netctl made it for Podman and nothing else uses it. */
export async function planPodmanTeardown(engine: Engine, req: CniRequest): Promise<Planned<void>> {
  const del = await planDel(engine, req);
  const net = engine.store.networks.get(req.conf.network);
  if (!net || net.name !== req.conf.network || net.labels[PODMAN_LABEL] === undefined) return del;
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  if (engine.store.endpoints.forNetwork(net.id).some((e) => e.containerId !== id)) return del;
  // Planned once the attachment is gone: the network's rules are computed without it.
  const removal = afterwards(`remove network "${net.name}"`, async () => {
    const still = engine.store.networks.get(net.id);
    if (!still || engine.store.endpoints.forNetwork(net.id).length > 0) return [];
    return (await planRemoveNetwork(engine, net.id)).steps;
  });
  return {
    ...del,
    plan: { ...del.plan, notes: [...(del.plan.notes ?? []), `remove network ${net.name}`] },
    steps: [...del.steps, removal],
  };
}
