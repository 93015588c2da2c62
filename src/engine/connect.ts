/**
 * `network connect` and `network disconnect`: one more interface (eth1, eth2...) in a
 * running container's namespace, or one less, each as record -> plan -> apply under the
 * write lock, with the rules, route_localnet and every hosts file re-planned; a failure
 * undoes the kernel steps and rolls the database back. The default route stays with the
 * network that has it; when that one goes, it moves to the next network with a way out.
 * Each is a planner: ops/network.ts applies the plan, or returns it for `--dry-run`.
 */
import { existsSync } from 'node:fs';
import type { Engine } from './context.js';
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import { checkName } from '../model/names.js';
import { checkDnsName } from '../model/dns-name.js';
import { describeOp, planEndpoint, type NetlinkOp } from '../netlink/plan.js';
import { checkIfname, linkLocalCidrs, linkLocalOf } from './endpoint-extra.js';
import { hostIfname, macFor, netnsPath } from './container-net.js';
import { allocate6 } from './attach.js';
import { localnetStep } from './container-steps.js';
import { ownEtcStep } from './etc-files.js';
import { firewallStep } from './firewall-step.js';
import { opsStep } from './kernel-steps.js';
import type { Planned } from './plan.js';
import type { Step } from '../model/steps.js';
import { ConflictError, UsageError } from '../errors.js';

/** What `network connect` asks for. */
export interface ConnectRequest {
  network: string;
  container: string;
  ip?: string;
  /** Issue 25: compose's ipv6_address. */
  ip6?: string;
  aliases?: string[];
  /** Issue 25: compose's interface_name (else the first free ethN) and link_local_ips. */
  ifname?: string;
  linkLocal?: string[];
}

/** The container and network, refusing containers that do not own a bridge-attached namespace. */
function subjects(
  engine: Engine,
  netRef: string,
  ctrRef: string,
  needNetns: boolean,
): { c: Container; n: Network; netns: string } {
  const { roots } = engine;
  const s = engine.store;
  if (['host', 'none'].includes(netRef))
    throw new UsageError(`containers cannot be connected to or disconnected from network "${netRef}"`);
  const c = s.containers.require(ctrRef);
  const mode = String((c.config as { network?: string }).network ?? 'bridge');
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    throw new ConflictError(
      `container "${c.name}" uses network mode "${mode}": it cannot be connected to or disconnected from networks`,
    );
  }
  const netns = netnsPath(roots.runRoot, c.id);
  if (needNetns && !existsSync(netns))
    throw new ConflictError(`container "${c.name}" has no network namespace`, 'start it first');
  return { c, n: s.networks.require(netRef), netns };
}

/** The first free interface index of a container (its name ethN and its host veth's). */
function freeIndex(endpoints: readonly Endpoint[], id: string): number {
  for (let i = 0; ; i++) {
    if (!endpoints.some((e) => e.ifname === `eth${i}` || e.hostIfname === hostIfname(id, i))) return i;
  }
}

/** The endpoint holding the default route: the first on a network with a way out. */
function gatewayHolder(engine: Engine, endpoints: readonly Endpoint[]): Endpoint | undefined {
  return endpoints.find((e) => !engine.store.networks.get(e.networkId)?.internal);
}

function addresses(n: Network, e: Endpoint): string[] {
  const out = [`${e.address}/${n.subnet.split('/')[1]}`];
  if (e.address6 && n.subnet6) out.push(`${e.address6}/${n.subnet6.split('/')[1]}`);
  return [...out, ...linkLocalCidrs(e)];
}

function gateways(n: Network, e: Endpoint): string[] {
  return n.internal ? [] : [n.gateway, ...(e.address6 && n.gateway6 ? [n.gateway6] : [])];
}

/**
 * Records container `c`'s endpoint on `n` and plans its interface in `netns` (call under the
 * lock): the part of a connect that needs no running process, shared by `network connect`
 * and compose's dry run of a new container's further networks.
 */
