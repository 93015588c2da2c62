/**
 * A container's /etc/hosts, /etc/resolv.conf and /etc/hostname, written when it starts and
 * bind-mounted in. Nothing here reads other containers' records but the ones it links to:
 * starting a container costs the same on a network of 1 or 1000 (names on user-defined
 * networks are answered by the embedded DNS server, not by rewriting every peer's hosts
 * file). The only files rewritten later are the container's own (network connect and
 * disconnect) and, as Docker does for legacy links, the hosts files of the containers that
 * link to one that starts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Store } from '../store/index.js';
import type { Container } from '../model/container.js';
import type { Step } from '../model/steps.js';
import { type DnsSettings, planResolv, type ResolvMode, type ResolvPlan, RESOLVED_STUB } from '../model/resolv.js';
import { readEtcResolv, readHostHosts, readHostResolv, resolvPaths } from '../sys/host-resolv.js';
import type { LaunchSpec } from '../runtime/launcher-config.js';
import { containerPaths } from '../runtime/paths.js';
import { hostsText } from './hosts.js';
import type { NetView } from './links.js';
import type { JoinedNetns } from './run-network.js';
import { rewriteInPlace } from './container-steps.js';

/** The default network: no embedded DNS server there, as in Docker. */
const DEFAULT_NETWORK = 'bridge';

/** Where a warning (Docker's fallback resolvers in use) goes. */
export type Warn = (line: string) => void;

/** Only the records container `c`'s files are made from: itself, its links and their targets. */
export function ownView(s: Store, c: Container): NetView {
  const links = s.links.list(c.id);
  const targets = links.map((l) => s.containers.get(l.target)).filter((x): x is Container => x?.name !== undefined);
  const containers = [c, ...targets.filter((t) => t.id !== c.id)];
  return {
    containers,
    networks: s.networks.list(),
    endpoints: containers.flatMap((x) => s.endpoints.forContainer(x.id)),
    links,
    ports: [],
  };
}

/** The container's `--dns` settings; a record from before they were kept gives its file's servers. */
export function dnsSettingsOf(c: Container, oldFile = ''): DnsSettings {
  const dns = c.config.dns as DnsSettings | undefined;
  if (dns) return dns;
  const servers = oldFile
    .split('\n')
    .filter((l) => l.startsWith('nameserver '))
    .map((l) => l.slice(11).trim())
    .filter((n) => n !== RESOLVED_STUB);
  return servers.length > 0 ? { servers } : {};
}

/** How the container's resolv.conf is made: the host's file, without or with the embedded server. */
function resolvMode(s: Store, c: Container): { mode: ResolvMode; ipv6: boolean } {
  if (c.config.network === 'host') return { mode: 'host', ipv6: true };
  const eps = s.endpoints.forContainer(c.id);
  const nets = new Map(s.networks.list().map((n) => [n.id, n]));
  const user = eps.some((e) => nets.get(e.networkId)?.name !== DEFAULT_NETWORK);
  return { mode: user ? 'internal' : 'legacy', ipv6: eps.some((e) => Boolean(e.address6)) };
}

/** Plans container `c`'s resolv.conf from the host's files as they are now. */
export async function planContainerResolv(s: Store, c: Container, oldFile = ''): Promise<ResolvPlan> {
  const { mode, ipv6 } = resolvMode(s, c);
  const paths = resolvPaths();
  const host = mode === 'host' ? await readEtcResolv(paths) : await readHostResolv(paths);
  return planResolv(host, mode, dnsSettingsOf(c, oldFile), ipv6);
}

/**
 * The container's hosts file: with `--network host` the host's own (and `--add-host`), as
 * in Docker; otherwise its own entries and links (hosts.ts).
 */
async function hostsFor(s: Store, c: Container): Promise<string> {
  if (c.config.network !== 'host') return hostsText(ownView(s, c), c);
  const extra = Array.isArray(c.config.extraHosts) ? (c.config.extraHosts as string[]) : [];
  const own = await readHostHosts(resolvPaths());
  return [own && !own.endsWith('\n') ? `${own}\n` : own, ...extra.map((l) => `${l}\n`)].join('');
}

