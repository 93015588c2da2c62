/**
 * Pure planning for `netctl ufw install|uninstall|check`: the new text of each rules file,
 * the document that validates a file the way ufw loads it, and how the block's chain in the
 * running firewall compares with the template.
 */
import type { Ruleset } from '../iptables/ast.js';
import { parse } from '../iptables/parse.js';
import { renderRule } from '../iptables/render.js';
import { insertBlock, removeBlock, unifiedDiff, NETCTL_MARKERS, type Markers } from './block.js';
import { ufwFamily, ufwForwardChain, ufwRunningChain } from './names.js';
import type { Family } from '../../model/addr.js';

/** One rules file: what it holds now and what netctl would make of it. */
export interface FilePlan {
  family: Family;
  path: string;
  old: string;
  new: string;
  /** `diff -u` of the change; empty when nothing changes. */
  diff: string;
}

/** True when applying the plan would write the file. */
export function fileChanges(p: FilePlan): boolean {
  return p.old !== p.new;
}

/** The plan putting the current block (`template`) into a file. */
export function planInsert(
  family: Family,
  path: string,
  text: string,
  template: string,
  markers: Markers = NETCTL_MARKERS,
): FilePlan {
  const next = insertBlock(text, template, path, markers);
  return { family, path, old: text, new: next, diff: unifiedDiff(text, next, path) };
}

/** The plan taking the block out of a file. */
export function planRemove(family: Family, path: string, text: string, markers: Markers = NETCTL_MARKERS): FilePlan {
  const next = removeBlock(text, path, markers);
  return { family, path, old: text, new: next, diff: unifiedDiff(text, next, path) };
}

const PRIMARY = ['input', 'output', 'forward'].flatMap((dir) =>
  ['before-logging', 'before', 'after', 'after-logging', 'reject', 'track'].map((stage) => `${stage}-${dir}`),
);
const SECONDARY = [
  'logging-deny',
  'logging-allow',
  'skip-to-policy-input',
  'skip-to-policy-output',
  'skip-to-policy-forward',
];

/**
 * The chains ufw-init creates before it loads before.rules and after.rules (see ufw_start in
 * /lib/ufw/ufw-init-functions); the user chains come only after after.rules.
 */
export function ufwSkeleton(family: Family): string {
  const p = ufwFamily(family).prefix;
  const chains = [...PRIMARY, ...SECONDARY].map((c) => `:${p}-${c} - [0:0]\n`);
  return `*filter\n${chains.join('')}COMMIT\n`;
}

/** A named piece of a validation document, with the line it starts on (1-based). */
export interface DocPart {
  name: string;
  firstLine: number;
  lines: number;
}

/** Text for `iptables-restore -n`, made of parts loaded one after the other, as ufw does. */
export interface ValidationDoc {
  text: string;
  parts: DocPart[];
}

/** Joins parts into one document; each part ends with a line break. */
export function validationDoc(parts: { name: string; text: string }[]): ValidationDoc {
  let text = '';
  let line = 1;
  const out: DocPart[] = [];
  for (const p of parts) {
    const body = p.text === '' || p.text.endsWith('\n') ? p.text : `${p.text}\n`;
    const count = body.split('\n').length - 1;
    out.push({ name: p.name, firstLine: line, lines: count });
    text += body;
    line += count;
  }
  return { text, parts: out };
}

/** Rewrites iptables-restore's "line N" in `message` as "NAME line M" of the part it falls in. */
export function locateLines(message: string, doc: ValidationDoc): string {
  return message.replace(/\bline:? (\d+)/g, (whole, n: string) => {
    const line = Number(n);
    const part = doc.parts.find((p) => line >= p.firstLine && line < p.firstLine + p.lines);
    return part ? `${part.name} line ${line - part.firstLine + 1}` : whole;
  });
}

/** A chain's rules in a parsed ruleset, rendered without counters. */
export function chainRules(rs: Ruleset, chain: string): string[] {
  const filter = rs.tables.find((t) => t.name === 'filter');
  return (filter?.rules ?? []).filter((r) => r.chain === chain).map(({ counters: _, ...r }) => renderRule(r));
}

/** Whether a parsed ruleset's filter table has the chain. */
export function hasChain(rs: Ruleset, chain: string): boolean {
  return rs.tables.some((t) => t.name === 'filter' && t.chains.some((c) => c.name === chain));
}

/** True when the block's chain for `family` exists in a parsed live ruleset (the engine's test). */
export function chainLoaded(live: Ruleset, family: Family): boolean {
  return hasChain(live, ufwForwardChain(family));
}

/** True when ufw is running in this family: its user chains are loaded (ufw-init's own test). */
export function ufwRunning(live: Ruleset, family: Family): boolean {
  return hasChain(live, ufwRunningChain(family));
}

/** How the block's chain in the running firewall compares with the template. */
export type ChainState = 'absent' | 'current' | 'stale';

/** The state of the block's chain in `live` against `template`. */
export function chainState(live: Ruleset, family: Family, template: string): ChainState {
  const chain = ufwForwardChain(family);
  if (!hasChain(live, chain)) return 'absent';
  const want = chainRules(parse(template), chain);
  const have = chainRules(live, chain);
  return want.length === have.length && want.every((r, i) => r === have[i]) ? 'current' : 'stale';
}

/** The rules outside the block's chain that jump to it (netctl's port rules, normally). */
export function chainReferences(live: Ruleset, family: Family): string[] {
  const chain = ufwForwardChain(family);
  const filter = live.tables.find((t) => t.name === 'filter');
  return (filter?.rules ?? [])
    .filter((r) => r.chain !== chain && r.target?.name === chain)
    .map(({ counters: _, ...r }) => renderRule(r));
}

/**
 * `iptables-restore -n` input emptying the block's chain and, unless still referenced,
 * deleting it; the mirror of ufw's incoming rules goes with it (only the block's chain
 * jumps to it, and that jump is gone once the chain is emptied).
 */
export function unloadDoc(family: Family, keep: boolean): string {
  const chain = ufwForwardChain(family);
  const input = `${ufwFamily(family).prefix}-netctl-input`;
  return `*filter\n:${chain} - [0:0]\n:${input} - [0:0]\n${keep ? '' : `-X ${chain}\n`}-X ${input}\nCOMMIT\n`;
}
