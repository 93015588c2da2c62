/**
 * What compose's `interface_name` and `link_local_ips` add to an endpoint. A chosen name
 * is checked as the kernel takes it (IFNAMSIZ, no `/`, `:` or blanks) and once per
 * container, as Docker refuses a second interface of the same name. Link-local addresses
 * go on the interface with a host prefix (/32, /128): they add no route, so nothing but
 * the address itself changes in the container.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConflictError, UsageError } from '../errors.js';
import type { Endpoint } from '../model/container.js';

/** NAME, refused when the kernel would refuse it or an endpoint in EXISTING has it. */
export function checkIfname(name: string, existing: readonly Endpoint[]): string {
  if (!/^[^\s/:]{1,15}$/.test(name) || name === '.' || name === '..')
    throw new UsageError(`invalid interface name "${name}": 1 to 15 characters, no "/", ":" or blanks`);
  if (existing.some((e) => e.ifname === name))
    throw new ConflictError(`the container already has an interface "${name}"`);
  return name;
}

/** Checked link-local addresses as an endpoint field (nothing when there are none). */
export function linkLocalOf(ips: readonly string[] | undefined): { linkLocal?: string[] } {
  if (!ips || ips.length === 0) return {};
  for (const ip of ips)
    if (!isIPv4(ip) && !isIPv6(ip)) throw new UsageError(`invalid link-local IP "${ip}": expected an address`);
  return { linkLocal: [...ips] };
}

/** The endpoint's link-local addresses with their host prefix, as `ip addr add` takes them. */
export function linkLocalCidrs(e: Endpoint): string[] {
  return (e.linkLocal ?? []).map((ip) => `${ip}/${isIPv4(ip) ? 32 : 128}`);
}
