/**
 * A container's /etc/hosts, as Docker writes it: localhost, its own addresses under its
 * hostname (and name), `--add-host` entries and legacy `--link` entries (`IP ALIAS NAME`).
 * Other containers on its user-defined networks are not listed: the embedded DNS server at
 * 127.0.0.11 answers their names, so no file has to follow them (see etc-files.ts). Pure.
 */
import type { Container, Endpoint } from '../model/container.js';
import { resolveLinks, type NetView } from './links.js';

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

/** One line per own address (every network, in attachment order). */
function ownLines(c: Container, eps: readonly Endpoint[]): string[] {
  const hostname = hostnameOf(c);
  const names = hostname === c.name ? [hostname] : [hostname, c.name];
  const addrs = [...new Set(eps.flatMap((e) => [e.address, e.address6]).filter((a): a is string => Boolean(a)))];
  return addrs.map((a) => line(a, names));
}

function linkLines(v: NetView, c: Container): string[] {
  return resolveLinks(v)
    .filter((l) => l.parent.id === c.id)
    .map((l) => line(l.childIp, [l.alias, l.child.name]));
}

/** The /etc/hosts text of container `c` (`v` needs its endpoints, links and their targets). */
export function hostsText(v: NetView, c: Container): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...ownLines(
      c,
      v.endpoints.filter((e) => e.containerId === c.id),
    ),
    ...extraHostsOf(c),
    ...linkLines(v, c),
  ];
  return `${lines.join('\n')}\n`;
}