/** Keeps the embedded server's upstreams for `c` in its record (the DNS server reads them there). */
function recordUpstreams(s: Store, c: Container, plan: ResolvPlan): void {
  const before = JSON.stringify(c.config.dnsUpstreams ?? []);
  if (before === JSON.stringify(plan.upstreams)) return;
  const { dnsUpstreams: _, ...rest } = s.containers.require(c.id).config;
  s.containers.update(c.id, { config: plan.upstreams.length > 0 ? { ...rest, dnsUpstreams: plan.upstreams } : rest });
}

/**
 * Writes container `c`'s hosts, resolv.conf and hostname files; returns their bind mounts.
 * A container in another's namespace (`join`) shares that one's hosts and resolv.conf, as
 * in Docker. `oldResolv`: the file a record from before `config.dns` was kept had.
 */
export async function writeEtcFiles(
  engine: Engine,
  c: Container,
  join: JoinedNetns | null,
  o: { warn?: Warn; oldResolv?: string } = {},
): Promise<LaunchSpec['binds']> {
  const s = engine.store;
  const p = containerPaths(engine.roots, c.id);
  await mkdir(p.runDir, { recursive: true, mode: 0o700 });
  const launch = c.config.launch as { hostname?: string } | undefined;
  await writeFile(p.hostname, `${launch?.hostname ?? c.name}\n`);
  if (!join) {
    await writeFile(p.hosts, await hostsFor(s, c));
    const plan = await planContainerResolv(s, c, o.oldResolv);
    if (plan.warning) o.warn?.(plan.warning);
    await writeFile(p.resolv, plan.text);
    recordUpstreams(s, c, plan);
  }
  return [
    { source: join?.hosts ?? p.hosts, target: '/etc/hosts', readOnly: false },
    { source: join?.resolv ?? p.resolv, target: '/etc/resolv.conf', readOnly: false },
    { source: p.hostname, target: '/etc/hostname', readOnly: false },
  ];
}

/** Rewrites files in place (bind mounts keep the inode), remembering what was there for undo. */
function rewriteStep(describe: string, files: () => Promise<[string, string][]>): Step {
  const old: [string, string][] = [];
  return {
    describe,
    apply: async () => {
      for (const [path, text] of await files()) {
        const before = await rewriteInPlace(path, text);
        if (before !== null) old.push([path, before]);
      }
    },
    undo: async () => {
      for (const [path, text] of old.reverse()) await rewriteInPlace(path, text);
    },
  };
}

/**
 * After a network connect or disconnect: the container's own hosts file (its addresses)
 * and resolv.conf (the embedded server once it is on a user-defined network), as Docker
 * rebuilds them. A container sharing another's namespace has none of its own.
 */
export function ownEtcStep(engine: Engine, containerId: string): Step {
  return rewriteStep("rewrite the container's /etc/hosts and /etc/resolv.conf", async () => {
    const s = engine.store;
    const c = s.containers.require(containerId);
    if (String(c.config.network ?? '').startsWith('container:')) return [];
    const p = containerPaths(engine.roots, c.id);
    const plan = await planContainerResolv(s, c);
    recordUpstreams(s, c, plan);
    return [
      [p.hosts, hostsText(ownView(s, c), c)],
      [p.resolv, plan.text],
    ];
  });
}

/**
 * When container `name` starts (or comes back with a new address): the hosts files of the
 * containers whose legacy links point at it, as Docker updates a link's parents. Costs the
 * number of links to it, not the size of the network.
 */
export function linkParentsStep(engine: Engine, name: string): Step {
  return rewriteStep('rewrite /etc/hosts of the containers linking to it', async () => {
    const s = engine.store;
    const parents = new Set(
      s.links
        .list()
        .filter((l) => l.target === name)
        .map((l) => l.containerId),
    );
    return [...parents].flatMap((id): [string, string][] => {
      const c = s.containers.get(id);
      return c ? [[containerPaths(engine.roots, c.id).hosts, hostsText(ownView(s, c), c)]] : [];
    });
  });
}
