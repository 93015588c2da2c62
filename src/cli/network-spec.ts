/**
 * From `network create` options to a NetworkSpec: only option syntax is checked here
 * (which --subnet is IPv4 or IPv6, -o keys); addresses are validated by the model.
 */
import type { NetworkSpec } from '../model/network.js';
import { checkIfName, checkName, parseBool, parseKeyValues } from '../model/names.js';
import { UsageError } from '../errors.js';

const RESERVED = ['host', 'none', 'default'];
const ICC_KEYS = ['icc', 'com.docker.network.bridge.enable_icc'];

function splitFamilies(flag: string, values: readonly string[]): { v4?: string; v6?: string } {
  const out: { v4?: string; v6?: string } = {};
  for (const v of values) {
    const key = v.includes(':') ? 'v6' : 'v4';
    if (out[key] !== undefined)
      throw new UsageError(`invalid ${flag} "${v}": only one IPv${key === 'v6' ? 6 : 4} ${flag.slice(2)} per network`);
    out[key] = v;
  }
  return out;
}

/** Builds the spec, throwing a UsageError naming the first bad value. */
export function networkSpec(name: string, o: Record<string, unknown>): NetworkSpec {
  checkName('network', name);
  if (RESERVED.includes(name)) throw new UsageError(`invalid network name "${name}": reserved`);
  const subnets = splitFamilies('--subnet', (o.subnet as string[] | undefined) ?? []);
  const gateways = splitFamilies('--gateway', (o.gateway as string[] | undefined) ?? []);
  if (subnets.v6 && !o.ipv6) throw new UsageError(`invalid --subnet "${subnets.v6}": an IPv6 subnet needs --ipv6`);
  if (o.ipv6 && !subnets.v6) throw new UsageError('--ipv6 needs an IPv6 --subnet (no default IPv6 pool)');
  if (gateways.v4 && !subnets.v4)
    throw new UsageError(`invalid --gateway "${gateways.v4}": give the --subnet it belongs to`);
  const options = parseKeyValues('option', (o.opt as string[] | undefined) ?? []);
  for (const key of Object.keys(options)) {
    if (!ICC_KEYS.includes(key)) throw new UsageError(`invalid option "${key}": supported: icc=true|false`);
  }
  const iccKey = ICC_KEYS.find((k) => options[k] !== undefined);
  const spec: NetworkSpec = {
    name,
    driver: (o.driver as string | undefined) ?? 'bridge',
    internal: Boolean(o.internal),
    icc: iccKey ? parseBool('icc', options[iccKey]!) : true,
    labels: parseKeyValues('label', (o.label as string[] | undefined) ?? []),
    options,
  };
  if (o.bridgeName !== undefined) spec.bridge = checkIfName(o.bridgeName as string);
  if (subnets.v4) spec.subnet = subnets.v4;
  if (gateways.v4) spec.gateway = gateways.v4;
  if (o.ipRange !== undefined) spec.ipRange = o.ipRange as string;
  if (subnets.v6) spec.subnet6 = subnets.v6;
  if (gateways.v6) spec.gateway6 = gateways.v6;
  if (o.mtu !== undefined) spec.mtu = o.mtu as number;
  return spec;
}
