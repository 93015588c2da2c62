/**
 * `netctl rules [--table T] [-6] [--json]`: the rules netctl owns, parsed from the live
 * ruleset (`iptables-save -c`) with their packet and byte counters.
 */
import type { CommandContext } from '../context.js';
import { parse } from '../../firewall/iptables/parse.js';
import { renderRule } from '../../firewall/iptables/render.js';
import { isOwnedRule } from '../../firewall/iptables/plan-owned.js';
import { isOwnedChain } from '../../firewall/iptables/plan-names.js';
import type { Rule, Ruleset } from '../../firewall/iptables/ast.js';
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
}

function ownedRules(rs: Ruleset, only?: string): RuleView[] {
  const out: RuleView[] = [];
  for (const t of rs.tables) {
    if (only && t.name !== only) continue;
    for (const r of t.rules) {
      if (!isOwnedRule(t.name, r)) continue;
      const { counters, ...rule } = r as Rule;
      out.push({ table: t.name, chain: r.chain, rule: renderRule(rule), packets: String(counters?.packets ?? 0n), bytes: String(counters?.bytes ?? 0n) });
    }
  }
  return out;
}

function ownedChains(rs: Ruleset, only?: string): { table: string; chain: string }[] {
  return rs.tables
    .filter((t) => !only || t.name === only)
    .flatMap((t) => t.chains.filter((c) => isOwnedChain(c.name)).map((c) => ({ table: t.name, chain: c.name })));
}

export default async function rules(ctx: CommandContext): Promise<void> {
  const table = ctx.opts.table as string | undefined;
  if (table !== undefined && !TABLES.includes(table)) throw new UsageError(`invalid --table "${table}": expected one of ${TABLES.join(', ')}`);
  const family = ctx.opts.ipv6 ? 6 : 4;
  const argv = [family === 6 ? 'ip6tables-save' : 'iptables-save', '-c', ...(table ? ['-t', table] : [])];
  const live = parse((await runChecked(argv)).stdout, { family });
  const views = ownedRules(live, table);
  if (ctx.opts.json) {
    ctx.stdout.write(JSON.stringify({ family, chains: ownedChains(live, table), rules: views }, null, 2) + '\n');
    return;
  }
  if (views.length === 0) {
    ctx.stdout.write(`no rules owned by netctl in ${argv[0]}${table ? ` -t ${table}` : ''}\n`);
    return;
  }
  const width = Math.max(...views.map((v) => v.packets.length), 7);
  let current = '';
  for (const v of views) {
    if (`${v.table}/${v.chain}` !== current) {
      current = `${v.table}/${v.chain}`;
      ctx.stdout.write(`\n${v.table} ${v.chain}\n  ${'packets'.padStart(width)}  ${'bytes'.padStart(10)}  rule\n`);
    }
    ctx.stdout.write(`  ${v.packets.padStart(width)}  ${v.bytes.padStart(10)}  ${v.rule}\n`);
  }
}
