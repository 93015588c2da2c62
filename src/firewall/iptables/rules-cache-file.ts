/**
 * The rules cache's file format (rules-cache.ts): each family's owned tables chain by chain,
 * each chain's rules one string of their bare lines. Reading it builds no Rule at all (a
 * chain's lines are split, and its rules parsed, only when a plan touches that chain), and
 * writing it joins only the chains that changed: the cost of both is a copy of the text, not
 * a parse of every rule on the host.
 *
 * Version 2 (`v: 2`). The format before it (`v4`/`v6`: whole iptables-restore documents) is
 * still read, split into chains the same way, so an upgrade keeps the cache; anything else
 * (a newer version, a malformed entry) is not trusted and costs one iptables-save.
 */
import type { Chain, Ruleset, Table } from './ast.js';
import { ChainRules, chainedTable, segmentsFor } from './chain-rules.js';
import { parse } from './parse.js';

/** The current version of the file's format. */
export const CACHE_FORMAT = 2;

/** One table as stored: its declarations and each chain's lines. */
export interface StoredTable {
  t: string;
  c: [string, string | null][];
  r: [string, string][];
}

/** A family's tables in the stored form. */
export function storeTables(rs: Ruleset): StoredTable[] {
  return rs.tables.map((t) => ({
    t: t.name,
    c: t.chains.map((c): [string, string | null] => [c.name, c.policy]),
    r: [...segmentsFor(t)].map(([chain, seg]): [string, string] => [chain, seg.serialized()]),
  }));
}

const isPair = (x: unknown, second: (v: unknown) => boolean): boolean =>
  Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && second(x[1]);

function validTable(x: unknown): x is StoredTable {
  const t = x as StoredTable;
  return (
    typeof t?.t === 'string' &&
    Array.isArray(t.c) &&
    t.c.every((c) => isPair(c, (v) => v === null || typeof v === 'string')) &&
    Array.isArray(t.r) &&
    t.r.every((r) => isPair(r, (v) => typeof v === 'string'))
  );
}

/** A family's tables back from the stored form, or undefined when it is not one. */
export function loadTables(x: unknown, family: 4 | 6): Ruleset | undefined {
  if (!Array.isArray(x) || !x.every(validTable)) return undefined;
  const tables = x.map((t) =>
    chainedTable(
      t.t,
      t.c.map(([name, policy]): Chain => ({ name, policy })),
      new Map(t.r.map(([chain, text]) => [chain, ChainRules.fromText(chain, text)])),
    ),
  );
  return { family, tables };
}

const RULE = /^-A ([^\s"!-][^\s"]*) /;
const DECL = /^:([^\s"]+) (\S+)(?: \[\d+:\d+\])?$/;

/**
 * The tables of a document as render() wrote it (the format before version 2), split into
 * chains by their `-A CHAIN` prefix without parsing a rule; a line of any other shape is read
 * by the parser, whole document.
 */
export function tablesFromDump(text: string, family: 4 | 6): Ruleset {
  const tables: Table[] = [];
  let cur: { name: string; chains: Chain[]; lines: Map<string, string[]> } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const rule = cur && RULE.exec(line);
    const decl = cur && !rule && DECL.exec(line);
    if (!cur && line.startsWith('*')) cur = { name: line.slice(1), chains: [], lines: new Map() };
    else if (cur && line === 'COMMIT') {
      const segs = new Map([...cur.lines].map(([c, ls]) => [c, ChainRules.fromText(c, ls.join('\n'))]));
      tables.push(chainedTable(cur.name, cur.chains, segs));
      cur = undefined;
    } else if (cur && rule) {
      const list = cur.lines.get(rule[1]!);
      if (list) list.push(line);
      else cur.lines.set(rule[1]!, [line]);
    } else if (cur && decl) cur.chains.push({ name: decl[1]!, policy: decl[2] === '-' ? null : decl[2]! });
    else return parse(text, { family, lazyRules: true });
  }
  return cur ? parse(text, { family, lazyRules: true }) : { family, tables };
}
