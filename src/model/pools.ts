/**
 * The default address pools for networks created without `--subnet`, Docker's choice:
 * the /16s 172.17.0.0 to 172.31.0.0, then the sixteen /20s of 192.168.0.0/16. Pure.
 */
import { ConflictError } from '../errors.js';
import { type Cidr, bitsOf, formatCidr, overlaps, parseCidr, parseIp } from './addr.js';

function defaultPools(): readonly string[] {
  const out: string[] = [];
  for (let b = 17; b <= 31; b++) out.push(`172.${b}.0.0/16`);
  for (let c = 0; c <= 240; c += 16) out.push(`192.168.${c}.0/20`);
  return out;
}

/** The candidate blocks, in the order they are tried. */
export const DEFAULT_POOLS: readonly string[] = defaultPools();

/** A route destination as `ip route` prints it: a CIDR, or a bare address for a host route. */
export function parseRouteDestination(text: string): Cidr {
  if (text.includes('/')) return parseCidr(text, 'route destination');
  const ip = parseIp(text, 'route destination');
  return { family: ip.family, base: ip.value, prefix: bitsOf(ip.family) };
}

/**
 * The first pool that overlaps neither a taken subnet nor a host route. Default routes
 * (prefix 0) are ignored, as Docker ignores them: they would overlap everything.
 * Throws a ConflictError when every pool is in use.
 */
export function choosePool(
  taken: readonly string[],
  hostRoutes: readonly string[] = [],
  pools: readonly string[] = DEFAULT_POOLS,
): string {
  const busy = [
    ...taken.map((t) => parseCidr(t, 'subnet')),
    ...hostRoutes.map(parseRouteDestination).filter((r) => r.prefix > 0),
  ];
  for (const text of pools) {
    const pool = parseCidr(text, 'address pool', true);
    if (!busy.some((b) => overlaps(b, pool))) return formatCidr(pool);
  }
  const which =
    pools === DEFAULT_POOLS
      ? 'every default pool (172.17-31.0.0/16, 192.168.0-240.0/20)'
      : `every pool of NETCTL_DEFAULT_POOLS (${pools.join(' ')})`;
  throw new ConflictError(
    `no free address pool: ${which} overlaps a network or a host route`,
    'choose an unused range with --subnet',
  );
}
