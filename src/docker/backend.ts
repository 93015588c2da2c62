/**
 * Which Docker answers and how it firewalls: `GET /version` and `GET /info`. Docker 28.1 (API
 * 1.49) and later report `FirewallBackend` {Driver, Info} in `/info`: `iptables`, `nftables`
 * (Docker 29's `--firewall-backend nftables`), either with `+firewalld`; older daemons do not,
 * and use iptables. The guard itself follows the kernel (DOCKER-USER, Docker's nftables
 * table); this is what `docker status` shows, so an operator sees which path applies.
 */
import type { DockerApi } from './client.js';

/** The part of `/info` read here. */
export interface DockerInfo {
  FirewallBackend?: { Driver?: string; Info?: [string, string][] | null } | null;
}

/** What `docker status` says of the daemon. */
export interface DockerBackend {
  version?: string;
  apiVersion?: string;
  /** `iptables`, `nftables`, `iptables+firewalld`, ...; `iptables` when the daemon does not say. */
  firewall: string;
}

/** The firewall backend a daemon's `/info` names (pure). */
export function firewallOf(info: DockerInfo | undefined): string {
  return info?.FirewallBackend?.Driver || 'iptables';
}

/** Whether that backend is nftables (with or without firewalld). */
export function isNftBackend(firewall: string): boolean {
  return firewall.split('+')[0] === 'nftables';
}

/** Reads the daemon's version and firewall backend. */
export async function dockerBackend(api: DockerApi): Promise<DockerBackend> {
  const [version, info] = await Promise.all([
    api.get<{ Version?: string; ApiVersion?: string }>('/version'),
    api.get<DockerInfo>('/info'),
  ]);
  return {
    ...(version?.Version ? { version: version.Version } : {}),
    ...(version?.ApiVersion ? { apiVersion: version.ApiVersion } : {}),
    firewall: firewallOf(info),
  };
}
