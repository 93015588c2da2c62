/**
 * The TUI's live data: the database, the kernel's links (pushed by a netlink monitor
 * subscription), and the live ruleset with counters (one `iptables-save -c` per family per
 * refresh, also used to judge each published port against ufw's chains). The database is
 * read in process; nothing is spawned but the two saves.
 */
import { access, readFile } from 'node:fs/promises';
import type { GlobalOptions } from '../cli/context.js';
import { Store } from '../store/index.js';
import { openNetlink, watchLinks, type LinkWatch } from '../netlink/client.js';
import type { NetlinkClient } from '../netlink/types.js';
import { realRunner } from '../sys/exec.js';
import { iptablesTool } from '../firewall/iptables/apply.js';
import { parse } from '../firewall/iptables/parse.js';
import { isOwnedRule } from '../firewall/iptables/plan-owned.js';
import { renderRule } from '../firewall/iptables/render.js';
import type { Ruleset } from '../firewall/iptables/ast.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import { setting } from '../firewall/ufw/observe.js';
import { ufwFamily } from '../firewall/ufw/names.js';
import type { UfwFacts } from '../firewall/ufw/exposure.js';
import { portAccessFrom } from '../engine/port-access.js';
import { routeState } from '../engine/ufw-routes.js';
import { routesOf } from '../engine/allow-routes.js';
import { addressedContainers, containerKind, ruleOwner, type AddressedContainer } from '../engine/rule-owners.js';
import { isCniRecord } from '../model/cni-record.js';
import type { Container } from '../model/container.js';
import { routesInUserRules } from '../firewall/ufw/route-entries.js';
import { defaultUfwDeps } from '../firewall/ufw/ufw-deps.js';
import { userRulesPath } from '../firewall/ufw/routes-apply.js';
import { tuiRoutes } from './routes.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { netnsPath } from '../engine/container-net.js';
import type { TuiCni, TuiContainer, TuiRule, TuiSnapshot } from './snapshot.js';

const POLICY: Record<string, string> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };
const GONE = 'netns-gone';

async function saveText(family: 4 | 6): Promise<string> {
  const r = await realRunner.run([iptablesTool(family, 'save'), '-c'], { timeoutMs: 10_000 });
  // The header and footer carry the time: without them an idle ruleset reads the same.
  return r.code === 0
    ? r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n')
    : '';
}

function facts(rs: Ruleset, family: 4 | 6, policy: string | null): UfwFacts {
  const filter = rs.tables.find((t) => t.name === 'filter');
  const prefix = ufwFamily(family).prefix;
  return {
    family,
    running: filter?.chains.some((c) => c.name === `${prefix}-user-input`) ?? false,
    blockLoaded:
      filter?.rules.some((r) => r.target?.name === `${prefix}-netctl-forward` && !r.chain.startsWith(prefix)) ?? false,
    routedPolicy: policy,
    live: filter ? { family, tables: [filter] } : undefined,
  };
}

function ownedRules(rs: Ruleset, family: 4 | 6, containers: readonly AddressedContainer[]): TuiRule[] {
  // Not ownedPart: it drops the counters, which are the point here.
  return rs.tables.flatMap((t) =>
    t.rules
      .filter((r) => isOwnedRule(t.name, r))
      .map((r) => {
        const text = renderRule({ ...r, counters: undefined });
        return {
          family,
          table: t.name,
          chain: r.chain,
          text,
          packets: Number(r.counters?.packets ?? 0n),
          bytes: Number(r.counters?.bytes ?? 0n),
          ...ruleOwner(text, containers),
        };
      }),
  );
}

