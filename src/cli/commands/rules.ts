/**
 * `netctl rules [--table T] [-6] [--json]`: the rules netctl owns, parsed from the live
 * ruleset (`iptables-save -c`) with their packet and byte counters, each with whose
 * container it is about (netctl's own or a CNI attachment); then the ufw route rules netctl
 * wrote to ufw's user rules (its containers', CNI attachments', Docker's), each with its
 * rule in ufw's live forward chain. The reading is ops/read-rules.ts'.
 */
import type { CommandContext } from '../context.js';
import { readRules } from '../../ops/read.js';
import { UsageError } from '../../errors.js';

const TABLES = ['filter', 'nat', 'raw', 'mangle', 'security'];

export default async function rules(ctx: CommandContext): Promise<void> {
  const table = ctx.opts.table as string | undefined;
  if (table !== undefined && !TABLES.includes(table))
    throw new UsageError(`invalid --table "${table}": expected one of ${TABLES.join(', ')}`);
  const family = ctx.opts.ipv6 ? 6 : 4;
  const { program, userRules, chains, rules: views, routes } = await readRules(ctx.host, { family, table });
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify({ family, chains, rules: views, routes }, null, 2)}\n`);
    return;
  }
  if (views.length === 0 && routes.length === 0) {
    ctx.stdout.write(`no rules owned by netctl in ${program}${table ? ` -t ${table}` : ''}\n`);
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
  const chain = family === 6 ? 'ufw6' : 'ufw';
  ctx.stdout.write(
    `\nufw route rules made by netctl (${userRules}; counters from ${chain}-user-forward, - when not loaded)\n${head}`,
  );
  for (const r of routes)
    ctx.stdout.write(
      `  ${(r.packets ?? '-').padStart(width)}  ${(r.bytes ?? '-').padStart(10)}  ${r.owner.padEnd(6)}  ${r.rule}\n`,
    );
}
