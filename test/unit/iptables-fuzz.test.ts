/**
 * Seeded mutations of the corpus dumps (deleted, duplicated and swapped tokens and lines,
 * stray quotes, backslashes and `!`, truncated lines, random bytes). For each one, parse
 * either succeeds or throws a ParseError, nothing else; and whatever parses renders to text
 * that parses to the same AST and renders to the same text again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { parse, ParseError } from '../../src/firewall/iptables/parse.js';
import { render } from '../../src/firewall/iptables/render.js';

// FUZZ_SEED / FUZZ_CASES explore further by hand; the suite always runs the same cases.
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1234);

const dir = new URL('../fixtures/iptables/', import.meta.url);
// The 10,000-rule dump is left out only to keep the run short; a slice of it stays in.
const dumps = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => {
    const text = readFileSync(new URL(f, dir), 'utf8');
    return f === 'captured-generated-10k.txt' ? `${text.split('\n').slice(0, 60).join('\n')}\nCOMMIT\n` : text;
  });

/** mulberry32: small, fast and the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PALETTE = [
  '"',
  '\\',
  '!',
  '-',
  '--',
  ' ',
  '\t',
  '[',
  ']',
  ':',
  '*',
  '#',
  '\r',
  '\0',
  'é',
  '\u00a0',
  'x',
  '1',
  '"a b"',
  '\\"',
  '-m',
  '-j',
  'COMMIT',
];

// Quoted values that only survive a round trip if the renderer quotes them again.
const QUOTED = ['"!"', '"-x"', '"--dport"', '"a\tb"', '""', '"a b"', '"\\""', '"x\\\\y z"', '"[1:2]"', '"#"'];

type Mutation = (lines: string[], rnd: () => number) => void;

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;
const at = (n: number, rnd: () => number): number => Math.floor(rnd() * n);

function onTokens(lines: string[], rnd: () => number, edit: (tokens: string[]) => void): void {
  const i = at(lines.length, rnd);
  const tokens = lines[i]!.split(' ');
  edit(tokens);
  lines[i] = tokens.join(' ');
}

function randomBytes(rnd: () => number): string {
  let s = '';
  for (let k = 1 + at(4, rnd); k > 0; k--) s += rnd() < 0.5 ? pick(PALETTE, rnd) : String.fromCharCode(at(256, rnd));
  return s;
}

const MUTATIONS: Mutation[] = [
  (l, r) => onTokens(l, r, (t) => t.splice(at(t.length, r), 1)),
  (l, r) =>
    onTokens(l, r, (t) => {
      const k = at(t.length, r);
      t.splice(k, 0, t[k]!);
    }),
  (l, r) =>
    onTokens(l, r, (t) => {
      const [a, b] = [at(t.length, r), at(t.length, r)];
      [t[a], t[b]] = [t[b]!, t[a]!];
    }),
  (l, r) => onTokens(l, r, (t) => t.splice(at(t.length + 1, r), 0, '!')),
  (l, r) => onTokens(l, r, (t) => t.splice(at(t.length + 1, r), 0, pick(QUOTED, r))),
  (l, r) =>
    onTokens(l, r, (t) => {
      const k = at(t.length, r);
      t[k] = `"${t[k]!}"`;
    }),
  (l, r) => {
    const i = at(l.length, r);
    const s = l[i]!;
    const k = at(s.length + 1, r);
    l[i] = s.slice(0, k) + pick(['"', '\\"', '\\', '""', '" "'], r) + s.slice(k);
  },
  (l, r) => {
    const i = at(l.length, r);
    l[i] = l[i]!.slice(0, at(l[i]!.length + 1, r));
  },
  (l, r) => {
    const i = at(l.length, r);
    const s = l[i]!;
    const k = at(s.length + 1, r);
    l[i] = s.slice(0, k) + randomBytes(r) + s.slice(k + at(3, r));
  },
  (l, r) => l.splice(at(l.length, r), 1),
  (l, r) => {
    const k = at(l.length, r);
    l.splice(k, 0, l[k]!);
  },
  (l, r) => {
    const [a, b] = [at(l.length, r), at(l.length, r)];
    [l[a], l[b]] = [l[b]!, l[a]!];
  },
];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  for (let n = 1 + at(3, rnd); n > 0; n--) pick(MUTATIONS, rnd)(lines, rnd);
  return lines.join('\n');
}

function check(text: string): 'parsed' | 'rejected' {
  let ast: Ruleset;
  try {
    ast = parse(text);
  } catch (err) {
    if (err instanceof ParseError) return 'rejected';
    throw err;
  }
  const out = render(ast);
  const again = parse(out);
  expect(again).toStrictEqual(ast);
  expect(render(again)).toBe(out);
  return 'parsed';
}

it(
  `${CASES} seeded mutations of the corpus: a Ruleset that round-trips, or a ParseError`,
  () => {
    const rnd = prng(SEED);
    const seen = { parsed: 0, rejected: 0 };
    for (let i = 0; i < CASES; i++) {
      const text = mutate(pick(dumps, rnd), rnd);
      try {
        seen[check(text)]++;
      } catch (err) {
        throw new Error(`case ${i} (seed ${SEED}) failed: ${String(err)}\n--- input ---\n${text}`);
      }
    }
    // Both outcomes must be common, or the mutations are not testing much.
    if (process.env.FUZZ_CASES) console.log(seen);
    expect(seen.parsed).toBeGreaterThan(CASES / 10);
    expect(seen.rejected).toBeGreaterThan(CASES / 10);
  },
  Math.max(30_000, CASES * 5),
);
