/**
 * Rules read back from text netctl rendered itself (the rules cache): each one keeps its line
 * as its canonical text and parses its matches and target only when something asks for them.
 * Planning a one-container change compares rules by object or by line and never needs the
 * fields of the thousands of rules it leaves alone, so reading them back costs a split per
 * line instead of a parse that grew with every container on the host.
 */
import type { Rule } from './ast.js';
import { type Intern, parseRule } from './parse-rule.js';
import { primeLine } from './render.js';
import { tokenize } from './tokenize.js';

/** A quoted stretch as iptables-save writes it, backslash escapes inside. */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/**
 * A rule for `line` (a bare `-A CHAIN ...` line as render() prints it) whose matches and
 * target are parsed on first use, or undefined when the line is not one whose chain can be
 * read without the tokenizer (a quoted chain, tabs, counters): the caller parses it at once.
 */
export function lazyRule(line: string, intern: Intern): Rule | undefined {
  if (!line.startsWith('-A ') || line.includes('\t')) return undefined;
  const end = line.indexOf(' ', 3);
  const chain = line.slice(3, end < 0 ? undefined : end);
  if (chain === '' || chain[0] === '-' || chain[0] === '!' || chain.includes('"')) return undefined;
  let full: Rule | undefined;
  const parsed = (): Rule => {
    full ??= parseRule(tokenize(line), intern);
    return full;
  };
  const rule = { chain: intern(chain) } as Rule;
  Object.defineProperty(rule, 'matches', { get: () => parsed().matches, enumerable: true });
  // Outside quotes, a target is a bare -j or -g word: a value spelled so would have been quoted.
  const bare = line.includes('"') ? line.replace(QUOTED, '""') : line;
  if (bare.includes(' -j ') || bare.includes(' -g '))
    Object.defineProperty(rule, 'target', { get: () => parsed().target, enumerable: true });
  primeLine(rule, line);
  return rule;
}

const COMMENT = / -m comment --comment ("[^"\\]*"|[^ "\\]+)(?= |$)/;

/**
 * The comment of a rule from its rendered line, as commentOf reads it from the fields:
 * undefined for a line without a comment match, null when the line is not plain enough to
 * tell without parsing (several comment matches, a negation, escapes).
 */
export function lineComment(line: string): string | undefined | null {
  const first = line.indexOf(' -m comment ');
  if (first < 0) return undefined;
  if (line.indexOf(' -m comment ', first + 1) >= 0) return null;
  const m = COMMENT.exec(line);
  if (!m || m.index !== first) return null;
  const v = m[1]!;
  return v.startsWith('"') ? v.slice(1, -1) : v;
}
