/**
 * The parser against buildkit's own cases: test/fixtures/dockerfile/parser/ holds
 * frontend/dockerfile/parser/testfiles (Dockerfile + the AST dump buildkit expects) and
 * testfiles-negative, copied verbatim from moby/buildkit (commit 73ed6825); the dump below is
 * parser.go's Node.Dump, so each case is compared as TestParseCases compares it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyStep, beginStage } from '../../../src/model/dockerfile/config.js';
import { type Instruction, parseDockerfile } from '../../../src/model/dockerfile/parser.js';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';

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

describe('buildkit testfiles through plan, resolve and applyStep', () => {
  /** Parser-only cases that are not valid builds, and the line each is refused at. */
  const refused: Record<string, RegExp> = {
    env: /^Dockerfile:12: failed to process "'a\\'b'": unexpected end of statement/,
    escapes: /^Dockerfile:6: failed to process/,
    flags: /^Dockerfile:3: unknown flag "--user" for COPY$/,
    health: /^Dockerfile:4: HEALTHCHECK requires at least one argument$/,
    json: /^Dockerfile:1: CMD before the first FROM/,
  };
  for (const name of readdirSync(new URL('testfiles/', DIR))) {
    it(name, () => {
      const text = readFileSync(new URL(`testfiles/${name}/Dockerfile`, DIR), 'utf8');
      const build = (): void => {
        const plan = planBuild(text);
        for (const i of plan.order) {
          let config = beginStage({});
          let state = { cmdSet: false };
          for (const step of resolveStage(plan, i, {}).steps) ({ config, state } = applyStep(config, step, state));
        }
      };
      const why = refused[name] ?? (name.startsWith('jeztah-') ? refused.json : undefined);
      if (why) expect(build).toThrow(why);
      else expect(build).not.toThrow();
    });
  }
});
