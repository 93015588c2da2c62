/**
 * The resolvers the embedded server forwards to, read as Docker reads them: the host's
 * /etc/resolv.conf nameservers without loopback ones (they mean nothing from the server's
 * sockets' point of view as a container sees them); when that leaves only systemd-resolved's
 * stub, its real upstreams from /run/systemd/resolve/resolv.conf; when nothing is left,
 * Docker's fallback, Google's public resolvers. `NETCTL_RESOLV_CONF` names another file
 * (tests, and hosts whose resolver configuration lives elsewhere).
 */
import { readFileSync } from 'node:fs';

/** Docker's fallback when the host names no usable resolver. */
export const FALLBACK_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

/** systemd-resolved's file listing its real upstreams. */
export const RESOLVED_CONF = '/run/systemd/resolve/resolv.conf';

/** The `nameserver` addresses of a resolv.conf text, in order. */
export function nameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!.replace(/%.*$/, ''));
  }
  return out;
}

/** Whether an address is a loopback one (127.0.0.0/8 or ::1). */
export function isLoopback(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1';
}

/** Where the upstreams come from and what they are. */
export interface Upstreams {
  servers: string[];
  source: string;
  /** True when the host named none usable and the fallback is used. */
  fallback: boolean;
}

/** Picks the upstreams from file texts (pure): `read` returns a file's text or undefined. */
export function pickUpstreams(read: (path: string) => string | undefined, resolvConf: string): Upstreams {
  const main = nameservers(read(resolvConf) ?? '');
  const usable = main.filter((ip) => !isLoopback(ip));
  if (usable.length) return { servers: usable, source: resolvConf, fallback: false };
  if (main.includes('127.0.0.53')) {
    const real = nameservers(read(RESOLVED_CONF) ?? '').filter((ip) => !isLoopback(ip));
    if (real.length) return { servers: real, source: RESOLVED_CONF, fallback: false };
  }
  return { servers: FALLBACK_UPSTREAMS, source: 'fallback', fallback: true };
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
  return pickUpstreams(read, env.NETCTL_RESOLV_CONF || '/etc/resolv.conf');
}
