/**
 * A small builder for rules in the canonical form `iptables-save` prints: basic criteria
 * in the order -s -d -i -o -p, then the matches in the order given (the protocol's own
 * match, `-m tcp`, written out), the comment last, then the target.
 */
import type { Match, Option, Rule, Target } from './ast.js';

/** A negated criterion: `! -o br0`. */
export interface Not {
  not: string;
}

/** A basic criterion's value, plain or negated. */
export type Criterion = string | Not;

/** The basic criteria iptables prints before any `-m`. */
export interface Basic {
  s?: Criterion;
  d?: Criterion;
  i?: Criterion;
  o?: Criterion;
  p?: string;
}

/** Marks a criterion as negated. */
export function not(value: string): Not {
  return { not: value };
}

const BASIC_ORDER = ['s', 'd', 'i', 'o', 'p'] as const;

function option(name: string, value: Criterion, short: boolean): Option {
  if (typeof value === 'string') return { name, short, values: [value] };
  return { name, short, negated: true, values: [value.not] };
}

/** A long option of a match or target: `--dport 80`. */
export function opt(name: string, ...values: string[]): Option {
  return { name, values };
}

/** `-m module --opt value ...`. */
export function match(module: string, ...options: Option[]): Match {
  return { module, options };
}

/** The protocol's own match for a destination port: `-m tcp --dport 80`. */
export function dport(proto: string, port: number): Match {
  return match(proto, opt('dport', String(port)));
}

/** `-j TARGET --opt value ...`. */
export function jump(name: string, ...options: Option[]): Target {
  return { kind: 'jump', name, options };
}

/** A rule in `chain`: basic criteria, extra matches, a `netctl:` comment, a target. */
export function rule(chain: string, basic: Basic, matches: Match[], comment: string, target: Target): Rule {
  const all: Match[] = [];
  const opts: Option[] = [];
  for (const key of BASIC_ORDER) {
    const value = basic[key];
    if (value !== undefined) opts.push(option(key, value, true));
  }
  if (opts.length > 0) all.push({ module: null, options: opts });
  all.push(...matches, match('comment', opt('comment', comment)));
  return { chain, matches: all, target };
}
