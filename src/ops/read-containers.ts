/**
 * Containers as `ps`, `port`, `inspect` and the TUI show them: the database's records with
 * the state their monitors last wrote (a monitor's state file is newer than the database).
 */
import type { Container } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import { NotFoundError } from '../errors.js';
import { containerPaths } from '../runtime/paths.js';
import { type LauncherState, liveStatus, readState } from '../runtime/state.js';
import type { Host } from './host.js';
import { mountsView } from './volume.js';
import { hostConfig } from './host-config.js';
import { groupBy } from '../model/group.js';

/** One row of `netctl ps`. */
export interface PsRow {
  id: string;
  name: string;
  image: string;
  status: string;
  exitCode: number | null;
  /** Its last run ended in the kernel's OOM killer. */
  oomKilled: boolean;
  addresses: string[];
  ports: string[];
}

/** The state a container's monitor last wrote, or null without one. */
export function monitorState(host: Host, id: string): Promise<LauncherState | null> {
  return readState(containerPaths(host.paths, id).state);
}

/** A container's status: its monitor's word when it has one, else the database's. */
export function statusOf(c: Pick<Container, 'state'>, st: LauncherState | null): string {
  return st ? liveStatus(st) : c.state;
}

function hostPort(p: PublishedPort): string {
  return `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}`;
}

/** `netctl ps`: running containers (every one with `all`), their addresses and published ports. */
export async function psRows(host: Host, opts: { all?: boolean }): Promise<PsRow[]> {
  const store = host.store();
  const containers = store.containers.list({ all: true });
  // One query per table and the state files read side by side: a query and a wait per
  // container made `ps` grow with the host.
  const states = await Promise.all(containers.map((c) => monitorState(host, c.id)));
  const endpoints = groupBy(store.endpoints.all(), (e) => e.containerId);
  const ports = groupBy(store.ports.list(), (p) => p.containerId);
  const rows: PsRow[] = [];
  containers.forEach((c, i) => {
    const st = states[i]!;
    const status = statusOf(c, st);
    if (!opts.all && status !== 'running' && status !== 'restarting') return;
    rows.push({
      id: c.id,
      name: c.name,
      image: c.image,
      status,
      exitCode: st?.exitCode ?? null,
      oomKilled: st?.oomKilled ?? false,
      addresses: (endpoints.get(c.id) ?? []).map((e) => e.address ?? ''),
      ports: (ports.get(c.id) ?? []).map((p) => `${hostPort(p)}->${p.containerPort}/${p.proto}`),
    });
  });
  return rows;
}

/**
 * `netctl port NAME [PORT[/PROTO]]`: the container's published ports (the one asked for).
 * @throws NotFoundError for no such container, or no such published port.
 */
export function publishedPorts(host: Host, name: string, want?: string): PublishedPort[] {
  const store = host.store();
  const c = store.containers.require(name);
  const [wport, wproto = 'tcp'] = want ? want.split('/') : [];
  const ports = store.ports
    .list(c.id)
    .filter((p) => !want || (String(p.containerPort) === wport && p.proto === wproto));
  if (want && ports.length === 0) throw new NotFoundError('published port', `${c.name} ${want}`);
  return ports;
}

/** Docker's paths of the files bind-mounted over /etc/resolv.conf, /etc/hostname and /etc/hosts. */
function etcPaths(host: Host, c: Container): Record<string, string> {
  const p = containerPaths(host.paths, c.id);
  return { ResolvConfPath: p.resolv, HostnamePath: p.hostname, HostsPath: p.hosts };
}

/** Docker's HostConfig.Dns, DnsSearch and DnsOptions: what `--dns*` asked for (empty: the host's). */
function dnsConfig(c: Container): { Dns: string[]; DnsSearch: string[]; DnsOptions: string[] } {
  const d = (c.config.dns ?? {}) as { servers?: string[]; search?: string[]; options?: string[] };
  return { Dns: d.servers ?? [], DnsSearch: d.search ?? [], DnsOptions: d.options ?? [] };
}

/** `netctl inspect NAME`: the container as Docker-like JSON. */
export async function inspectContainer(host: Host, name: string): Promise<object> {
  const store = host.store();
  const c = store.containers.require(name);
  const st = await monitorState(host, c.id);
  const networks: Record<string, object> = {};
  for (const e of store.endpoints.forContainer(c.id)) {
    const n = store.networks.get(e.networkId);
    networks[n?.name ?? e.networkId] = {
      NetworkID: e.networkId,
      IPAddress: e.address ?? '',
      IPPrefixLen: Number(n?.subnet.split('/')[1] ?? 0),
      Gateway: n?.gateway ?? '',
      GlobalIPv6Address: e.address6 ?? '',
      Aliases: e.aliases,
      // As Docker 25+: the names the embedded DNS server answers with this address (none on `bridge`).
      DNSNames: n && n.name !== 'bridge' ? [c.name, ...e.aliases, c.id.slice(0, 12)] : null,
      HostInterface: e.hostIfname ?? '',
    };
  }
  const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of store.ports.list(c.id))
    (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  return {
    Id: c.id,
    Name: c.name,
    Image: c.image,
    Created: c.createdAt,
    State: {
      Status: statusOf(c, st),
      Pid: st?.pid ?? c.pid ?? 0,
      MonitorPid: st?.monitorPid ?? 0,
      ExitCode: st?.exitCode ?? c.exitCode ?? null,
      StartedAt: st?.startedAt ?? c.startedAt ?? null,
      FinishedAt: st?.finishedAt ?? c.finishedAt ?? null,
      OOMKilled: st?.oomKilled ?? false,
      RestartCount: st?.restartCount ?? 0,
      Error: st?.error ?? '',
    },
    ...etcPaths(host, c),
    Config: c.config,
    Mounts: mountsView(c.config),
    HostConfig: { ...hostConfig(c), ...dnsConfig(c) },
    NetworkSettings: { Networks: networks, Ports: ports },
  };
}
