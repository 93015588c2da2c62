/**
 * A container's network on a bridge, as `run` and `rm` do it: records (addresses from IPAM,
 * endpoint, published ports) and the steps that plumb it (veth into the namespace, address,
 * routes, MAC), apply its rules and route_localnet, and flush conntrack where needed; and
 * the reverse. Shared by the container commands and the peer benchmark's netctl driver.
 */
import { checkIfname, linkLocalOf } from './endpoint-extra.js';
import type { Engine } from './context.js';
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PublishedPort } from '../model/port.js';
import type { PortRequest } from '../store/index.js';
import { hostIfname, macFor, planAttach, planDetachAll, planNetns } from './container-net.js';
import { firewallStep, type ContainerChange } from './firewall-step.js';
import { localnetStep, localnetViewAfter } from './container-steps.js';
import { opsStep } from './kernel-steps.js';
import { reservePorts } from './publish.js';
import { conntrackPortsStep, conntrackStep } from './conntrack.js';
import { checkName } from '../model/names.js';
import { checkDnsName } from '../model/dns-name.js';
import { sequence, together, type Step } from '../model/steps.js';
import { UsageError } from '../errors.js';
import type { ChangePlan } from './plan.js';
import { describeOp, type NetlinkOp } from '../netlink/plan.js';

/** What attaching a container to a network asks for. */
export interface AttachRequest {
  ip?: string;
  ip6?: string;
  ports: readonly PortRequest[];
  ephemeral?: readonly [number, number];
  aliases?: readonly string[];
  /** The interface inside the container (default `eth0`; a CNI runtime names its own). */
  ifname?: string;
  /** Issue 25: link-local addresses added to the interface. */
  linkLocal?: string[];
}

/** A recorded endpoint, its published ports, and the firewall revision before they were recorded. */
export interface RecordedEndpoint {
  endpoint: Endpoint;
  published: PublishedPort[];
  since: string;
}

/** Records the endpoint (an address of each family the network has) and the published ports. */
export function recordEndpoint(engine: Engine, c: Container, network: Network, req: AttachRequest): RecordedEndpoint {
  const s = engine.store;
  const since = s.firewallRevision();
  const address = s.ipam.allocate(network.id, { owner: c.id, ...(req.ip ? { requested: req.ip } : {}) });
  const address6 = network.subnet6 ? allocate6(s, network, c.id, req.ip6) : undefined;
  if (req.ip6 && !network.subnet6) throw new UsageError(`network "${network.name}" has no IPv6 subnet for ${req.ip6}`);
  const aliases = (req.aliases ?? []).map((a) => checkDnsName('alias', checkName('alias', a)));
  const endpoint = s.endpoints.add({
    containerId: c.id,
    networkId: network.id,
    ifname: checkIfname(req.ifname ?? 'eth0', []),
    hostIfname: hostIfname(c.id, 0),
    address,
    ...(address6 ? { address6 } : {}),
    mac: macFor(address),
    aliases,
    ...linkLocalOf(req.linkLocal),
  });
  const published = reservePorts(s, c.id, req.ports, network, req.ephemeral ? { ephemeral: req.ephemeral } : {});
  return { endpoint, published, since };
}

/**
 * The steps for a recorded endpoint: plumbing and the rules planned from the database as it
 * is now (so record everything else, links say, first) side by side (neither needs the
 * other: the rules name addresses and the bridge, not the veth), then route_localnet (once
 * the rules that guard it are in), conntrack; and the plan they carry out.
 */
export async function attachPlan(
  engine: Engine,
  netns: string,
  network: Network,
  recorded: RecordedEndpoint,
): Promise<{ steps: Step[]; plan: ChangePlan }> {
  const { endpoint, published, since } = recorded;
  const change: ContainerChange = {
    kind: 'add',
    containerId: endpoint.containerId,
    since,
    endpoints: [endpoint],
    ports: published,
  };
  const fw = await firewallStep(engine, { change });
  const ops = planAttach(netns, network, endpoint);
  const steps: Step[] = [together([fw.step, opsStep(ops, engine.kernel)]), localnetStep(engine, [network.id], fw.view)];
  if (published.some((p) => p.proto !== 'tcp')) steps.push(conntrackPortsStep(published));
  return { steps, plan: { operations: ops.map(describeOp), rules: fw.plan.text() } };
}

