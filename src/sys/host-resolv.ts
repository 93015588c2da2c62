/**
 * The host's resolver configuration, read where Docker reads it: `/etc/resolv.conf`, or
 * systemd-resolved's `/run/systemd/resolve/resolv.conf` when the former names only the
 * stub (127.0.0.53). Both paths can be moved (`NETCTL_RESOLV_CONF`,
 * `NETCTL_RESOLVED_CONF`, or `paths` here): tests give a sandbox its own files, never the
 * machine's. The embedded DNS server calls `hostUpstreams` for where to forward.
 */
import { readFile } from 'node:fs/promises';
import {
  type DnsSettings,
  type HostResolv,
  hostSource,
  parseResolvConf,
  planUpstreams,
  type Upstream,
} from '../model/resolv.js';

/** Where the host's resolver files are. */
export interface ResolvPaths {
  /** The host's resolv.conf (default /etc/resolv.conf). */
  resolvConf: string;
  /** systemd-resolved's upstream list (default /run/systemd/resolve/resolv.conf). */
  resolvedConf: string;
  /** The host's hosts file, which `--network host` containers get (default /etc/hosts). */
  hosts: string;
}

/** The paths in force: the environment's, else the usual ones. */
export function resolvPaths(env: NodeJS.ProcessEnv = process.env): ResolvPaths {
  return {
    resolvConf: env.NETCTL_RESOLV_CONF || '/etc/resolv.conf',
    resolvedConf: env.NETCTL_RESOLVED_CONF || '/run/systemd/resolve/resolv.conf',
    hosts: env.NETCTL_HOSTS_FILE || '/etc/hosts',
  };
}

async function load(path: string): Promise<HostResolv | null> {
  try {
    return { path, conf: parseResolvConf(await readFile(path, 'utf8')) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The host's resolver file as Docker picks it (a missing file reads as an empty one). */
export async function readHostResolv(paths: ResolvPaths = resolvPaths()): Promise<HostResolv> {
  const [etc, resolved] = await Promise.all([load(paths.resolvConf), load(paths.resolvedConf)]);
  return hostSource(etc, resolved);
}

/** The host's own file, verbatim source for `--network host` (its loopback resolvers work there). */
export async function readEtcResolv(paths: ResolvPaths = resolvPaths()): Promise<HostResolv> {
  return (await load(paths.resolvConf)) ?? { path: paths.resolvConf, conf: parseResolvConf('') };
}

/**
 * Where the embedded DNS server forwards a container's queries: its `--dns` servers, else
 * the host's nameservers (systemd-resolved's upstreams behind the stub), loopback ones
 * marked `hostLoopback` (to be queried from the host's namespace), else Docker's fallback
 * (with the warning to show once).
 */
export async function hostUpstreams(
  dns: DnsSettings = {},
  paths: ResolvPaths = resolvPaths(),
  ipv6 = false,
): Promise<{ upstreams: Upstream[]; warning?: string; source: string }> {
  const host = await readHostResolv(paths);
  return { ...planUpstreams(host, dns, ipv6), source: host.path };
}

/** The host's /etc/hosts text ('' when there is none). */
export async function readHostHosts(paths: ResolvPaths = resolvPaths()): Promise<string> {
  try {
    return await readFile(paths.hosts, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
