/**
 * `netctl audit`: every listening socket on the machine (the host's own, and in every
 * network namespace: netctl's containers, CNI attachments, Docker's, Podman's, anyone's),
 * who owns it, the address it is bound to, and whether ufw lets a new connection from
 * outside reach it, by source. A host socket is judged by ufw's incoming rules and policy; a
 * container's through the published ports that lead to it (route rules and routed policy,
 * as `ufw status` and `docker status` judge them); one bound to 127.0.0.1 or ::1 is local
 * only, one in a container that nothing publishes is not reachable from outside. Reads only.
 */
import { isCniRecord } from '../model/cni-record.js';
import { netnsPath } from '../engine/container-net.js';
import { portAccess, ufwFacts } from '../engine/port-access.js';
import { routeState } from '../engine/ufw-routes.js';
import { exposure, incomingExposure, isLoopback, localOnly, type Exposure } from '../firewall/ufw/exposure.js';
import { observeUfw, setting, type UfwView } from '../firewall/ufw/observe.js';
import { hasChain } from '../firewall/ufw/plan.js';
import { dockerChain } from '../docker/block-kind.js';
import type { DockerApi } from '../docker/client.js';
import { runningContainers } from '../docker/containers.js';
import type { DockerContainer } from '../docker/model.js';
import {
  cgroupContainer,
  namedNetns,
  namespaceSockets,
  namespaces,
  netnsInodeOf,
  type ListenSocket,
} from '../sys/sockets.js';
import type { Host } from './host.js';

/** Whose namespace a socket is in. */
export interface AuditOwner {
  kind: 'host' | 'netctl' | 'cni' | 'docker' | 'podman' | 'netns' | 'process';
  name: string;
}

/** One listening socket and what ufw does to new connections to it from outside. */
export interface AuditEntry {
  owner: AuditOwner;
  netns: number;
  /** `httpd (pid 412)`, when the holding process could be read. */
  process?: string;
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  /** Host endpoints published to it (`0.0.0.0:8080`); empty for the host's own sockets. */
  via: string[];
  /** `unpublished`: in a container, and no published port leads to it. */
  state: Exposure['state'] | 'unpublished';
  sources: string[];
  reason: string;
  /** Reachable from outside although no ufw rule allows it (the exit status counts these). */
  unruled: boolean;
}

/** One published path to a container port, judged. */
interface Path {
  owner: string;
  proto: string;
  containerIp: string;
  containerPort: number;
  host: string;
  hostPort: number;
  e: Exposure;
}

const wild = (ip: string): boolean => ip === '0.0.0.0' || ip === '::';
const hostText = (ip: string, port: number): string => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
const RANK: Record<string, number> = { open: 3, restricted: 2, closed: 1, local: 0 };

function netctlPaths(host: Host, view: UfwView): Path[] {
  return portAccess(routeState(host.store()), view).map((p) => ({
    owner: p.container,
    proto: p.proto,
    containerIp: p.containerIp,
    containerPort: p.containerPort,
    host: p.hostIp,
    hostPort: p.hostPort,
    e: { state: p.state, sources: p.sources, reason: p.reason },
  }));
}

function dockerPaths(containers: readonly DockerContainer[], view: UfwView): Path[] {
  const facts = ([4, 6] as const).map((f) => {
    const base = ufwFacts(view, f);
    const live = view.families.find((x) => x.family === f)?.live;
    return { ...base, blockLoaded: live !== undefined && hasChain(live, dockerChain(f)) };
  });
  return containers.flatMap((c) =>
    c.ports.flatMap((p) =>
      c.addresses
        .flatMap((a) => [a.ipv4, a.ipv6])
        .filter((ip) => ip !== '')
        .flatMap((ip) =>
          (p.hosts ?? []).map((h) => ({
            owner: c.name,
            proto: p.proto,
            containerIp: ip,
            containerPort: p.port,
            host: h.ip,
            hostPort: h.port,
            e: isLoopback(h.ip)
              ? localOnly(h.ip)
              : exposure(facts[ip.includes(':') ? 1 : 0]!, { proto: p.proto, containerIp: ip, containerPort: p.port }),
          })),
        ),
    ),
  );
}

