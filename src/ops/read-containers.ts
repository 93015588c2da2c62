/**
 * Containers as `ps`, `port`, `inspect` and the TUI show them: the database's records with
 * the state their monitors last wrote (a monitor's state file is newer than the database).
 */
import type { Container, Endpoint } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import { NotFoundError } from '../errors.js';
import { containerPaths } from '../runtime/paths.js';
import { type LauncherState, liveStatus, readState, readStateSync } from '../runtime/state.js';
import type { Host } from './host.js';
import { mountsView } from './volume.js';
import { hostConfig } from './host-config.js';
import { hostFreezer, hostFrozen, isFrozenSync } from '../runtime/freezer.js';

/** The status with `paused` for a running container its freezer holds. */
function pausedStatus(id: string, status: string, frozen: (id: string) => boolean): string {
  return status === 'running' && frozen(id) ? 'paused' : status;
}
import { type HealthStatus, healthOf, healthStatusOf } from './health.js';
import { groupBy } from '../model/group.js';
import { type RecordKind, recordKind } from '../model/cni-record.js';

/** One row of `netctl ps`. */
export interface PsRow {
  id: string;
  name: string;
  /** Whose: netctl's own, a CNI runtime's attachment, or a Podman 5 container's (the netavark plugin's). */
  kind: RecordKind;
  image: string;
  status: string;
  exitCode: number | null;
  /** Its last run ended in the kernel's OOM killer. */
  oomKilled: boolean;
  addresses: string[];
  ports: string[];
  /** Frozen by `pause` (status `paused`). */
  paused: boolean;
  labels: Record<string, string>;
  /** Names of the networks it is on. */
  networks: string[];
  createdAt: string;
  startedAt: string | null;
  /** When its last run ended (Docker's "Exited (0) 5 minutes ago"). */
  finishedAt: string | null;
  /** The command line it runs. */
  command: string;
  imageId: string;
  /** A running container's health, when it has a check (Docker's `(healthy)` in ps). */
  health?: HealthStatus;
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

/** The names of the networks a container is on (its endpoints given), or its mode (host, none, container:NAME). */
function networksOf(c: Container, endpoints: readonly Endpoint[], netNames: ReadonlyMap<string, string>): string[] {
  const names = endpoints.map((e) => netNames.get(e.networkId) ?? e.networkId);
  const mode = (c.config as { network?: string }).network;
  return names.length > 0 || !mode ? names : [mode];
}

/** `netctl ps`: running containers (every one with `all`), their addresses and published ports. */
export async function psRows(host: Host, opts: { all?: boolean }): Promise<PsRow[]> {
  const store = host.store();
  const containers = store.containers.list({ all: true });
  // One query per table, and each state file read synchronously: a query per container, or a
  // read through fs/promises (~10x the CPU of a synchronous one), made `ps` grow with the host.
  const states = containers.map((c) => readStateSync(containerPaths(host.paths, c.id).state));
  const endpoints = groupBy(store.endpoints.all(), (e) => e.containerId);
  const ports = groupBy(store.ports.list(), (p) => p.containerId);
  const netNames = new Map(store.networks.list().map((n) => [n.id, n.name]));
  const rows: PsRow[] = [];
  const frozen = hostFrozen();
  const statuses = containers.map((c, i) => pausedStatus(c.id, statusOf(c, states[i]!), frozen));
  containers.forEach((c, i) => {
    const st = states[i]!;
    const status = statuses[i]!;
    if (!opts.all && status !== 'running' && status !== 'restarting' && status !== 'paused') return;
    const launch = (c.config.launch ?? {}) as { argv?: string[] };
    rows.push({
      id: c.id,
      name: c.name,
      kind: recordKind(c),
      image: c.image,
      status,
      exitCode: st?.exitCode ?? null,
      oomKilled: st?.oomKilled ?? false,
      addresses: (endpoints.get(c.id) ?? []).map((e) => e.address ?? ''),
      ports: (ports.get(c.id) ?? []).map((p) => `${hostPort(p)}->${p.containerPort}/${p.proto}`),
      paused: status === 'paused',
      labels: (c.config.labels ?? {}) as Record<string, string>,
      networks: networksOf(c, endpoints.get(c.id) ?? [], netNames),
      createdAt: c.createdAt,
      startedAt: st?.startedAt ?? c.startedAt ?? null,
      finishedAt: st?.finishedAt ?? c.finishedAt ?? null,
      command: (launch.argv ?? []).join(' '),
      imageId: String(c.config.imageId ?? ''),
    });
    const health = healthStatusOf(host, c, st);
    if (health) rows[rows.length - 1]!.health = health;
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

/** Docker's top-level NetworkSettings.IPAddress/Gateway: the default network's (empty elsewhere). */
function primaryAddress(networks: Record<string, object>): { IPAddress: string; Gateway: string } {
  const b = networks.bridge as { IPAddress?: string; Gateway?: string } | undefined;
  return { IPAddress: b?.IPAddress ?? '', Gateway: b?.Gateway ?? '' };
}

/** Docker's Config fields beside netctl's own (`inspect -f '{{.Config.Env}}'`, `{{index .Config.Labels "k"}}`). */
function dockerConfig(c: Container): Record<string, unknown> {
  const l = (c.config.launch ?? {}) as { hostname?: string; env?: string[]; argv?: string[]; cwd?: string };
  const launch = l as { uid?: number; gid?: number; tty?: boolean; interactive?: boolean };
  return {
    Hostname: l.hostname ?? '',
    Env: l.env ?? [],
    Cmd: l.argv ?? [],
    Image: c.image,
    WorkingDir: l.cwd ?? '/',
    User: launch.uid ? `${launch.uid}:${launch.gid ?? 0}` : '',
    Tty: Boolean(launch.tty),
    OpenStdin: Boolean(launch.interactive),
    Labels: (c.config.labels ?? {}) as Record<string, string>,
  };
}

/** Docker's `State.Health`, present only for a container with a check. */
function withHealth(host: Host, c: Container, st: LauncherState | null): { Health?: object } {
  const h = healthOf(host, c, st);
  return h ? { Health: h } : {};
}

/** `netctl inspect NAME`: the container as Docker-like JSON. */
export async function inspectContainer(host: Host, name: string): Promise<object> {
  const store = host.store();
  const c = store.containers.require(name);
  const st = await monitorState(host, c.id);
  const status = pausedStatus(c.id, statusOf(c, st), (id) => isFrozenSync(hostFreezer(id)));
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
    // netctl's: whose container this is (netctl, cni, podman); Docker has no such field.
    Kind: recordKind(c),
    Image: c.image,
    Created: c.createdAt,
    State: {
      Status: status,
      Running: status === 'running' || status === 'paused',
      Paused: status === 'paused',
      Pid: st?.pid ?? c.pid ?? 0,
      MonitorPid: st?.monitorPid ?? 0,
      ExitCode: st?.exitCode ?? c.exitCode ?? null,
      StartedAt: st?.startedAt ?? c.startedAt ?? null,
      FinishedAt: st?.finishedAt ?? c.finishedAt ?? null,
      OOMKilled: st?.oomKilled ?? false,
      RestartCount: st?.restartCount ?? 0,
      Error: st?.error ?? '',
      ...withHealth(host, c, st),
    },
    ...etcPaths(host, c),
    Config: { ...c.config, ...dockerConfig(c) },
    Mounts: mountsView(c.config),
    HostConfig: { ...hostConfig(c), ...dnsConfig(c) },
    NetworkSettings: { ...primaryAddress(networks), Networks: networks, Ports: ports },
  };
}
