/**
 * The TUI's live view, read through the same model as the CLI: the database, the kernel's
 * links (pushed by a netlink monitor subscription), and the live ruleset with counters (one
 * `iptables-save -c` per family per refresh, also used to judge each published port against
 * ufw's chains). Nothing is spawned but the two saves; what the adapter caches and when it
 * refreshes is its own business (tui/source.ts).
 */
import { access, readFile } from 'node:fs/promises';
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import { isCniRecord } from '../model/cni-record.js';
import type { Ruleset } from '../firewall/iptables/ast.js';
import { iptablesTool } from '../firewall/iptables/apply.js';
import { parse } from '../firewall/iptables/parse.js';
import { routesInUserRules } from '../firewall/ufw/route-entries.js';
import { userRulesPath } from '../firewall/ufw/routes-apply.js';
import { openNetlink } from '../netlink/client.js';
import { containerPaths } from '../runtime/paths.js';
import { routesOf, type RouteState } from '../engine/allow-routes.js';
import { netnsPath } from '../engine/container-net.js';
import { portAccessFrom, rulesetFacts } from '../engine/port-access.js';
import { routeState } from '../engine/ufw-routes.js';
import type { PortAccess } from '../firewall/ufw/status.js';
import type { Host } from './host.js';
import { monitorState, statusOf } from './read-containers.js';
import { healthStatusOf } from './health.js';
import { addressedContainers, containerKind } from './read-owners.js';
import { routeLines } from './read-routes.js';
import { ownedRules } from './read-rules.js';
import type { CniView, ContainerView, LiveSnapshot, PortView } from './read-types.js';
import { routedPolicy, ufwSummary } from './read-ufw.js';
import { mountLines } from './volume.js';
import { dnsSummary } from './dns.js';

export { watchLinks, type LinkWatch } from '../netlink/client.js';

const GONE = 'netns-gone';

/** What a live snapshot is made from; the same inputs make the same snapshot. */
export interface LiveInputs {
  /** `iptables-save -c` of each family, without its comment lines. */
  saves: [string, string];
  /** ufw's defaults file (its routed policy), '' when missing. */
  defaults: string;
  /** ufw's user rules files (v4, v6), undefined when missing. */
  userRules: [string | undefined, string | undefined];
  /** Per container: its state file, or for a CNI attachment whether its namespace is there. */
  states: string[];
  /** The database's data version: changes with every write. */
  dataVersion: number;
  /** The embedded DNS server's one-line summary (ops/dns.ts), '' when nothing needs it. */
  dns: string;
}

/** The kernel's links, as the TUI needs them; close when done. */
export interface LinkReader {
  listLinks(): Promise<{ name: string; up: boolean }[]>;
  close(): void;
}

/** Opens a netlink socket on the host's namespace. */
export function openLinks(): LinkReader {
  return openNetlink();
}

/** One family's ruleset text with counters; '' when it cannot be read. */
export async function saveText(host: Host, family: 4 | 6): Promise<string> {
  const r = await host.ufw.runner.run([iptablesTool(family, 'save'), '-c'], { timeoutMs: 10_000 });
  // The header and footer carry the time: without them an idle ruleset reads the same.
  return r.code === 0
    ? r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n')
    : '';
}

/** Reads everything but the rulesets, which the caller saves (and caches) itself. */
export async function liveInputs(host: Host, saves: Promise<[string, string]>): Promise<LiveInputs> {
  const s = host.store();
  const read = (path: string): Promise<string | undefined> => host.ufw.files.read(path).catch(() => undefined);
  const [texts, defaults, user4, user6, states] = await Promise.all([
    saves,
    read(host.ufw.defaults),
    // Docker's route rules: what netctl wrote for them is in ufw's files, Docker need not run.
    read(userRulesPath(host.ufw, 4)),
    read(userRulesPath(host.ufw, 6)),
    Promise.all(
      s.containers.list({ all: true }).map((c) =>
        isCniRecord(c)
          ? access(c.config.cni.netns).then(
              () => `${c.id} netns`,
              () => `${c.id} ${GONE}`,
            )
          : readFile(containerPaths(host.paths, c.id).state, 'utf8').catch(() => ''),
      ),
    ),
  ]);
  return {
    saves: texts,
    defaults: defaults ?? '',
    userRules: [user4, user6],
    states,
    dataVersion: s.dataVersion(),
    dns: dnsSummary(host),
  };
}

/** A key that changes whenever the inputs do. */
export function liveKey(i: LiveInputs): string {
  return [...i.saves, i.defaults, i.userRules[0], i.userRules[1], i.states.join('\n'), i.dataVersion, i.dns].join(
    '\u0000',
  );
}

function cniOf(c: Container): CniView | undefined {
  if (!isCniRecord(c)) return undefined;
  const { name, containerId, ifname, args } = c.config.cni;
  return {
    config: name,
    containerId,
    ifname,
    args: Object.entries(args)
      .filter(([k]) => k !== 'IgnoreUnknown')
      .map(([k, v]) => `${k}=${v}`),
  };
}

