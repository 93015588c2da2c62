/**
 * The parser against buildkit's own cases: test/fixtures/dockerfile/parser/ holds
 * frontend/dockerfile/parser/testfiles (Dockerfile + the AST dump buildkit expects) and
 * testfiles-negative, copied verbatim from moby/buildkit (commit 73ed6825); the dump below is
 * parser.go's Node.Dump, so each case is compared as TestParseCases compares it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Instruction, parseDockerfile } from '../../../src/model/dockerfile/parser.js';

const DIR = new URL('../../fixtures/dockerfile/parser/', import.meta.url);

/** Go's strconv.Quote, for the characters these files hold. */
function goQuote(s: string): string {
  return `"${Array.from(s)
    .map((c) => {
      const n = c.codePointAt(0)!;
      if (c === '"' || c === '\\') return `\\${c}`;
      const named: Record<string, string> = {
        '\b': '\\b',
        '\x07': '\\a',
        '\n': '\\n',
        '\t': '\\t',
        '\r': '\\r',
        '\v': '\\v',
        '\f': '\\f',
      };
      if (named[c]) return named[c];
      if (n < 0x20 || n === 0x7f) return `\\x${n.toString(16).padStart(2, '0')}`;
      return c;
    })
    .join('')}"`;
}

function dump(ins: Instruction): string {
  let s = ins.keyword.toLowerCase();
  if (ins.flags.length) s += ` [${ins.flags.map(goQuote).join(' ')}]`;
  if (ins.sub) s += ` (${dump(ins.sub)})`;
  for (const a of ins.args) s += ` ${goQuote(a)}`;
  return s.trim();
}

describe('parser: buildkit testfiles', () => {
  const cases = readdirSync(new URL('testfiles/', DIR));
  it('has the cases', () => expect(cases.length).toBeGreaterThan(30));
  for (const name of cases) {
    it(name, () => {
      const text = readFileSync(new URL(`testfiles/${name}/Dockerfile`, DIR), 'utf8');
      const want = readFileSync(new URL(`testfiles/${name}/result`, DIR), 'utf8');
      const got = parseDockerfile(text)
        .instructions.map((i) => `(${dump(i)})\n`)
        .join('');
      expect(got).toBe(want);
    });
  }
});

describe('parser: buildkit testfiles-negative', () => {
  for (const name of readdirSync(new URL('testfiles-negative/', DIR))) {
    it(name, () => {
      const text = readFileSync(new URL(`testfiles-negative/${name}/Dockerfile`, DIR), 'utf8');
      expect(() => parseDockerfile(text)).toThrow(/^Dockerfile:\d+: /);
    });
  }
});
