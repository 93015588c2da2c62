/**
 * netctl's own keys of a CNI network configuration: which netctl network the attachment
 * joins, how to create it when it is absent (subnet, gateway, ip range, bridge, MTU,
 * internal, icc; at the top level or under `ipam`, where the spec's `ranges` form is read
 * too; NAT: the bridge plugin's `ipMasq`, and `clusterCIDR`, kube-proxy's name for the
 * cluster's pod ranges, a string with commas or a list), and where netctl keeps its state.
 * Pure.
 */
import { UsageError } from '../errors.js';
import { parseClusterCidrs } from '../model/network-nat.js';
import { CniError } from './error.js';
import { CNI_CODES } from './types.js';

/** What creating the network asks for, when it does not exist. */
export interface NetworkCreate {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  bridge?: string;
  mtu?: number;
  internal?: boolean;
  icc?: boolean;
  /** `ipMasq`: masquerade traffic leaving the network (netctl's default: true). */
  ipMasq?: boolean;
  /** `clusterCIDR`: routed pod ranges, neither masqueraded towards nor kept out. */
  clusterCidrs?: string[];
  /** Labels of the created network (the netavark plugin marks the networks it makes). */
  labels?: Record<string, string>;
}

/** netctl's options. */
export interface NetctlOptions {
  /** The netctl network (default: the configuration's `name`). */
  network: string;
  create: NetworkCreate;
  /** State directory (default: NETCTL_ROOT or /var/lib/netctl). */
  root?: string;
  /** Runtime directory (default: NETCTL_RUN_ROOT or /run/netctl). */
  runRoot?: string;
}

const bad = (msg: string): CniError => new CniError(CNI_CODES.invalidConfig, `network configuration: ${msg}`);

function optString(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(`"${where}${key}" must be a non-empty string`);
  return v;
}

function optBool(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw bad(`"${key}" must be true or false`);
  return v;
}

// The spec's host-local `ranges` form: [[{subnet, gateway, rangeStart, rangeEnd}]]; netctl
// takes the first range's subnet and gateway.
function fromRanges(ipam: Record<string, unknown>): Record<string, unknown> {
  const ranges = ipam.ranges;
  if (ranges === undefined) return {};
  const first = Array.isArray(ranges) && Array.isArray(ranges[0]) ? (ranges[0] as unknown[])[0] : undefined;
  if (typeof first !== 'object' || first === null) throw bad('"ipam.ranges" must be a list of lists of ranges');
  return first as Record<string, unknown>;
}

function addressing(raw: Record<string, unknown>): NetworkCreate {
  const ipamRaw = raw.ipam;
  if (ipamRaw !== undefined && (typeof ipamRaw !== 'object' || ipamRaw === null)) throw bad('"ipam" must be an object');
  const ipam = (ipamRaw ?? {}) as Record<string, unknown>;
  if (ipam.type !== undefined && ipam.type !== 'netctl') {
    throw new CniError(
      CNI_CODES.unsupportedField,
      `unsupported ipam.type "${String(ipam.type)}": netctl allocates from its own IPAM`,
      'leave out ipam.type, or set it to "netctl"',
    );
  }
  const range = fromRanges(ipam);
  const out: NetworkCreate = {};
  const subnet =
    optString(raw, 'subnet', '') ??
    optString(ipam, 'subnet', 'ipam.') ??
    optString(range, 'subnet', 'ipam.ranges[0][0].');
  const gateway =
    optString(raw, 'gateway', '') ??
    optString(ipam, 'gateway', 'ipam.') ??
    optString(range, 'gateway', 'ipam.ranges[0][0].');
  const ipRange = optString(raw, 'ipRange', '') ?? optString(ipam, 'ipRange', 'ipam.');
  if (subnet) out.subnet = subnet;
  if (gateway) out.gateway = gateway;
  if (ipRange) out.ipRange = ipRange;
  return out;
}

function clusterCidrs(v: unknown): string[] {
  const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (!ok)
    throw bad(
      `"clusterCIDR" must be a CIDR, a comma-separated string of them or a list of them, not ${JSON.stringify(v)}`,
    );
  try {
    return parseClusterCidrs(v as string | string[]);
  } catch (err) {
    if (err instanceof UsageError) throw bad(`"clusterCIDR": ${err.message}`);
    throw err;
  }
}

/** Reads netctl's keys from a configuration named `name`. */
export function parseNetctlOptions(raw: Record<string, unknown>, name: string): NetctlOptions {
  const create = addressing(raw);
  const bridge = optString(raw, 'bridge', '');
  if (bridge) create.bridge = bridge;
  if (raw.mtu !== undefined) {
    if (!Number.isInteger(raw.mtu) || (raw.mtu as number) < 68 || (raw.mtu as number) > 65535)
      throw bad(`invalid "mtu" ${JSON.stringify(raw.mtu)}: 68-65535`);
    create.mtu = raw.mtu as number;
  }
  const internal = optBool(raw, 'internal');
  if (internal !== undefined) create.internal = internal;
  const icc = optBool(raw, 'icc');
  if (icc !== undefined) create.icc = icc;
  const ipMasq = optBool(raw, 'ipMasq');
  if (ipMasq !== undefined) create.ipMasq = ipMasq;
  if (raw.clusterCIDR !== undefined) create.clusterCidrs = clusterCidrs(raw.clusterCIDR);
  const out: NetctlOptions = { network: optString(raw, 'network', '') ?? name, create };
  const root = optString(raw, 'root', '');
  const runRoot = optString(raw, 'runRoot', '');
  if (root) out.root = root;
  if (runRoot) out.runRoot = runRoot;
  return out;
}
