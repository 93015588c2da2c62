/**
 * ADD, planned: the attachment recorded as a container of kind `cni` (address from netctl's
 * IPAM, endpoint, the `portMappings` as published ports), and the same steps as `netctl run`
 * (veth into the runtime's namespace, address, routes, hairpin, the NAT and isolation rules,
 * the ufw route rules of `netctl allow`). ops/cni.ts runs it under the database's write lock
 * (ops/tx.ts); a failure undoes the kernel steps and rolls the records back.
 */
import type { Engine } from '../engine/context.js';
import { attachSteps, recordEndpoint } from '../engine/attach.js';
import type { Planned } from '../engine/plan.js';
import { describeOp } from '../netlink/plan.js';
import { planAttach } from '../engine/container-net.js';
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PortRequest } from '../store/index.js';
import type { PortProto } from '../model/port.js';
import { withNetnsFd } from '../sys/native.js';
import { CniError } from './error.js';
import { ensureNetwork } from './network.js';
import { afterwards } from '../model/steps.js';
import { attachmentId, nameCandidates } from './naming.js';
import { CNI_IMAGE, PODMAN_IMAGE, type CniRecordConfig } from '../model/cni-record.js';
import type { CniRequest } from './request.js';
import { defaultRoutes, renderResult, type AttachmentFacts } from './result.js';
import { CNI_CODES, type CniPortMapping, type CniResult } from './types.js';

/** The port mappings as netctl's port requests (protocol tcp by default). */
export function portRequests(maps: readonly CniPortMapping[]): PortRequest[] {
  return maps.map((m) => {
    const proto = (m.protocol ?? 'tcp') as PortProto;
    if (!['tcp', 'udp', 'sctp'].includes(proto))
      throw new CniError(CNI_CODES.invalidConfig, `portMappings: unsupported protocol "${m.protocol}"`);
    return { hostPort: m.hostPort, containerPort: m.containerPort, proto, ...(m.hostIP ? { hostIp: m.hostIP } : {}) };
  });
}

/** Refuses a CNI_NETNS that is not a network namespace (code 4), before anything is recorded. */
export async function checkNetns(engine: Engine, path: string): Promise<void> {
  try {
    await withNetnsFd(engine.kernel.native, path, async () => undefined);
  } catch (err) {
    throw new CniError(CNI_CODES.invalidEnv, `CNI_NETNS "${path}" is not a network namespace`, (err as Error).message);
  }
}

function createRecord(engine: Engine, req: CniRequest, network: Network): Container {
  const s = engine.store;
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  if (s.containers.get(id)?.id === id) {
    throw new CniError(
      CNI_CODES.conflict,
      `container "${req.containerId}" is already attached as ${req.ifname} to "${req.conf.name}"`,
      'DEL it first',
    );
  }
  const config: CniRecordConfig = {
    kind: 'cni',
    ...(req.runtime ? { runtime: req.runtime } : {}),
    network: network.name,
    cni: { name: req.conf.name, containerId: req.containerId!, ifname: req.ifname!, netns: req.netns!, args: req.args },
  };
  const name = nameCandidates(req.args, req.containerId!, req.ifname!).find((n) => s.containers.get(n)?.name !== n);
  if (!name) throw new CniError(CNI_CODES.conflict, `no free name for container "${req.containerId}"`);
  s.containers.create({
    id,
    name,
    image: req.runtime === 'podman' ? PODMAN_IMAGE : CNI_IMAGE,
    config: config as unknown as Record<string, unknown>,
  });
  return s.containers.update(id, { state: 'running', startedAt: new Date().toISOString() });
}

async function facts(
  engine: Engine,
  req: CniRequest,
  network: Network,
  hostIf: string,
  mac: string | undefined,
  address: string | undefined,
  address6: string | undefined,
): Promise<AttachmentFacts> {
  const c = engine.kernel.client;
  const bridge = await c.getLink(network.bridge);
  const host = await c.getLink(hostIf);
  const gw = !network.internal;
  const addresses: AttachmentFacts['addresses'] = [];
  if (address)
    addresses.push({ cidr: `${address}/${network.subnet.split('/')[1]}`, ...(gw ? { gateway: network.gateway } : {}) });
  if (address6 && network.subnet6)
    addresses.push({
      cidr: `${address6}/${network.subnet6.split('/')[1]}`,
      ...(gw && network.gateway6 ? { gateway: network.gateway6 } : {}),
    });
  const gateways = gw ? [network.gateway, ...(address6 && network.gateway6 ? [network.gateway6] : [])] : [];
  return {
    bridge: { name: network.bridge, ...(bridge?.mac ? { mac: bridge.mac } : {}) },
    host: { name: hostIf, ...(host?.mac ? { mac: host.mac } : {}) },
    container: { name: req.ifname!, ...(mac ? { mac } : {}), mtu: network.mtu, sandbox: req.netns! },
    addresses,
    routes: defaultRoutes(gateways),
  };
}

/** What ADD recorded: the network and the endpoint, from which the result is rendered once applied. */
export interface Added {
  network: Network;
  endpoint: Endpoint;
}

/** Plans ADD (inside the caller's lock): records the attachment, returns the steps that plumb it. */
export async function planAdd(engine: Engine, req: CniRequest): Promise<Planned<Added>> {
  const { network, steps: created } = await ensureNetwork(engine, req.conf);
  if (network.internal && req.conf.portMappings.length > 0)
    throw new CniError(CNI_CODES.invalidConfig, `network "${network.name}" is internal: it publishes nothing`);
  const c = createRecord(engine, req, network);
  const recorded = recordEndpoint(engine, c, network, {
    ports: portRequests(req.conf.portMappings),
    ifname: req.ifname!,
  });
  // A network made by this ADD: its rules are in place before the attachment's are planned.
  const steps =
    created.length === 0
      ? await attachSteps(engine, req.netns!, network, recorded)
      : [...created, afterwards('plumb the attachment', () => attachSteps(engine, req.netns!, network, recorded))];
  const operations = planAttach(req.netns!, network, recorded.endpoint).map(describeOp);
  return { plan: { operations, rules: '' }, steps, result: { network, endpoint: recorded.endpoint } };
}

/** The result ADD prints, read once its steps are applied (the links' MACs). */
export async function addResult(engine: Engine, req: CniRequest, added: Added): Promise<CniResult> {
  const { network, endpoint: e } = added;
  const f = await facts(engine, req, network, e.hostIfname!, e.mac, e.address, e.address6);
  return renderResult(req.conf.cniVersion, f, req.conf.dns, req.conf.prevResult);
}