/** The steps of attachPlan alone (the CNI plugin applies them in its own lock). */
export async function attachSteps(
  engine: Engine,
  netns: string,
  network: Network,
  recorded: RecordedEndpoint,
): Promise<Step[]> {
  return (await attachPlan(engine, netns, network, recorded)).steps;
}

/** Releases the container's endpoints, addresses and ports: the change, with the rows as they were. */
export function releaseEndpoints(engine: Engine, c: Container): ContainerChange & { kind: 'remove' } {
  const s = engine.store;
  const since = s.firewallRevision();
  const endpoints = s.endpoints.forContainer(c.id);
  const ports = s.ports.list(c.id);
  s.ports.release(c.id);
  for (const e of endpoints) {
    s.endpoints.remove(c.id, e.networkId);
    s.ipam.releaseOwner(c.id, e.networkId);
  }
  return { kind: 'remove', containerId: c.id, since, endpoints, ports };
}

/**
 * Deleting the veths (and with `remove` the namespace). A deleted link has no inverse
 * operation, so the undo of a rollback (a later step of `rm` or DEL failing) plumbs them
 * again from the records, as `start` does after a reboot: namespace, veths, addresses,
 * routes, the first endpoint with a way out holding the default route.
 */
function unplugStep(engine: Engine, netns: { path: string; remove: boolean }, endpoints: readonly Endpoint[]): Step {
  const step = opsStep(
    planDetachAll(netns.path, endpoints).filter((op) => netns.remove || op.op !== 'delete-netns'),
    engine.kernel,
  );
  return {
    describe: step.describe,
    apply: step.apply,
    undo: () => opsStep(replugOps(engine, netns, endpoints), engine.kernel).apply(),
  };
}

function replugOps(
  engine: Engine,
  netns: { path: string; remove: boolean },
  endpoints: readonly Endpoint[],
): NetlinkOp[] {
  const nets = new Map(engine.store.networks.list().map((n) => [n.id, n]));
  const holder = endpoints.find((e) => !nets.get(e.networkId)?.internal);
  const plugged = endpoints.filter((e) => e.hostIfname && nets.has(e.networkId));
  return [
    ...(netns.remove ? planNetns(netns.path) : []),
    ...plugged.flatMap((e) => {
      const ops = planAttach(netns.path, nets.get(e.networkId)!, e);
      return e === holder ? ops : ops.filter((op) => op.op !== 'add-route');
    }),
  ];
}

/**
 * Releases the container's endpoints, addresses and ports and returns the steps that undo
 * its network: route_localnet (before the rules that guard it), then side by side the rules
 * followed by the conntrack entries (flushed once no rule can make new ones), and the host
 * ends of its veths with, given `netns`, the namespace. Both halves end in a kernel wait (a
 * restore that deleted rules waits for their release, a veth deletion for the network
 * stack), which overlap this way. `netns` is null when the container owns no namespace
 * (host mode, container:NAME).
 */
export async function detachSteps(
  engine: Engine,
  c: Container,
  netns: { path: string; remove: boolean } | null,
): Promise<Step[]> {
  const change = releaseEndpoints(engine, c);
  const endpoints = change.endpoints;
  const fw = await firewallStep(engine, { change });
  const rules: Step[] = [fw.step];
  const addresses = endpoints.flatMap((e) => [e.address, e.address6].filter((a): a is string => a !== undefined));
  if (addresses.length > 0) rules.push(conntrackStep(addresses));
  const links = netns ? [unplugStep(engine, netns, endpoints)] : [];
  return [
    localnetStep(
      engine,
      endpoints.map((e) => e.networkId),
      fw.view ??
        localnetViewAfter(
          engine.store,
          c.id,
          endpoints.map((e) => e.networkId),
        ),
    ),
    together([sequence(rules), ...links]),
  ];
}

/** An IPv6 address of the network: `requested`, or the lowest free one. */
export function allocate6(s: Engine['store'], network: Network, owner: string, requested?: string): string {
  return s.ipam.allocate(network.id, { owner, ...(requested ? { requested } : { family: 6 }) });
}
