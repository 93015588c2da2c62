/**
 * How allow, deny and `ufw list` print: one line per ufw route rule, saying what it opens
 * in ufw's own words, and a note when ufw will not act on it yet.
 */
import type { AllowResult } from '../../engine/allow.js';
import type { AllowRule } from '../../model/allow.js';
import { describeAllow } from '../../model/allow.js';
import { ufwCommand, type RouteRule } from '../../firewall/ufw/route-rules.js';
import { parseRouteComment } from '../../firewall/ufw/route-rules.js';

/** `IPv4 net=frontend: ufw route allow ...`. */
export function routeLine(r: RouteRule): string {
  const net = parseRouteComment(r.comment)?.network;
  return net === undefined
    ? `  IPv${r.family} Docker: ${ufwCommand(r)}`
    : `  IPv${r.family} network ${net}: ${ufwCommand(r)}`;
}

/** The result of allow or deny as text. */
export function formatAllow(verb: 'allowed' | 'denied', res: AllowResult, dryRun: boolean): string {
  const head = dryRun ? `would ${verb === 'allowed' ? 'allow' : 'deny'}` : verb;
  const lines = res.rules.map((r) => `${head} ${describeAllow(r)}`);
  lines.push(...res.routes.map(routeLine));
  if (!res.changed && !dryRun) lines.push('  (ufw already had these rules)');
  if (dryRun && res.diff) return `${lines.join('\n')}\n${res.diff}`;
  return `${lines.join('\n')}\n`;
}

/** One `ufw list` entry; `owner` says when the container is Docker's (a stored rule, or a label's). */
export interface ListEntry {
  rule: AllowRule;
  routes: RouteRule[];
  owner?: 'docker' | 'docker label';
}

/** `ufw list`: each allow rule and the route rules it stands for. */
export function formatList(entries: ListEntry[]): string {
  if (entries.length === 0) return 'no allow rules\n';
  return `${entries.map((e) => [`${describeAllow(e.rule)}${e.owner ? ` (${e.owner})` : ''}`, ...(e.routes.length ? e.routes.map(routeLine) : ['  (no published port matches now: nothing open)'])].join('\n')).join('\n')}\n`;
}
