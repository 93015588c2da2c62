/**
 * What `up` and `down` do, as data: the project as the files want it against what netctl
 * has (found by the compose labels), to an ordered list of actions. `up` twice plans
 * nothing; after an edit only the services whose config hash changed are recreated, with
 * every service that depends on them (depends_on, links, network_mode service:) and every
 * service on a network whose config changed. Allow rules are brought in line in place. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import { sameAllow } from '../model/allow.js';

/** A service as the files want it. */
export interface DesiredService {
  service: string;
  container: string;
  hash: string;
  dependsOn: readonly string[];
  /** netctl network names. */
  networks: readonly string[];
  allow: readonly AllowRule[];
  /** Issue 25: the replica (`com.docker.compose.container-number`); absent: 1. */
  number?: number;
}

/** Which container of a service: `web#2`. */
const slot = (x: { service: string; number?: number }): string => `${x.service}#${x.number ?? 1}`;

/** A network as the files want it. */
export interface DesiredNetwork {
  name: string;
  hash: string;
  external: boolean;
}

/** The project as the files want it, services in dependency order. */
export interface Desired {
  services: readonly DesiredService[];
  networks: readonly DesiredNetwork[];
}

/** A container of the project that exists. */
export interface ExistingContainer {
  container: string;
  service: string;
  hash: string;
  running: boolean;
  networks: readonly string[];
  /** The replica; absent: 1. */
  number?: number;
}

/** What netctl has for the project, containers in creation order. */
export interface Existing {
  containers: readonly ExistingContainer[];
  networks: readonly { name: string; hash: string }[];
  allows: ReadonlyMap<string, readonly AllowRule[]>;
  /** The volumes netctl made for the project (its labels name it). */
  volumes?: readonly string[];
}

/** One step of a plan. */
export type Action =
  | { do: 'remove-container'; container: string; service: string; why: string; volumes?: boolean }
  | { do: 'remove-volume'; volume: string; why: string }
  | { do: 'remove-network'; network: string; why: string }
  | { do: 'create-network'; network: string; why: string }
  | { do: 'run'; container: string; service: string; why: string }
  | { do: 'start'; container: string; service: string }
  | { do: 'allow'; container: string; service: string; add: AllowRule[]; remove: AllowRule[] }
  | { do: 'keep'; container: string; service: string }
  | { do: 'orphan'; container: string; service: string };

/** Options of `up`. */
export interface UpOptions {
  /** Only these services (and what they depend on); empty: every service. */
  services?: readonly string[];
  removeOrphans?: boolean;
  /** `--force-recreate`: every chosen service's container is made anew. */
  forceRecreate?: boolean;
  /** `--no-deps`: the named services alone, not what they depend on. */
  noDeps?: boolean;
}

function selection(d: Desired, names: readonly string[], noDeps = false): Set<string> {
  const byName = new Map(d.services.map((s) => [s.service, s]));
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n)) return;
    out.add(n);
    if (!noDeps || names.length === 0) for (const dep of byName.get(n)?.dependsOn ?? []) add(dep);
  };
  for (const n of names.length > 0 ? names : d.services.map((s) => s.service)) add(n);
  return out;
}

function allowDiff(want: readonly AllowRule[], have: readonly AllowRule[]): { add: AllowRule[]; remove: AllowRule[] } {
  return {
    add: want.filter((w) => !have.some((h) => sameAllow(w, h))),
    remove: have.filter((h) => !want.some((w) => sameAllow(w, h))),
  };
}

/** Why a service's existing container must go, or null to keep it. */
function recreateReason(
  s: DesiredService,
  have: ExistingContainer | undefined,
  recreated: ReadonlySet<string>,
  netsChanged: ReadonlySet<string>,
): string | null {
  if (!have) return null;
  if (have.hash !== s.hash) return 'config changed';
  const net = s.networks.find((n) => netsChanged.has(n)) ?? have.networks.find((n) => netsChanged.has(n));
  if (net) return `network ${net} recreated`;
  const dep = s.dependsOn.find((x) => recreated.has(x));
  return dep ? `depends on recreated ${dep}` : null;
}