/** The owners of namespaces that are containers: netctl's and CNI attachments by their netns, Docker's by cgroup. */
async function owners(
  host: Host,
  ns: Map<number, number[]>,
  docker: readonly DockerContainer[],
): Promise<Map<number, AuditOwner>> {
  const out = new Map<number, AuditOwner>();
  for (const c of host.store().containers.list({ all: true })) {
    const cni = isCniRecord(c);
    const ino = await netnsInodeOf(cni ? c.config.cni.netns : netnsPath(host.paths.runRoot, c.id));
    const kind = cni ? (c.config.runtime === 'podman' ? 'podman' : 'cni') : 'netctl';
    if (ino !== undefined) out.set(ino, { kind, name: c.name });
  }
  for (const d of docker) {
    const ino = d.pid ? await netnsInodeOf(`/proc/${d.pid}/ns/net`) : undefined;
    if (ino !== undefined && !out.has(ino)) out.set(ino, { kind: 'docker', name: d.name });
  }
  for (const [ino, name] of await namedNetns(['/run/netns'])) if (!out.has(ino)) out.set(ino, { kind: 'netns', name });
  for (const [ino, pids] of ns) {
    if (out.has(ino)) continue;
    for (const pid of pids.slice(0, 4)) {
      const cg = await cgroupContainer(pid);
      if (!cg) continue;
      const name = cg.kind === 'docker' ? docker.find((d) => d.id === cg.id)?.name : undefined;
      out.set(ino, { kind: cg.kind, name: name ?? cg.id.slice(0, 12) });
      break;
    }
  }
  return out;
}

function judgeContainer(
  s: ListenSocket,
  owner: AuditOwner,
  paths: readonly Path[],
): Omit<AuditEntry, 'owner' | 'netns'> {
  const mine = paths.filter(
    (p) =>
      p.owner === owner.name &&
      p.proto === s.proto &&
      p.containerPort === s.port &&
      (s.ip === p.containerIp || (wild(s.ip) && (s.ip === '::' || !p.containerIp.includes(':')))),
  );
  const base = { proto: s.proto, address: s.ip, port: s.port, via: mine.map((p) => hostText(p.host, p.hostPort)) };
  if (isLoopback(s.ip)) return { ...base, ...localOnly(s.ip), unruled: false };
  if (mine.length === 0)
    return { ...base, state: 'unpublished', sources: [], reason: 'no published port leads here', unruled: false };
  const best = [...mine].sort((a, b) => (RANK[b.e.state] ?? 0) - (RANK[a.e.state] ?? 0))[0]!;
  return { ...base, ...best.e, unruled: unruled(best.e) };
}

function unruled(e: Exposure): boolean {
  return e.state === 'open' && !/^ufw (route rule|rule|before\.rules rule|after\.rules rule) /.test(e.reason);
}

function judgeHost(
  s: ListenSocket,
  view: UfwView,
  inputPolicy: string | null,
  paths: readonly Path[],
): Omit<AuditEntry, 'owner' | 'netns'> {
  const base = { proto: s.proto, address: s.ip, port: s.port, via: [] as string[] };
  if (isLoopback(s.ip)) return { ...base, ...localOnly(s.ip), unruled: false };
  const dnat = paths.find(
    (p) => p.proto === s.proto && p.hostPort === s.port && p.host.includes(':') === (s.family === 6),
  );
  if (dnat)
    return {
      ...base,
      state: 'closed',
      sources: [],
      reason: `host port published to ${dnat.owner}: connections from outside are DNATed there (see its row)`,
      unruled: false,
    };
  const e = incomingExposure(ufwFacts(view, s.family), inputPolicy, s.proto, s.port, wild(s.ip) ? '' : s.ip);
  return { ...base, ...e, unruled: unruled(e) };
}

/** The audit; `api` opens Docker's client (a Docker that does not answer leaves its containers unnamed). */
export async function audit(host: Host, api?: () => DockerApi): Promise<AuditEntry[]> {
  const [view, defaults, ns, self] = await Promise.all([
    observeUfw(host.ufw),
    host.ufw.files.read(host.ufw.defaults),
    namespaces(),
    netnsInodeOf('/proc/self/ns/net'),
  ]);
  const POLICY: Record<string, string> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };
  const raw = setting(defaults, 'DEFAULT_INPUT_POLICY');
  const inputPolicy = raw === null ? null : (POLICY[raw] ?? raw.toLowerCase());
  const docker = api ? await runningContainers(api()).catch(() => [] as DockerContainer[]) : [];
  const paths = [...netctlPaths(host, view), ...dockerPaths(docker, view)];
  const who = await owners(host, ns, docker);
  const out: AuditEntry[] = [];
  for (const [ino, pids] of ns) {
    const { sockets } = await namespaceSockets(ino, pids);
    const owner: AuditOwner =
      ino === self
        ? { kind: 'host', name: 'host' }
        : (who.get(ino) ?? { kind: 'process', name: pids[0] ? `pid ${pids[0]}` : '?' });
    for (const s of sockets) {
      const judged = owner.kind === 'host' ? judgeHost(s, view, inputPolicy, paths) : judgeContainer(s, owner, paths);
      out.push({ owner, netns: ino, ...(s.comm ? { process: `${s.comm} (pid ${s.pid})` } : {}), ...judged });
    }
  }
  return out.sort(
    (a, b) => a.owner.kind.localeCompare(b.owner.kind) || a.owner.name.localeCompare(b.owner.name) || a.port - b.port,
  );
}
