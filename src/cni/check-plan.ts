/**
 * CHECK's comparison, pure: what an attachment should have (the container end up with its
 * addresses and default routes, the host end up on the bridge, the addresses the previous
 * result names, no rule missing) against what was observed. Each problem is one line.
 */
import type { AddressInfo, LinkInfo, RouteInfo } from '../netlink/types.js';

/** What the records say the attachment has. */
export interface Expected {
  ifname: string;
  hostIf: string;
  bridge: string;
  /** CIDRs inside the container. */
  cidrs: string[];
  gateways: string[];
  /** Addresses (no prefix) that prevResult names, if it was given. */
  prevAddresses?: string[];
}

/** What the kernel has. */
export interface Observed {
  container?: LinkInfo;
  addresses: AddressInfo[];
  routes: RouteInfo[];
  host?: LinkInfo;
  bridge?: LinkInfo;
  /** Rule lines the firewall plan would add for the attachment's addresses. */
  missingRules: string[];
}

/** The problems, empty when the attachment is whole. */
export function checkProblems(want: Expected, got: Observed): string[] {
  const out: string[] = [];
  if (!got.container) out.push(`interface "${want.ifname}" is missing in the container's namespace`);
  else if (!got.container.up) out.push(`interface "${want.ifname}" is down`);
  const have = new Set(
    got.addresses.filter((a) => got.container && a.index === got.container.index).map((a) => a.cidr),
  );
  for (const cidr of want.cidrs)
    if (got.container && !have.has(cidr)) out.push(`address ${cidr} is missing on "${want.ifname}"`);
  for (const gw of want.gateways) {
    if (got.container && !got.routes.some((r) => r.dst === 'default' && r.gateway === gw))
      out.push(`default route via ${gw} is missing`);
  }
  if (!got.host) out.push(`host interface "${want.hostIf}" is missing`);
  else if (!got.bridge || got.host.master !== got.bridge.index)
    out.push(`host interface "${want.hostIf}" is not on bridge "${want.bridge}"`);
  if (want.prevAddresses) {
    const prev = new Set(want.prevAddresses);
    for (const c of want.cidrs)
      if (!prev.has(c.split('/')[0]!)) out.push(`prevResult does not name this attachment's address ${c}`);
  }
  for (const l of got.missingRules) out.push(`rule missing: ${l}`);
  return out;
}
