/**
 * A container's /etc/resolv.conf, planned the way Docker's libnetwork plans it, from the
 * host's resolver file and the container's `--dns`, `--dns-search` and `--dns-option`:
 *
 * - `host` (`--network host`): the host's file as it is (its loopback resolvers work there),
 *   with the overrides applied.
 * - `legacy` (the default `bridge` network, `none`): the host's nameservers less loopback
 *   ones (they are nothing inside the container's namespace) and less IPv6 ones when the
 *   network has no IPv6; search domains and options kept.
 * - `internal` (user-defined networks): `nameserver 127.0.0.11`, the embedded DNS server;
 *   the nameservers it replaced become the server's upstreams (loopback ones marked: they
 *   are reached from the host's namespace); `options ndots:0` unless an ndots is given.
 *
 * When nothing usable is left, Docker's fallback resolvers stand in, with one warning.
 * Which host file is read (systemd-resolved's stub detection) is `hostSource`. Pure.
 */
import { parseIp } from './addr.js';

/** The address of the embedded DNS server inside a container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';

/** The systemd-resolved stub listener: a host whose only nameserver it is has its upstreams elsewhere. */
export const RESOLVED_STUB = '127.0.0.53';

/** Docker's fallback when no usable nameserver is left (Google Public DNS). */
export const FALLBACK_V4 = ['8.8.8.8', '8.8.4.4'] as const;
export const FALLBACK_V6 = ['2001:4860:4860::8888', '2001:4860:4860::8844'] as const;

/** A parsed resolv.conf. */
export interface ResolvConf {
  nameservers: string[];
  /** The last `search` (or `domain`) line's domains. */
  search: string[];
  /** Every `options` line's options, in order. */
  options: string[];
  /** Lines it does not interpret (`sortlist`, ...), kept as they are. */
  other: string[];
}

/** What `--dns`, `--dns-search`, `--dns-option` (compose `dns`, `dns_search`, `dns_opt`) asked for. */
export interface DnsSettings {
  servers?: readonly string[];
  search?: readonly string[];
  options?: readonly string[];
}

/** A nameserver the embedded DNS server forwards to. */
export interface Upstream {
  address: string;
  /** Loopback (or zoned link-local) from the host's file: only reachable from the host's namespace. */
  hostLoopback: boolean;
}

/** How the container is networked, as far as its resolv.conf goes. */
export type ResolvMode = 'host' | 'legacy' | 'internal';

/** The host's resolver configuration, and the file it was read from. */
export interface HostResolv {
  path: string;
  conf: ResolvConf;
}

/** A planned resolv.conf. */
export interface ResolvPlan {
  text: string;
  /** `internal`: where the embedded server forwards this container's queries; else empty. */
  upstreams: Upstream[];
  /** Set when Docker's fallback resolvers stand in: the one warning to show. */
  warning?: string;
}

/** Parses resolv.conf text as glibc does: comments (`#`, `;`) and blank lines skipped. */
export function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: [], other: [] };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const key = f[0] ?? '';
    if (key === '' || key.startsWith('#') || key.startsWith(';')) continue;
    if (key === 'nameserver') {
      if (f[1] && isAddress(f[1])) rc.nameservers.push(f[1]);
    } else if (key === 'search' || key === 'domain') {
      if (f.length > 1) rc.search = f.slice(1);
    } else if (key === 'options') rc.options.push(...f.slice(1));
    else rc.other.push(line.trim());
  }
  return rc;
}

function isAddress(text: string): boolean {
  try {
    parseIp(text.split('%')[0]!);
    return true;
  } catch {
    return false;
  }
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  if (address.includes(':')) return parseIp(address.split('%')[0]!).value === 1n;
  return address.startsWith('127.');
}

/**
 * The host file Docker reads: `/etc/resolv.conf`, unless its one nameserver is
 * systemd-resolved's stub and resolved's own file (the upstreams) can be read.
 */
export function hostSource(etc: HostResolv | null, systemd: HostResolv | null): HostResolv {
  const empty = { path: etc?.path ?? '/etc/resolv.conf', conf: parseResolvConf('') };
  if (!etc) return systemd ?? empty;
  const ns = etc.conf.nameservers;
  if (systemd && ns.length === 1 && ns[0] === RESOLVED_STUB) return systemd;
  return etc;
}

function fallback(ipv6: boolean): string[] {
  return ipv6 ? [...FALLBACK_V4, ...FALLBACK_V6] : [...FALLBACK_V4];
}

function fallbackWarning(path: string, ipv6: boolean): string {
  return `no usable nameserver in ${path} (loopback ones do not work in a container): using ${fallback(ipv6).join(', ')}`;
}

/** Search domains and options after the overrides (`.` as a search domain means none). */
function searchAndOptions(host: ResolvConf, dns: DnsSettings): { search: string[]; options: string[] } {
  const search = dns.search?.length ? dns.search.filter((d) => d !== '.') : host.search;
  return { search: [...search], options: [...(dns.options?.length ? dns.options : host.options)] };
}

function render(
  nameservers: readonly string[],
  search: readonly string[],
  options: readonly string[],
  other: readonly string[],
): string {
  const lines = nameservers.map((n) => `nameserver ${n}`);
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  if (options.length > 0) lines.push(`options ${options.join(' ')}`);
  return `${[...lines, ...other].join('\n')}\n`;
}

function validNdots(o: string): boolean {
  return !o.startsWith('ndots:') || /^ndots:\d+$/.test(o);
}

/** The upstreams of the embedded DNS server for a container with `dns` on a host with `host`. */
export function planUpstreams(
  host: HostResolv,
  dns: DnsSettings = {},
  ipv6 = false,
): { upstreams: Upstream[]; warning?: string } {
  if (dns.servers?.length) return { upstreams: dns.servers.map((address) => ({ address, hostLoopback: false })) };
  const upstreams = host.conf.nameservers.map((address) => ({
    address,
    hostLoopback: isLoopback(address) || address.includes('%') || (address.includes(':') && !ipv6),
  }));
  if (upstreams.length > 0) return { upstreams };
  const servers = fallback(ipv6);
  return {
    upstreams: servers.map((address) => ({ address, hostLoopback: false })),
    warning: fallbackWarning(host.path, ipv6),
  };
}

/** The resolv.conf of a container networked as `mode`, on a host with `host`, asking for `dns`. */
export function planResolv(host: HostResolv, mode: ResolvMode, dns: DnsSettings = {}, ipv6 = false): ResolvPlan {
  const { search, options } = searchAndOptions(host.conf, dns);
  const other = host.conf.other;
  if (mode === 'host') {
    const ns = dns.servers?.length ? dns.servers : host.conf.nameservers;
    return { text: render(ns, search, options, other), upstreams: [] };
  }
  if (mode === 'internal') {
    const up = planUpstreams(host, dns, ipv6);
    const opts = options.filter(validNdots);
    if (!opts.some((o) => o.startsWith('ndots:'))) opts.push('ndots:0');
    return { text: render([EMBEDDED_DNS], search, opts, other), ...up };
  }
  if (dns.servers?.length) return { text: render(dns.servers, search, options, other), upstreams: [] };
  const usable = host.conf.nameservers.filter((n) => !isLoopback(n) && !n.includes('%') && (ipv6 || !n.includes(':')));
  if (usable.length > 0) return { text: render(usable, search, options, other), upstreams: [] };
  return {
    text: render(fallback(ipv6), search, options, other),
    upstreams: [],
    warning: fallbackWarning(host.path, ipv6),
  };
}