/** A container's published ports as ufw treats them. */
function portViews(access: readonly PortAccess[], name: string): PortView[] {
  return access
    .filter((p) => p.container === name)
    .map((p) => ({
      hostIp: p.hostIp,
      hostPort: p.hostPort,
      containerPort: p.containerPort,
      proto: p.proto,
      exposure: p.state,
      sources: p.sources,
      reason: p.reason,
    }));
}

function healthField(host: Host, c: Container, st: Awaited<ReturnType<typeof monitorState>>): { health?: string } {
  const h = healthStatusOf(host, c, st);
  return h ? { health: h } : {};
}

async function containerView(
  host: Host,
  c: Container,
  state: RouteState,
  ports: PortView[],
  netnsGone: boolean,
): Promise<ContainerView> {
  const st = await monitorState(host, c.id);
  const eps = state.endpoints.filter((e: Endpoint) => e.containerId === c.id);
  const nets = new Map(state.networks.map((n: Network) => [n.id, n.name]));
  const cni = cniOf(c);
  return {
    id: c.id,
    name: c.name,
    kind: containerKind(c),
    ...(cni ? { cni } : {}),
    // A CNI attachment whose namespace the runtime removed without DEL: stale until GC or DEL.
    state: netnsGone ? 'stale' : statusOf(c, st),
    ...healthField(host, c, st),
    address: eps[0]?.address ?? '',
    network:
      eps.map((e) => nets.get(e.networkId) ?? '?').join(',') || ((c.config as { network?: string }).network ?? ''),
    ports,
    veths: eps
      .filter((e) => e.hostIfname)
      .map((e) => ({
        host: e.hostIfname ?? '',
        peer: e.ifname,
        network: nets.get(e.networkId) ?? '?',
        address: e.address ?? '',
      })),
    netns: isCniRecord(c) ? c.config.cni.netns : netnsPath(host.paths.runRoot, c.id),
    links: host
      .store()
      .links.list()
      .filter((l) => l.containerId === c.id)
      .map((l) => `${l.target}:${l.alias}`),
    mounts: mountLines(c.config),
    ...imageLine(c),
  };
}

function imageLine(c: { image?: string; config: unknown }): { image?: string } {
  const id = (c.config as { imageId?: string }).imageId;
  if (!c.image && !id) return {};
  return { image: `${c.image || '-'}${id ? ` (sha256:${id.slice(0, 12)})` : ''}` };
}

/** The whole live view from `inputs` and the kernel's `links`. */
export async function liveSnapshot(
  host: Host,
  inputs: LiveInputs,
  links: readonly { name: string; up: boolean }[],
): Promise<LiveSnapshot> {
  const s = host.store();
  const rs: Record<4 | 6, Ruleset> = {
    4: parse(inputs.saves[0], { family: 4 }),
    6: parse(inputs.saves[1], { family: 6 }),
  };
  const policy = routedPolicy(inputs.defaults);
  const f4 = rulesetFacts(rs[4], 4, policy);
  const state = routeState(s);
  const access = portAccessFrom(state, { 4: f4, 6: rulesetFacts(rs[6], 6, policy) });
  const up = new Map(links.map((l) => [l.name, l.up]));
  // routeState's containers are whole records.
  const records = state.containers as Container[];
  const addressed = addressedContainers(records, state.endpoints);
  const gone = new Set(inputs.states.filter((x) => x.endsWith(` ${GONE}`)).map((x) => x.split(' ')[0]!));
  const containers: ContainerView[] = [];
  for (const c of records)
    containers.push(await containerView(host, c, state, portViews(access, c.name), gone.has(c.id)));
  return {
    at: new Date().toISOString(),
    ufw: ufwSummary(f4, policy),
    dns: inputs.dns,
    networks: state.networks.map((n) => ({
      name: n.name,
      bridge: n.bridge,
      subnet: [n.subnet, n.subnet6].filter(Boolean).join(' '),
      gateway: n.gateway,
      icc: n.icc,
      internal: n.internal,
      containers: new Set(state.endpoints.filter((e) => e.networkId === n.id).map((e) => e.containerId)).size,
      up: up.get(n.bridge) === true,
    })),
    containers,
    rules: [...ownedRules(rs[4], 4, addressed), ...ownedRules(rs[6], 6, addressed)],
    routes: routeLines({
      own: state.allows.map((rule) => ({ rule, routes: routesOf(state, rule) })),
      kinds: new Map(addressed.map((c) => [c.name, c.kind])),
      docker: s.dockerAllows.list(),
      files: [...routesInUserRules(inputs.userRules[0], 4), ...routesInUserRules(inputs.userRules[1], 6)],
      live: rs,
    }),
  };
}