export function recordConnect(
  engine: Engine,
  c: Container,
  n: Network,
  netns: string,
  req: Pick<ConnectRequest, 'ip' | 'ip6' | 'aliases' | 'ifname' | 'linkLocal'>,
): { endpoint: Endpoint; ops: NetlinkOp[]; existing: Endpoint[] } {
  const s = engine.store;
  // The embedded DNS server answers the name on a user-defined network.
  if (n.name !== 'bridge') checkDnsName('container name', c.name);
  const existing = s.endpoints.forContainer(c.id);
  if (existing.some((e) => e.networkId === n.id))
    throw new ConflictError(`container "${c.name}" is already connected to network "${n.name}"`);
  const i = freeIndex(existing, c.id);
  const ifname = checkIfname(req.ifname ?? `eth${i}`, existing);
  const address = s.ipam.allocate(n.id, { owner: c.id, ...(req.ip ? { requested: req.ip } : {}) });
  const address6 = n.subnet6 ? allocate6(s, n, c.id, req.ip6) : undefined;
  const aliases = (req.aliases ?? []).map((a) => checkDnsName('alias', checkName('alias', a)));
  const endpoint = s.endpoints.add({
    containerId: c.id,
    networkId: n.id,
    ifname,
    hostIfname: hostIfname(c.id, i),
    address,
    ...(address6 ? { address6 } : {}),
    mac: macFor(address),
    aliases,
    ...linkLocalOf(req.linkLocal),
  });
  // A second network does not take the default route from the first.
  const gw = gatewayHolder(engine, existing) ? [] : gateways(n, endpoint);
  const ops = planEndpoint({
    netns,
    hostIf: endpoint.hostIfname!,
    ifname: endpoint.ifname,
    bridge: n.bridge,
    mtu: n.mtu,
    addresses: addresses(n, endpoint),
    gateways: gw,
    hairpin: true,
    mac: endpoint.mac!,
  });
  return { endpoint, ops, existing };
}

/** Records a running container's new endpoint and plans its interface and rules (call under the lock). */
export async function planConnect(engine: Engine, req: ConnectRequest): Promise<Planned<Endpoint>> {
  const { c, n, netns } = subjects(engine, req.network, req.container, true);
  const { endpoint, ops, existing } = recordConnect(engine, c, n, netns, req);
  const fw = await firewallStep(engine);
  const steps = [
    opsStep(ops, engine.kernel),
    fw.step,
    localnetStep(engine, [...existing.map((e) => e.networkId), n.id]),
    ownEtcStep(engine, c.id),
  ];
  return planned(ops, steps, fw.plan.text(), endpoint);
}

/** Removes a container's endpoint on a network and plans the teardown (call under the lock). */
export async function planDisconnect(engine: Engine, netRef: string, ctrRef: string): Promise<Planned<void>> {
  const s = engine.store;
  const { c, n, netns } = subjects(engine, netRef, ctrRef, false);
  const before = s.endpoints.forContainer(c.id);
  const ep = before.find((e) => e.networkId === n.id);
  if (!ep) throw new ConflictError(`container "${c.name}" is not connected to network "${n.name}"`);
  s.endpoints.remove(c.id, n.id);
  s.ipam.releaseOwner(c.id, n.id);
  const rest = before.filter((e) => e !== ep);
  const ops: NetlinkOp[] = [{ op: 'delete-link', name: ep.hostIfname! }];
  const next = gatewayHolder(engine, rest);
  if (gatewayHolder(engine, before) === ep && next && existsSync(netns)) {
    for (const gateway of gateways(s.networks.require(next.networkId), next))
      ops.push({ op: 'add-route', gateway, netns });
  }
  const fw = await firewallStep(engine);
  // Rules first: nothing may refer to the address once the interface is gone.
  const steps = [
    fw.step,
    opsStep(ops, engine.kernel),
    localnetStep(
      engine,
      before.map((e) => e.networkId),
    ),
    ownEtcStep(engine, c.id),
  ];
  return planned(ops, steps, fw.plan.text(), undefined);
}

function planned<T>(ops: readonly NetlinkOp[], steps: Step[], rules: string, result: T): Planned<T> {
  return { plan: { operations: ops.map(describeOp), rules }, steps, result };
}
