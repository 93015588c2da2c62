/**
 * Validating and completing a new network's addresses: subnet (or a default pool),
 * gateway and ip range per family, refusing overlaps with other networks and host routes.
 * Pure: the caller passes the existing networks and the host's routes.
 */
import { ConflictError, UsageError } from '../errors.js';
import {
  type Cidr,
  type Family,
  contains,
  formatCidr,
  formatIp,
  hostBounds,
  isHostAddress,
  overlaps,
  parseCidr,
  parseIp,
} from './addr.js';
import type { Addressing, Network, NetworkSpec } from './network.js';
import { choosePool, parseRouteDestination } from './pools.js';

/** The part of an existing network that addressing checks look at. */
export type NetworkSubnets = Pick<Network, 'name' | 'subnet' | 'subnet6'>;

/** The longest prefix that leaves room for a gateway and at least one container. */
const MAX_PREFIX: Record<Family, number> = { 4: 30, 6: 126 };

function parseSubnet(text: string, family: Family): Cidr {
  const c = parseCidr(text, `IPv${family} subnet`, true);
  if (c.family !== family)
    throw new UsageError(`invalid IPv${family} subnet "${text}": it is an IPv${c.family} subnet`);
  if (c.prefix > MAX_PREFIX[family]) {
    throw new UsageError(`subnet "${text}" is too small: use a prefix of /${MAX_PREFIX[family]} or shorter`);
  }
  return c;
}

function checkFree(subnet: Cidr, existing: readonly NetworkSubnets[], hostRoutes: readonly string[]): void {
  const text = formatCidr(subnet);
  for (const n of existing) {
    for (const other of [n.subnet, n.subnet6]) {
      if (other !== undefined && overlaps(subnet, parseCidr(other))) {
        throw new ConflictError(`subnet "${text}" overlaps network "${n.name}" (${other})`, 'choose another --subnet');
      }
    }
  }
  for (const route of hostRoutes) {
    const r = parseRouteDestination(route);
    if (r.prefix > 0 && overlaps(subnet, r)) {
      throw new ConflictError(`subnet "${text}" overlaps the host route to ${route}`, 'choose another --subnet');
    }
  }
}

function resolveFamily(
  family: Family,
  subnet: Cidr,
  gateway: string | undefined,
  ipRange: string | undefined,
): { gateway: string; ipRange?: string } {
  const sub = formatCidr(subnet);
  let gw = { family, value: hostBounds(subnet).first };
  if (gateway !== undefined) {
    gw = parseIp(gateway, `IPv${family} gateway`);
    if (!isHostAddress(subnet, gw)) throw new UsageError(`gateway "${gateway}" is not a host address of subnet ${sub}`);
  }
  if (ipRange === undefined) return { gateway: formatIp(gw) };
  const range = parseCidr(ipRange, `IPv${family} ip range`, true);
  if (!contains(subnet, range)) throw new UsageError(`ip range "${ipRange}" is not inside subnet ${sub}`);
  return { gateway: formatIp(gw), ipRange: formatCidr(range) };
}

/**
 * The addressing of a new network: the given subnet, or the first free default pool, with
 * the gateway defaulting to the first host address. Throws a UsageError for a malformed or
 * inconsistent value and a ConflictError for a subnet already in use.
 */
export function resolveAddressing(
  spec: NetworkSpec,
  existing: readonly NetworkSubnets[],
  hostRoutes: readonly string[] = [],
  pools?: readonly string[],
): Addressing {
  if (spec.subnet === undefined && (spec.gateway !== undefined || spec.ipRange !== undefined)) {
    throw new UsageError('--gateway and --ip-range need --subnet');
  }
  if (spec.subnet6 === undefined && (spec.gateway6 !== undefined || spec.ipRange6 !== undefined)) {
    throw new UsageError('an IPv6 gateway or ip range needs an IPv6 subnet');
  }
  let subnet: Cidr;
  if (spec.subnet !== undefined) {
    subnet = parseSubnet(spec.subnet, 4);
    checkFree(subnet, existing, hostRoutes);
  } else {
    subnet = parseCidr(
      choosePool(
        existing.map((n) => n.subnet),
        hostRoutes,
        pools,
      ),
    );
  }
  const out: Addressing = { subnet: formatCidr(subnet), ...resolveFamily(4, subnet, spec.gateway, spec.ipRange) };
  if (spec.subnet6 !== undefined) {
    const subnet6 = parseSubnet(spec.subnet6, 6);
    checkFree(subnet6, existing, hostRoutes);
    const v6 = resolveFamily(6, subnet6, spec.gateway6, spec.ipRange6);
    out.subnet6 = formatCidr(subnet6);
    out.gateway6 = v6.gateway;
    if (v6.ipRange) out.ipRange6 = v6.ipRange;
  }
  return out;
}

/** Checks an MTU: an integer from 68 (IPv4's minimum; 1280 with IPv6) to 65535. */
export function checkMtu(mtu: number, ipv6 = false): number {
  const min = ipv6 ? 1280 : 68;
  if (!Number.isInteger(mtu) || mtu < min || mtu > 65535)
    throw new UsageError(`invalid MTU "${mtu}": must be ${min} to 65535`);
  return mtu;
}
