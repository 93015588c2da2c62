/**
 * netavark's plugin input, checked and turned into what netctl's CNI attachment code takes:
 * `setup`/`teardown` become an ADD/DEL request (container id, interface, netns, the
 * container name as the record's name, the published ports expanded from their ranges,
 * the network's first IPv4 subnet as the netctl network to create). Podman-specific
 * `-o` options: `mtu`, `internal` via `--internal`. Bad input is one UsageError naming the
 * value. Pure.
 */
import { UsageError } from '../errors.js';
import type { CniRequest } from '../cni/request.js';
import type { CniPortMapping } from '../cni/types.js';
import { PODMAN_COMMAND_ENV, PODMAN_NETNS_ENV } from './install-plan.js';
import { API_VERSION, DRIVER, type PodmanExec, type PodmanNetwork, type PodmanPortMapping } from './types.js';

/** The label netctl puts on a network it made for Podman: netctl removes it with its last container. */
export const PODMAN_LABEL = 'netctl.podman.network';

/** The commands of the plugin API. */
export type PodmanCommand = 'create' | 'setup' | 'teardown' | 'info';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function object(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`decode ${what}: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new UsageError(`decode ${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${where}: "${key}" must be a non-empty string`);
  return v;
}

/** The network configuration on stdin of `create` (and inside setup's input), checked. */
export function parseNetwork(raw: Record<string, unknown>): PodmanNetwork {
  const name = str(raw, 'name', 'network');
  if (!NAME.test(name)) throw new UsageError(`invalid network name "${name}": letters, digits, "_", "." and "-"`);
  const driver = str(raw, 'driver', 'network');
  if (driver !== DRIVER) throw new UsageError(`network "${name}" has driver "${driver}", not "${DRIVER}"`);
  if (raw.subnets !== undefined && raw.subnets !== null && !Array.isArray(raw.subnets))
    throw new UsageError(`network "${name}": "subnets" must be a list`);
  return raw as PodmanNetwork;
}

/** Parses `create`'s stdin. */
export function parseCreate(stdin: string): PodmanNetwork {
  return parseNetwork(object(stdin, 'network configuration'));
}

/** Parses the stdin of `setup` and `teardown`. */
export function parseExec(stdin: string): PodmanExec {
  const raw = object(stdin, 'network options');
  str(raw, 'container_id', 'network options');
  str(raw, 'container_name', 'network options');
  const net = raw.network;
  if (typeof net !== 'object' || net === null) throw new UsageError('network options: "network" must be an object');
  parseNetwork(net as Record<string, unknown>);
  const opts = raw.network_options;
  if (typeof opts !== 'object' || opts === null)
    throw new UsageError('network options: "network_options" must be an object');
  str(opts as Record<string, unknown>, 'interface_name', 'network_options');
  if (raw.port_mappings !== undefined && raw.port_mappings !== null && !Array.isArray(raw.port_mappings))
    throw new UsageError('network options: "port_mappings" must be a list');
  return raw as unknown as PodmanExec;
}

function port(n: unknown, what: string): number {
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 65535)
    throw new UsageError(`invalid ${what} ${JSON.stringify(n)}`);
  return n as number;
}

/** Podman's port mappings as CNI's, one per port (`-p 8080-8081:80-81` is one mapping with range 2). */
export function portMappings(list: readonly PodmanPortMapping[]): CniPortMapping[] {
  return list.flatMap((m) => {
    const range = m.range === undefined || m.range === 0 ? 1 : m.range;
    if (!Number.isInteger(range) || range < 1) throw new UsageError(`invalid port range ${JSON.stringify(m.range)}`);
    const host = port(m.host_port, 'host port');
    const ctr = port(m.container_port, 'container port');
    port(host + range - 1, 'host port');
    port(ctr + range - 1, 'container port');
    return Array.from({ length: range }, (_, i) => ({
      hostPort: host + i,
      containerPort: ctr + i,
      ...(m.protocol ? { protocol: m.protocol } : {}),
      ...(m.host_ip ? { hostIP: m.host_ip } : {}),
    }));
  });
}

/** The IPv4 subnet a network asks for (its first), if any. */
export function ipv4Subnet(n: PodmanNetwork): { subnet: string; gateway?: string } | undefined {
  const s = (n.subnets ?? []).find((x) => !x.subnet.includes(':'));
  return s ? { subnet: s.subnet, ...(s.gateway ? { gateway: s.gateway } : {}) } : undefined;
}

/** The MTU of `-o mtu=N`, if given. */
export function mtuOption(n: PodmanNetwork): number | undefined {
  const v = n.options?.mtu;
  if (v === undefined) return undefined;
  const mtu = Number(v);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new UsageError(`invalid option mtu "${v}"`);
  return mtu;
}

/** What a setup or teardown is, as the CNI ADD or DEL netctl's attachment code runs. */
export function cniRequest(command: 'ADD' | 'DEL', netns: string, x: PodmanExec): CniRequest {
  const n = x.network;
  const sub = ipv4Subnet(n);
  const mtu = mtuOption(n);
  return {
    command,
    containerId: x.container_id,
    ifname: x.network_options.interface_name,
    netns,
    // The record's name is the container's: `netctl allow NAME` names what `podman ps` shows.
    args: { K8S_POD_NAME: x.container_name },
    path: [],
    runtime: 'podman',
    conf: {
      cniVersion: '1.0.0',
      name: n.name,
      type: DRIVER,
      network: n.name,
      create: {
        ...(sub ?? {}),
        ...(mtu ? { mtu } : {}),
        ...(n.internal ? { internal: true } : {}),
        labels: { [PODMAN_LABEL]: n.id },
      },
      portMappings: portMappings(x.port_mappings ?? []),
      validAttachments: [],
      raw: {},
    },
  };
}

/**
 * The plugin's argv of a call the shim forwarded to `netctl cni serve` (the wrapper puts the
 * command and namespace into the environment), or undefined for a CNI call.
 */
export function forwardedArgv(env: Record<string, string | undefined>): string[] | undefined {
  const command = env[PODMAN_COMMAND_ENV];
  if (command === undefined) return undefined;
  const netns = env[PODMAN_NETNS_ENV];
  return netns ? [command, netns] : [command];
}

/** What `info` prints. */
export function infoText(version: string): string {
  return `${JSON.stringify({ version, api_version: API_VERSION, driver: DRIVER })}\n`;
}