/** The plan of `up`. */
export function planUp(d: Desired, e: Existing, opts: UpOptions = {}): Action[] {
  const existingNets = new Map(e.networks.map((n) => [n.name, n.hash]));
  const changedNets = new Set(
    d.networks
      .filter((n) => !n.external && existingNets.has(n.name) && existingNets.get(n.name) !== n.hash)
      .map((n) => n.name),
  );
  const chosen = selection(d, opts.services ?? [], opts.noDeps);
  // A recreated network takes every service on it along.
  for (const s of d.services) if (s.networks.some((n) => changedNets.has(n))) chosen.add(s.service);
  const have = new Map(e.containers.map((c) => [slot(c), c]));
  const recreated = new Set<string>();
  const removals: Action[] = [];
  const starts: Action[] = [];
  for (const s of d.services) {
    if (!chosen.has(s.service)) continue;
    const h = have.get(slot(s));
    const why = h && opts.forceRecreate ? 'forced' : recreateReason(s, h, recreated, changedNets);
    if (h && why) {
      recreated.add(s.service);
      removals.unshift({ do: 'remove-container', container: h.container, service: s.service, why });
    }
    if (!h || why) starts.push({ do: 'run', container: s.container, service: s.service, why: why ?? 'missing' });
    else
      starts.push(
        h.running
          ? { do: 'keep', container: s.container, service: s.service }
          : { do: 'start', container: s.container, service: s.service },
      );
    const diff = allowDiff(s.allow, !h || why ? [] : (e.allows.get(s.container) ?? []));
    if (diff.add.length > 0 || diff.remove.length > 0)
      starts.push({ do: 'allow', container: s.container, service: s.service, ...diff });
  }
  const wanted = new Set(d.services.map(slot));
  const services = new Set(d.services.map((s) => s.service));
  const orphans: Action[] = [];
  for (const c of [...e.containers].reverse()) {
    if (wanted.has(slot(c))) continue;
    if (services.has(c.service)) {
      // A replica beyond the service's count: compose removes it.
      orphans.push({ do: 'remove-container', container: c.container, service: c.service, why: 'scaled down' });
      continue;
    }
    const onChanged = c.networks.some((n) => changedNets.has(n));
    if (opts.removeOrphans || onChanged)
      orphans.push({
        do: 'remove-container',
        container: c.container,
        service: c.service,
        why: onChanged ? 'orphan on a recreated network' : 'orphan',
      });
    else orphans.push({ do: 'orphan', container: c.container, service: c.service });
  }
  const nets: Action[] = [];
  for (const n of changedNets) nets.push({ do: 'remove-network', network: n, why: 'config changed' });
  for (const n of d.networks) {
    if (n.external) continue;
    if (!existingNets.has(n.name)) nets.push({ do: 'create-network', network: n.name, why: 'missing' });
    else if (changedNets.has(n.name)) nets.push({ do: 'create-network', network: n.name, why: 'config changed' });
  }
  return [...orphans, ...removals, ...nets, ...starts];
}

/**
 * The plan of `down`: every container (last made first), then every network of the
 * project; with `volumes` (`down -v`) the containers' anonymous volumes and the project's
 * named volumes too.
 */
export function planDown(e: Existing, opts: { volumes?: boolean } = {}): Action[] {
  const v = opts.volumes === true;
  return [
    ...[...e.containers].reverse().map(
      (c): Action => ({
        do: 'remove-container',
        container: c.container,
        service: c.service,
        why: 'down',
        ...(v ? { volumes: true } : {}),
      }),
    ),
    ...[...e.networks].reverse().map((n): Action => ({ do: 'remove-network', network: n.name, why: 'down' })),
    ...(v ? (e.volumes ?? []) : []).map((name): Action => ({ do: 'remove-volume', volume: name, why: 'down -v' })),
  ];
}

/** Whether a plan changes anything. */
export function changes(plan: readonly Action[]): boolean {
  return plan.some((a) => a.do !== 'keep' && a.do !== 'orphan');
}

/** One line per action, for `--dry-run` and what `up` prints. */
export function describeAction(a: Action): string {
  switch (a.do) {
    case 'remove-container':
      return `remove container ${a.container} (${a.why}${a.volumes ? ', with its anonymous volumes' : ''})`;
    case 'remove-network':
      return `remove network ${a.network} (${a.why})`;
    case 'remove-volume':
      return `remove volume ${a.volume} (${a.why})`;
    case 'create-network':
      return `create network ${a.network}${a.why === 'missing' ? '' : ` (${a.why})`}`;
    case 'run':
      return `${a.why === 'missing' ? 'create' : 'recreate'} container ${a.container}${a.why === 'missing' ? '' : ` (${a.why})`}`;
    case 'start':
      return `start container ${a.container}`;
    case 'allow':
      return [...a.add.map((r) => `allow ${describeRule(r)}`), ...a.remove.map((r) => `deny ${describeRule(r)}`)].join(
        '\n',
      );
    case 'keep':
      return `container ${a.container} is up to date`;
    case 'orphan':
      return `warning: container ${a.container} (service ${a.service}) is not in the files: remove it with up --remove-orphans or down`;
  }
}

function describeRule(r: AllowRule): string {
  return `${r.container} ${r.port ?? 'every port'}${r.proto ? `/${r.proto}` : ''}${r.from ? ` from ${r.from}` : ''}`;
}

/** What one finished action prints. */
export function doneLine(a: Action): string {
  switch (a.do) {
    case 'remove-container':
      return `container ${a.container} removed`;
    case 'remove-network':
      return `network ${a.network} removed`;
    case 'remove-volume':
      return `volume ${a.volume} removed`;
    case 'create-network':
      return `network ${a.network} created`;
    case 'run':
      return `container ${a.container} ${a.why === 'missing' ? 'started' : `recreated (${a.why})`}`;
    case 'start':
      return `container ${a.container} started`;
    case 'allow':
      return [
        ...a.add.map(
          (r) => `allowed ${r.container} ${r.port}${r.proto ? `/${r.proto}` : ''}${r.from ? ` from ${r.from}` : ''}`,
        ),
        ...a.remove.map(
          (r) => `denied ${r.container} ${r.port}${r.proto ? `/${r.proto}` : ''}${r.from ? ` from ${r.from}` : ''}`,
        ),
      ].join('\n');
    case 'keep':
      return `container ${a.container} running`;
    case 'orphan':
      return `warning: container ${a.container} (service ${a.service}) is not in the files: remove it with up --remove-orphans or down`;
  }
}
