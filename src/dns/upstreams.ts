/**
 * The resolvers the embedded server forwards to, picked by the same rules that write the
 * containers' resolv.conf (model/resolv.ts `hostSource` + `planUpstreams`, Docker's): the
 * host's /etc/resolv.conf nameservers; behind systemd-resolved's stub, its real upstreams from
 * /run/systemd/resolve/resolv.conf; when the host names none, Docker's fallback. Loopback
 * nameservers are kept: the server forwards from the host's namespace, where they answer
 * (Docker does the same for a host-loopback resolver). `NETCTL_RESOLV_CONF` and
 * `NETCTL_RESOLVED_CONF` name other files (tests, and hosts whose files live elsewhere).
 */
import { readFileSync } from 'node:fs';
import { type HostResolv, hostSource, parseResolvConf, planUpstreams } from '../model/resolv.js';
import { resolvPaths } from '../sys/host-resolv.js';

/** Where the upstreams come from and what they are. */
export interface Upstreams {
  servers: string[];
  source: string;
  /** True when the host named none usable and the fallback is used. */
  fallback: boolean;
}

/** Picks the upstreams from file texts (pure): `read` returns a file's text or undefined. */
export function pickUpstreams(
  read: (path: string) => string | undefined,
  resolvConf: string,
  resolvedConf = '/run/systemd/resolve/resolv.conf',
): Upstreams {
  const load = (path: string): HostResolv | null => {
    const text = read(path);
    return text === undefined ? null : { path, conf: parseResolvConf(text) };
  };
  const host = hostSource(load(resolvConf), load(resolvedConf));
  const plan = planUpstreams(host);
  const servers = plan.upstreams.map((u) => u.address.replace(/%.*$/, ''));
  return plan.warning
    ? { servers, source: 'fallback', fallback: true }
    : { servers, source: host.path, fallback: false };
}

/** The host's upstreams, read now. */
export function hostUpstreams(env: NodeJS.ProcessEnv = process.env): Upstreams {
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const paths = resolvPaths(env);
  return pickUpstreams(read, paths.resolvConf, paths.resolvedConf);
}