function cniOf(c: Container): TuiCni | undefined {
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

function ufwSummary(f4: UfwFacts, policy: string | null): string {
  if (!f4.running) return 'ufw: not running (published ports are open to everyone)';
  return `ufw: active, routed policy ${policy ?? '?'}, ${f4.blockLoaded ? 'netctl block loaded' : 'netctl block not loaded (netctl ufw install)'}`;
}

/** Builds snapshots and tells when a new one is worth taking. */
export class LiveSource {
  private readonly store: Store;
  private readonly netlink: NetlinkClient;
  private watch?: LinkWatch;
  private timer?: NodeJS.Timeout;
  private linkEpoch = 0;
  private saves?: { at: number; texts: Promise<[string, string]> };
  private last?: { key: string; snap: TuiSnapshot };

  private readonly ufw = defaultUfwDeps();

  constructor(private readonly global: GlobalOptions) {
    this.store = Store.open({ root: global.root });
    this.netlink = openNetlink();
  }

  /** The two rulesets' text, saved again only when the last save is older than `maxAgeMs`. */
  private ruleset(maxAgeMs: number): Promise<[string, string]> {
    const now = Date.now();
    if (!this.saves || now - this.saves.at >= maxAgeMs)
      this.saves = { at: now, texts: Promise.all([saveText(4), saveText(6)]) };
    return this.saves.texts;
  }

  /**
   * One snapshot of everything; the same object as last time when nothing it is made of
   * changed (an idle screen then renders nothing and parses nothing). The ruleset is saved
   * again only when the last save is older than `rulesMaxAgeMs`: a burst of link events
   * costs no process.
   */
  async snapshot(rulesMaxAgeMs = 0): Promise<TuiSnapshot> {
    const s = this.store;
    const [[save4, save6], defaults, user4, user6, states] = (await Promise.all([
      this.ruleset(rulesMaxAgeMs),
      readFile('/etc/default/ufw', 'utf8').catch(() => ''),
      // Docker's route rules: what netctl wrote for them is in ufw's files, Docker need not run.
      ...([4, 6] as const).map((f) => readFile(userRulesPath(this.ufw, f), 'latin1').catch(() => undefined)),
      // A container's state file; for a CNI attachment, whether the runtime's namespace is still there.
      Promise.all(
        s.containers.list({ all: true }).map((c) =>
          isCniRecord(c)
            ? access(c.config.cni.netns).then(
                () => `${c.id} netns`,
                () => `${c.id} ${GONE}`,
              )
            : readFile(containerPaths(this.global, c.id).state, 'utf8').catch(() => ''),
        ),
      ),
    ])) as [[string, string], string, string | undefined, string | undefined, string[]];
    const key = [save4, save6, defaults, user4, user6, states.join('\n'), s.dataVersion(), this.linkEpoch].join(
      '\u0000',
    );
    if (this.last?.key === key) return this.last.snap;
    const files = [...routesInUserRules(user4, 4), ...routesInUserRules(user6, 6)];
    const gone = new Set(states.filter((x) => x.endsWith(` ${GONE}`)).map((x) => x.split(' ')[0]!));
    const snap = await this.build(parse(save4, { family: 4 }), parse(save6, { family: 6 }), defaults, files, gone);
    this.last = { key, snap };
    return snap;
  }

  private async build(
    rs4: Ruleset,
    rs6: Ruleset,
    defaults: string,
    files: RouteRule[],
    netnsGone: ReadonlySet<string>,
  ): Promise<TuiSnapshot> {
    const s = this.store;
    const links = await this.netlink.listLinks();
    const raw = setting(defaults, 'DEFAULT_FORWARD_POLICY');
    const policy = raw === null ? null : (POLICY[raw] ?? raw.toLowerCase());
    const f4 = facts(rs4, 4, policy);
    const state = routeState(s);
    const access = portAccessFrom(state, { 4: f4, 6: facts(rs6, 6, policy) });
    const up = new Map(links.map((l) => [l.name, l.up]));
    // routeState's containers are whole records.
    const records = state.containers as Container[];
    const addressed = addressedContainers(records, state.endpoints);
    const nets = new Map(state.networks.map((n) => [n.id, n]));
    const containers: TuiContainer[] = [];
    for (const c of records) {
      const st = await readState(containerPaths(this.global, c.id).state);
      const eps = state.endpoints.filter((e) => e.containerId === c.id);
      const cni = cniOf(c);
      containers.push({
        id: c.id,
        name: c.name,
        kind: containerKind(c),
        ...(cni ? { cni } : {}),
        // A CNI attachment whose namespace the runtime removed without DEL: stale until GC or DEL.
        state: netnsGone.has(c.id) ? 'stale' : st ? liveStatus(st) : (s.containers.get(c.id)?.state ?? 'created'),
        address: eps[0]?.address ?? '',
        network:
          eps.map((e) => nets.get(e.networkId)?.name ?? '?').join(',') ||
          ((s.containers.get(c.id)?.config as { network?: string } | undefined)?.network ?? ''),
        ports: access
          .filter((p) => p.container === c.name)
          .map((p) => ({
            hostIp: p.hostIp,
            hostPort: p.hostPort,
            containerPort: p.containerPort,
            proto: p.proto,
            exposure: p.state,
            sources: p.sources,
            reason: p.reason,
          })),
        veths: eps
          .filter((e) => e.hostIfname)
          .map((e) => ({
            host: e.hostIfname ?? '',
            peer: e.ifname,
            network: nets.get(e.networkId)?.name ?? '?',
            address: e.address ?? '',
          })),
        netns: isCniRecord(c) ? c.config.cni.netns : netnsPath(this.global.runRoot, c.id),
        links: s.links
          .list()
          .filter((l) => l.containerId === c.id)
          .map((l) => `${l.target}:${l.alias}`),
      });
    }
    return {
      at: new Date().toISOString(),
      ufw: ufwSummary(f4, policy),
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
      rules: [...ownedRules(rs4, 4, addressed), ...ownedRules(rs6, 6, addressed)],
      routes: tuiRoutes({
        own: state.allows.map((rule) => ({ rule, routes: routesOf(state, rule) })),
        kinds: new Map(addressed.map((c) => [c.name, c.kind])),
        docker: s.dockerAllows.list(),
        files,
        live: { 4: rs4, 6: rs6 },
      }),
    };
  }

  /**
   * Calls `onChange('link')` at once when a link or address changes (netlink push), and
   * `onChange('tick')` every `intervalMs` for the counters (which also picks up database
   * changes).
   */
  start(onChange: (why: 'link' | 'tick') => void, intervalMs = 1000): void {
    this.watch = watchLinks(() => {
      this.linkEpoch++;
      onChange('link');
    });
    this.timer = setInterval(() => onChange('tick'), intervalMs);
  }

  /** Stops the timers and closes the sockets and the database. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.watch?.close();
    this.netlink.close();
    this.store.close();
  }
}
