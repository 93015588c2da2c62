/**
 * A container's /etc/hosts, which is how containers find each other without a daemon:
 * localhost, its own address and hostname, `--add-host` entries, `--link` entries
 * (`IP ALIAS NAME`), and on user-defined networks (not the default `bridge`) every other
 * container sharing the network, by name and network aliases. Pure.
 */
import type { Container, Endpoint } from '../model/container.js';
import { resolveLinks, type NetView } from './links.js';

/** The name of the default network, where containers do not resolve each other by name. */
const DEFAULT_NETWORK = 'bridge';

function hostnameOf(c: Container): string {
  const launch = c.config.launch as { hostname?: unknown } | undefined;
  return typeof launch?.hostname === 'string' ? launch.hostname : c.name;
}

function extraHostsOf(c: Container): string[] {
  const list = c.config.extraHosts;
  return Array.isArray(list) ? list.filter((l): l is string => typeof l === 'string') : [];
}

function line(ip: string, names: readonly string[]): string {
  return `${ip}\t${[...new Set(names)].join(' ')}`;
}

function ownLine(c: Container, ep: Endpoint | undefined): string[] {
  if (!ep?.address) return [];
  const hostname = hostnameOf(c);
  return [line(ep.address, hostname === c.name ? [hostname] : [hostname, c.name])];
}

/** Entries for the containers sharing a user-defined network with `c`, per network in attachment order. */
function peerLines(v: NetView, c: Container): string[] {
  const userNets = new Set(v.networks.filter((n) => n.name !== DEFAULT_NETWORK).map((n) => n.id));
  const byId = new Map(v.containers.map((x) => [x.id, x]));
  const out: string[] = [];
  for (const own of v.endpoints.filter((e) => e.containerId === c.id && userNets.has(e.networkId))) {
    for (const e of v.endpoints.filter((x) => x.networkId === own.networkId && x.containerId !== c.id && x.address)) {
      const peer = byId.get(e.containerId);
      if (peer) out.push(line(e.address!, [peer.name, ...e.aliases]));
    }
  }
  return out;
}

function linkLines(v: NetView, c: Container): string[] {
  return resolveLinks(v)
    .filter((l) => l.parent.id === c.id)
    .map((l) => line(l.childIp, [l.alias, l.child.name]));
}

/** The /etc/hosts text of container `c`. */
export function hostsText(v: NetView, c: Container): string {
  const ep = v.endpoints.find((e) => e.containerId === c.id);
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...ownLine(c, ep),
    ...extraHostsOf(c),
    ...linkLines(v, c),
    ...peerLines(v, c),
  ];
  return `${lines.join('\n')}\n`;
}
