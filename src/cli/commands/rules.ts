/**
 * `netctl rules [--table T] [-6] [--json]`: the rules netctl owns, parsed from the live
 * ruleset (`iptables-save -c`) with their packet and byte counters, each with whose
 * container it is about (netctl's own or a CNI attachment); then the ufw route rules netctl
 * wrote to ufw's user rules (its containers', CNI attachments', Docker's), each with its
 * rule in ufw's live forward chain.
 */
import { readFile } from 'node:fs/promises';
import type { CommandContext } from '../context.js';
import { parse } from '../../firewall/iptables/parse.js';
import { renderRule } from '../../firewall/iptables/render.js';
import { isOwnedRule } from '../../firewall/iptables/plan-owned.js';
import { isOwnedChain } from '../../firewall/iptables/plan-names.js';
import type { Rule, Ruleset } from '../../firewall/iptables/ast.js';
import { liveRouteCounters, routesInUserRules } from '../../firewall/ufw/route-entries.js';
import { ufwCommand, type RouteRule } from '../../firewall/ufw/route-rules.js';
import { userRulesPath } from '../../firewall/ufw/routes-apply.js';
import {
  addressedContainers,
  routeOwner,
  ruleOwner,
  type AddressedContainer,
  type RuleOwner,
} from '../../engine/rule-owners.js';
import { Store } from '../../store/index.js';
import { runChecked } from '../../sys/exec.js';
import { UsageError } from '../../errors.js';

const TABLES = ['filter', 'nat', 'raw', 'mangle', 'security'];

/** One owned rule as `rules --json` prints it. */
interface RuleView {
  table: string;
  chain: string;
  rule: string;
  packets: string;
  bytes: string;
  /** `cni` when the rule names a CNI attachment's address. */
  owner: 'netctl' | 'cni';
  /** The containers whose addresses it names. */
  containers: string[];
}

/** One of netctl's ufw route rules as `rules --json` prints it. */
interface RouteView {
  owner: RuleOwner;
  container: string;
  rule: string;
  /** Loaded in ufw's live forward chain (counters are null when not). */
  live: boolean;
  packets: string | null;
  bytes: string | null;
}

function ownedRules(rs: Ruleset, only: string | undefined, containers: readonly AddressedContainer[]): RuleView[] {
  const out: RuleView[] = [];
  for (const t of rs.tables) {
    if (only && t.name !== only) continue;
    for (const r of t.rules) {
      if (!isOwnedRule(t.name, r)) continue;
      const { counters, ...rule } = r as Rule;
      const text = renderRule(rule);
      out.push({
        table: t.name,
        chain: r.chain,
        rule: text,
        packets: String(counters?.packets ?? 0n),
        bytes: String(counters?.bytes ?? 0n),
        ...ruleOwner(text, containers),
      });
    }
  }
  return out;
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

function containersOf(root: string): AddressedContainer[] {
  const store = Store.open({ root });
  try {
    return addressedContainers(store.containers.list({ all: true }), store.endpoints.all());
  } finally {
    store.close();
  }
}

export default async function rules(ctx: CommandContext): Promise<void> {
  const table = ctx.opts.table as string | undefined;
  if (table !== undefined && !TABLES.includes(table))
    throw new UsageError(`invalid --table "${table}": expected one of ${TABLES.join(', ')}`);
  const family = ctx.opts.ipv6 ? 6 : 4;
  const argv = [family === 6 ? 'ip6tables-save' : 'iptables-save', '-c', ...(table ? ['-t', table] : [])];
  const live = parse((await runChecked(argv)).stdout, { family });
  const containers = containersOf(ctx.global.root);
  const views = ownedRules(live, table, containers);
  // The route rules live in ufw's forward chain, in the filter table.
  const userRules =
    table === undefined || table === 'filter'
      ? await readFile(userRulesPath(ctx.host.ufw, family), 'latin1').catch(() => undefined)
      : undefined;
  const routes = routeViews(live, routesInUserRules(userRules, family), containers);
  if (ctx.opts.json) {
    ctx.stdout.write(
      `${JSON.stringify({ family, chains: ownedChains(live, table), rules: views, routes }, null, 2)}\n`,
    );
    return;
  }
  if (views.length === 0 && routes.length === 0) {
    ctx.stdout.write(`no rules owned by netctl in ${argv[0]}${table ? ` -t ${table}` : ''}\n`);
    return;
  }
  const width = Math.max(...views.map((v) => v.packets.length), ...routes.map((r) => (r.packets ?? '').length), 7);
  const head = `  ${'packets'.padStart(width)}  ${'bytes'.padStart(10)}  ${'owner'.padEnd(6)}  rule\n`;
  let current = '';
  for (const v of views) {
    if (`${v.table}/${v.chain}` !== current) {
      current = `${v.table}/${v.chain}`;
      ctx.stdout.write(`\n${v.table} ${v.chain}\n${head}`);
    }
    ctx.stdout.write(`  ${v.packets.padStart(width)}  ${v.bytes.padStart(10)}  ${v.owner.padEnd(6)}  ${v.rule}\n`);
  }
  if (routes.length === 0) return;
  ctx.stdout.write(
    `\nufw route rules made by netctl (${userRulesPath(ctx.host.ufw, family)}; counters from ${family === 6 ? 'ufw6' : 'ufw'}-user-forward, - when not loaded)\n${head}`,
  );
  for (const r of routes)
    ctx.stdout.write(
      `  ${(r.packets ?? '-').padStart(width)}  ${(r.bytes ?? '-').padStart(10)}  ${r.owner.padEnd(6)}  ${r.rule}\n`,
    );
}
