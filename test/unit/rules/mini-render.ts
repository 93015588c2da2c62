/**
 * A stand-in rule renderer for the planner tests while src/firewall/iptables/render.ts is
 * being written; to be replaced by the real one.
 */
import type { Option, Rule, Ruleset } from '../../../src/firewall/iptables/ast.js';

function option(o: Option, comment: boolean): string {
  const name = `${o.short ? '-' : '--'}${o.name}`;
  const values = o.values.map((v) => (comment ? `"${v}"` : v));
  return [o.negated ? '!' : '', name, ...values].filter((x) => x !== '').join(' ');
}

/** `-A CHAIN ...` */
export function renderRule(r: Rule): string {
  const parts = [`-A ${r.chain}`];
  for (const m of r.matches) {
    if (m.module !== null) parts.push(`-m ${m.module}`);
    parts.push(...m.options.map((o) => option(o, m.module === 'comment')));
  }
  if (r.target) parts.push(`-${r.target.kind === 'jump' ? 'j' : 'g'} ${r.target.name}`, ...r.target.options.map((o) => option(o, false)));
  return parts.join(' ');
}

/** The whole ruleset in iptables-save form. */
export function render(rs: Ruleset): string {
  const out: string[] = [];
  for (const t of rs.tables) {
    out.push(`*${t.name}`, ...t.chains.map((c) => `:${c.name} ${c.policy ?? '-'} [0:0]`), ...t.rules.map(renderRule), 'COMMIT');
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
