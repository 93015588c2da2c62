/**
 * Whether two rules render to the same line, decided on the data where it can be: the
 * renderer is a function of exactly the fields compared here (chain, each match's module and
 * options, the target's kind, name and options; an option's name, dashes, negation and
 * values), so equal fields mean equal text without building it. Different fields may still
 * print alike (a value the renderer quotes or not), so only then are the texts compared.
 * Planning compares every desired rule with the live one at its place: rendering both was
 * most of the planning time that grew with the number of containers.
 */
import type { Match, Option, Rule, Target } from './ast.js';
import { bareRuleLine, knownLine } from './render.js';

/** The canonical text of a rule without its counters: what two rules are compared by. */
export function ruleKey(rule: Rule): string {
  return bareRuleLine(rule);
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameOptions(a: readonly Option[], b: readonly Option[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || !x.short !== !y.short || !x.negated !== !y.negated || !sameValues(x.values, y.values))
      return false;
  }
  return true;
}

function sameMatches(a: readonly Match[], b: readonly Match[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.module !== b[i]!.module || !sameOptions(a[i]!.options, b[i]!.options)) return false;
  return true;
}

function sameTarget(a: Target | undefined, b: Target | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && a.name === b.name && sameOptions(a.options, b.options);
}

/** True when the fields the renderer prints are equal (counters aside): the same line for sure. */
export function sameFields(a: Rule, b: Rule): boolean {
  return a === b || (a.chain === b.chain && sameMatches(a.matches, b.matches) && sameTarget(a.target, b.target));
}

/** True when the two rules render to the same `-A` line (counters aside). */
export function sameRule(a: Rule, b: Rule): boolean {
  if (a === b) return true;
  // A line known for either (a rule read back from the cache): compare lines, rendering the
  // other rule if need be, which costs less than parsing the known one for its fields.
  if (knownLine(a) !== undefined || knownLine(b) !== undefined) return ruleKey(a) === ruleKey(b);
  return sameFields(a, b) || ruleKey(a) === ruleKey(b);
}
