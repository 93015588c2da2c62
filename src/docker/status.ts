/**
 * `netctl docker status` as data and text: the block in each family, whether Docker answers,
 * whether the watch loop runs, and per running container each published port with the
 * ufw route rules that open it (or none: closed while ufw decides). Pure.
 */
import type { UfwView } from '../firewall/ufw/observe.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import type { DockerContainer } from './model.js';
import { isLoopback } from '../firewall/ufw/exposure.js';

/** One published container port and what opens it. */
export interface DockerPortStatus {
  container: string;
  port: string;
  addresses: string[];
  /** Sources the rules open it to ('anywhere' for none); empty: closed. */
  open: string[];
  /** Where it is published on the host (`0.0.0.0:8080`, `127.0.0.1:8081`). */
  hosts?: string[];
  /** Published on loopback addresses only: nothing from outside reaches it, whatever ufw says. */
  local?: boolean;
}

/** Everything the command reports (`--json` prints this). */
export interface DockerStatus {
  ufw: { active: boolean; routedPolicy: string | null };
  families: { family: 4 | 6; path: string; block: string; chain: string }[];
  docker: { socket: string; error?: string; containers: number; version?: string; firewall?: string };
  watch: { running: boolean; pid?: number };
  ports: DockerPortStatus[];
  drift: { missing: string[]; stale: string[] };
  /** Set when containers have IPv6 addresses but Docker makes no ip6tables rules. */
  ipv6?: string;
}

/**
 * Without `--ip6tables` (Docker 20.10's default) Docker makes no IPv6 DNAT: its IPv6
 * published ports are docker-proxy listening on the host, decided by ufw's incoming rules
 * (`ufw allow PORT`), and route rules to the containers' IPv6 addresses open nothing.
 */
export function ipv6Note(containers: readonly DockerContainer[], dockerIp6tables: boolean): string | undefined {
  if (dockerIp6tables || !containers.some((c) => c.ports.length > 0 && c.addresses.some((a) => a.ipv6 !== '')))
    return undefined;
  return "Docker makes no ip6tables rules (dockerd without --ip6tables): IPv6 published ports reach docker-proxy on the host, so ufw's incoming rules (ufw allow PORT) decide them, not these route rules";
}

/** The route rules that can open something: none to IPv6 addresses while Docker makes no ip6tables rules. */
export function effectiveRoutes(routes: readonly RouteRule[], dockerIp6tables: boolean): RouteRule[] {
  return dockerIp6tables ? [...routes] : routes.filter((r) => r.family !== 6);
}

/** The ports of the running containers with the rules that open them. */
export function portStatus(containers: readonly DockerContainer[], routes: readonly RouteRule[]): DockerPortStatus[] {
  return containers.flatMap((c) =>
    c.ports.map((p) => {
      const addrs = c.addresses.flatMap((a) => [a.ipv4, a.ipv6]).filter((x) => x !== '');
      const mine = routes.filter((r) => addrs.includes(r.to) && r.port === p.port && r.proto === p.proto);
      const open = [...new Set(mine.map((r) => r.from ?? 'anywhere'))];
      const out: DockerPortStatus = { container: c.name, port: `${p.port}/${p.proto}`, addresses: addrs, open };
      if (p.hosts && p.hosts.length > 0) {
        out.hosts = p.hosts.map((h) => `${h.ip.includes(':') ? `[${h.ip}]` : h.ip}:${h.port}`);
        if (p.hosts.every((h) => isLoopback(h.ip))) out.local = true;
      }
      return out;
    }),
  );
}

/** The families' lines from the observed ufw. */
export function familyStatus(view: UfwView): DockerStatus['families'] {
  return view.families.map((f) => ({
    family: f.family,
    path: f.path,
    block: f.text === undefined ? 'missing' : f.block,
    chain: f.running ? f.chain : 'ufw not running',
  }));
}

/** The status as text. */
export function renderDockerStatus(s: DockerStatus): string {
  const lines = [`ufw: ${s.ufw.active ? 'active' : 'inactive'}, routed policy ${s.ufw.routedPolicy ?? 'unknown'}`];
  for (const f of s.families) lines.push(`IPv${f.family} ${f.path}: netctl-docker block ${f.block}, chains ${f.chain}`);
  lines.push(
    s.docker.error
      ? `Docker: ${s.docker.error}`
      : `Docker${s.docker.version ? ` ${s.docker.version}` : ''}: ${s.docker.socket}: ${s.docker.containers} running container(s)${s.docker.firewall ? `, firewall backend ${s.docker.firewall}` : ''}`,
  );
  if (s.ipv6) lines.push(`IPv6: ${s.ipv6}`);
  lines.push(
    s.watch.running
      ? `watch: running (pid ${s.watch.pid})`
      : 'watch: not running: rules follow containers to new addresses only while netctl docker watch runs',
  );
  if (s.ports.length > 0) {
    const w = Math.max(9, ...s.ports.map((p) => p.container.length));
    lines.push(`${'CONTAINER'.padEnd(w)}  PORT       ADDRESSES                     UFW`);
    for (const p of s.ports) {
      const state = p.local
        ? 'local only'
        : p.open.length === 0
          ? 'closed (no allow rule)'
          : p.open.includes('anywhere')
            ? 'open'
            : `open from ${p.open.join(', ')}`;
      const hosts = p.hosts ? ` (host ${p.hosts.join(' ')})` : '';
      lines.push(
        `${p.container.padEnd(w)}  ${p.port.padEnd(9)}  ${p.addresses.join(' ').padEnd(28)}  ${state}${hosts}`,
      );
    }
  }
  for (const m of s.drift.missing) lines.push(`missing ufw rule (netctl docker sync restores it): ${m}`);
  for (const m of s.drift.stale) lines.push(`stale ufw rule (netctl docker sync removes it): ${m}`);
  return `${lines.join('\n')}\n`;
}
