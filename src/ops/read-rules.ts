/**
 * The rules netctl owns, read from the live ruleset (`iptables-save -c`) with their packet
 * and byte counters, each with whose container it is about; and the ufw route rules netctl
 * wrote to ufw's user rules, each with its rule in ufw's live forward chain. One reading for
 * `netctl rules` and the TUI's Rules pane.
 */
import type { RecordKind } from '../model/cni-record.js';
import { SystemError } from '../errors.js';
import type { Rule, Ruleset } from '../firewall/iptables/ast.js';
import { iptablesTool } from '../firewall/iptables/apply.js';
import { parse } from '../firewall/iptables/parse.js';
import { isOwnedChain } from '../firewall/iptables/plan-names.js';
import { isOwnedRule } from '../firewall/iptables/plan-owned.js';
import { renderRule } from '../firewall/iptables/render.js';
import { liveRouteCounters, routesInUserRules } from '../firewall/ufw/route-entries.js';
import { type RouteRule, ufwCommand } from '../firewall/ufw/route-rules.js';
import { userRulesPath } from '../firewall/ufw/routes-apply.js';
import type { Family } from '../model/addr.js';
import type { Host } from './host.js';
import { type AddressedContainer, addressedContainers, type RuleOwner, routeOwner, ruleOwner } from './read-owners.js';
import type { OwnedRule } from './read-types.js';

/** One owned rule, its counters exact. */
export interface CountedRule {
  table: string;
  chain: string;
  /** The rule as iptables-save prints it, without counters. */
  text: string;
  packets: bigint;
  bytes: bigint;
  /** `cni` or `podman` when the rule names such an attachment's address. */
  owner: RecordKind;
  /** The containers whose addresses it names. */
  containers: string[];
}

/** One owned rule as `rules --json` prints it. */
export interface RuleView {
  table: string;
  chain: string;
  rule: string;
  packets: string;
  bytes: string;
  owner: RecordKind;
  containers: string[];
}

/** One of netctl's ufw route rules as `rules --json` prints it. */
export interface RouteView {
  owner: RuleOwner;
  container: string;
  rule: string;
  /** Loaded in ufw's live forward chain (counters are null when not). */
  live: boolean;
  packets: string | null;
  bytes: string | null;
}

/** What `netctl rules` shows of one family. */
export interface RulesView {
  family: Family;
  /** The program the ruleset was read with (`iptables-save`, `ip6tables-save`). */
  program: string;
  /** ufw's user rules file of the family, where the route rules are. */
  userRules: string;
  chains: { table: string; chain: string }[];
  rules: RuleView[];
  routes: RouteView[];
}

/** The rules netctl owns in `rs` (of one table when `only`), with their counters and owners. */
export function countedRules(rs: Ruleset, containers: readonly AddressedContainer[], only?: string): CountedRule[] {
  return rs.tables
    .filter((t) => !only || t.name === only)
    .flatMap((t) =>
      t.rules
        .filter((r) => isOwnedRule(t.name, r))
        .map((r) => {
          const { counters, ...rule } = r as Rule;
          const text = renderRule(rule);
          const packets = counters?.packets ?? 0n;
          const bytes = counters?.bytes ?? 0n;
          return { table: t.name, chain: r.chain, text, packets, bytes, ...ruleOwner(text, containers) };
        }),
    );
}

/** The same as the TUI lists them, tagged with their family. */
export function ownedRules(rs: Ruleset, family: Family, containers: readonly AddressedContainer[]): OwnedRule[] {
  return countedRules(rs, containers).map((r) => ({
    family,
    table: r.table,
    chain: r.chain,
    text: r.text,
    packets: Number(r.packets),
    bytes: Number(r.bytes),
    owner: r.owner,
    containers: r.containers,
  }));
}

function routeViews(rs: Ruleset, routes: readonly RouteRule[], containers: readonly AddressedContainer[]): RouteView[] {
  const kinds = new Map(containers.map((c) => [c.name, c.kind]));
  return routes.map((r) => {
    const who = routeOwner(r.comment, kinds)!;
    const c = liveRouteCounters(rs, r);
    return {
      owner: who.owner,
      container: who.container,
      rule: ufwCommand(r),
      live: c !== undefined,
      packets: c ? String(c.packets) : null,
      bytes: c ? String(c.bytes) : null,
    };
  });
}

function ownedChains(rs: Ruleset, only?: string): { table: string; chain: string }[] {
  return rs.tables
    .filter((t) => !only || t.name === only)
    .flatMap((t) => t.chains.filter((c) => isOwnedChain(c.name)).map((c) => ({ table: t.name, chain: c.name })));
}

/** The database's containers with their addresses. */
export function hostContainers(host: Host): AddressedContainer[] {
  const store = host.store();
  return addressedContainers(store.containers.list({ all: true }), store.endpoints.all());
}

/**
 * Reads the live ruleset of `family` (one table when `table`) with its counters.
 * @throws SystemError when iptables-save fails.
 */
export async function liveRuleset(host: Host, family: Family, table?: string): Promise<Ruleset> {
  const argv = [iptablesTool(family, 'save'), '-c', ...(table ? ['-t', table] : [])];
  const r = await host.ufw.runner.run(argv);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${r.code}`;
    throw new SystemError(`${argv[0]} failed: ${why}`);
  }
  return parse(r.stdout, { family });
}

/** The route rules netctl wrote to ufw's user rules file of `family` (none when it cannot be read). */
export async function userRoutes(host: Host, family: Family): Promise<RouteRule[]> {
  const text = await host.ufw.files.read(userRulesPath(host.ufw, family)).catch(() => undefined);
  return routesInUserRules(text, family);
}

/** `netctl rules`: the owned chains and rules of one family (one table when `table`), and the route rules. */
export async function readRules(host: Host, req: { family: Family; table?: string }): Promise<RulesView> {
  const { family, table } = req;
  const live = await liveRuleset(host, family, table);
  const containers = hostContainers(host);
  // The route rules live in ufw's forward chain, in the filter table.
  const routes = table === undefined || table === 'filter' ? await userRoutes(host, family) : [];
  return {
    family,
    program: iptablesTool(family, 'save'),
    userRules: userRulesPath(host.ufw, family),
    chains: ownedChains(live, table),
    rules: countedRules(live, containers, table).map((r) => ({
      table: r.table,
      chain: r.chain,
      rule: r.text,
      packets: String(r.packets),
      bytes: String(r.bytes),
      owner: r.owner,
      containers: r.containers,
    })),
    routes: routeViews(live, routes, containers),
  };
}
