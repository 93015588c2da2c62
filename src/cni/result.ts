/**
 * The ADD result: the bridge, the host end and the container end of the veth, the
 * container's addresses with their gateways, its default routes, and the configuration's
 * DNS. When netctl follows another plugin, what that plugin returned comes first and the
 * address indexes are shifted past it, so the next plugin of the chain sees both. Pure.
 */
import type { CniDns, CniInterface, CniIp, CniResult, CniRoute } from './types.js';

/** What netctl made for one attachment. */
export interface AttachmentFacts {
  bridge: CniInterface;
  host: CniInterface;
  container: CniInterface & { sandbox: string };
  /** CIDRs with the gateway of their family (none on an internal network). */
  addresses: { cidr: string; gateway?: string }[];
  routes: CniRoute[];
}

/** The result to print (and to hand the next plugin as `prevResult`). */
export function renderResult(cniVersion: string, facts: AttachmentFacts, dns?: CniDns, prev?: CniResult): CniResult {
  const before = prev?.interfaces ?? [];
  const interfaces: CniInterface[] = [...before, facts.bridge, facts.host, facts.container];
  const containerIndex = before.length + 2;
  const ips: CniIp[] = [
    ...(prev?.ips ?? []),
    ...facts.addresses.map((a) => ({
      address: a.cidr,
      ...(a.gateway ? { gateway: a.gateway } : {}),
      interface: containerIndex,
    })),
  ];
  const routes = [...(prev?.routes ?? []), ...facts.routes];
  const out: CniResult = { cniVersion, interfaces, ips };
  if (routes.length > 0) out.routes = routes;
  const d = dns ?? prev?.dns;
  out.dns = d ?? {};
  return out;
}

/** The default routes a network gives its containers: one per gateway. */
export function defaultRoutes(gateways: readonly string[]): CniRoute[] {
  return gateways.map((gw) => ({ dst: gw.includes(':') ? '::/0' : '0.0.0.0/0', gw }));
}

/** The addresses of a result (without prefix) that sit on interfaces inside `sandbox`. */
export function sandboxAddresses(result: CniResult | undefined): string[] {
  if (!result) return [];
  return (result.ips ?? []).map((ip) => ip.address.split('/')[0]!);
}
