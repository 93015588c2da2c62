/**
 * How allow, deny and `ufw list` print: one line per ufw route rule, saying what it opens
 * in ufw's own words, and a note when ufw will not act on it yet.
 */
import type { AllowRule } from '../../model/allow.js';
import { describeAllow } from '../../model/allow.js';
import { type AllowResult, parseRouteComment, type RouteRule, ufwCommand } from '../../ops/allow.js';
import type { ChangePlan } from '../../ops/tx.js';
import { formatPlan } from './plan.js';

/** `IPv4 net=frontend: ufw route allow ...`. */
export function routeLine(r: RouteRule): string {
  const net = parseRouteComment(r.comment)?.network;
  return net === undefined
    ? `  IPv${r.family} Docker: ${ufwCommand(r)}`
    : `  IPv${r.family} network ${net}: ${ufwCommand(r)}`;
}

/**
 * The result of allow or deny as text; `plan` (a dry run's) follows the rules and routes as
 * `formatPlan` prints every verb's plan: the user rules diffs under `files:`, the forward
 * chain it would load under the rules.
 */
export function formatAllow(verb: 'allowed' | 'denied', res: AllowResult, plan?: ChangePlan): string {
  const head = plan ? `would ${verb === 'allowed' ? 'allow' : 'deny'}` : verb;
  const lines = (res.matched ?? []).map((m) => `${m}:`);
  lines.push(...res.rules.map((r) => `${head} ${describeAllow(r)}`));
  lines.push(...res.routes.map(routeLine));
  if (!res.changed && !plan) lines.push('  (ufw already had these rules)');
  if (plan) return `${lines.join('\n')}\n${formatPlan(plan)}`;
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
