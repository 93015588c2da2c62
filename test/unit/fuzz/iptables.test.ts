/**
 * The iptables-save parser against dumps built from its grammar and against mutations of the
 * real dumps in test/fixtures (captured from iptables, ip6tables, ufw, Docker, CNI and
 * netavark hosts). A dump the grammar builds parses and renders back byte for byte; any text
 * either parses to a Ruleset that renders to a fixed point, or is refused with a ParseError
 * naming a line that exists and is the first one the parser cannot take.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, ParseError } from '../../../src/firewall/iptables/parse.js';
import { render } from '../../../src/firewall/iptables/render.js';
import { corpus, fixtureTexts, params, thrown, timeout } from './fuzz.js';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
const addr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, n]) => `${a}/${n}`);
const port = fc.integer({ min: 1, max: 65535 });
// A comment iptables-save quotes (anything printable but a line break).
const commentText = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', "'", ':', '-', '!', '#', 'é'),
  minLength: 1,
  maxLength: 12,
});
const quoteSave = (v: string): string => (/^[A-Za-z0-9_-]+$/.test(v) ? v : `"${v.replace(/["\\']/g, '\\$&')}"`);

const basic = fc
  .tuple(
    fc.option(fc.tuple(fc.boolean(), addr), { nil: undefined }),
    fc.option(fc.tuple(fc.boolean(), addr), { nil: undefined }),
    fc.option(fc.tuple(fc.boolean(), fc.stringMatching(/^[a-z][a-z0-9]{0,8}\+?$/)), { nil: undefined }),
    fc.option(fc.constantFrom('tcp', 'udp', 'icmp'), { nil: undefined }),
  )
  .map(([s, d, i, p]) => {
    const out: string[] = [];
    const neg = (n: boolean): string => (n ? '! ' : '');
    if (s) out.push(`${neg(s[0])}-s ${s[1]}`);
    if (d) out.push(`${neg(d[0])}-d ${d[1]}`);
    if (i) out.push(`${neg(i[0])}-i ${i[1]}`);
    if (p) out.push(`-p ${p}`);
    return out;
  });

const match = fc.oneof(
  port.map((p) => `-m tcp --dport ${p}`),
  fc.tuple(port, port).map(([a, b]) => `-m udp --sport ${a}:${b}`),
  commentText.map((c) => `-m comment --comment ${quoteSave(c)}`),
  fc.constantFrom(
    '-m conntrack --ctstate RELATED,ESTABLISHED',
    '-m addrtype --dst-type LOCAL',
    '-m tcp --tcp-flags FIN,SYN,RST,ACK SYN',
  ),
  fc.array(port, { minLength: 1, maxLength: 4 }).map((ps) => `-m multiport --dports ${ps.join(',')}`),
);

const target = fc.oneof(
  fc.constantFrom('-j ACCEPT', '-j DROP', '-j RETURN', '-j MASQUERADE'),
  name.map((n) => `-j ${n}`),
  name.map((n) => `-g ${n}`),
  fc.tuple(fc.ipV4(), port).map(([a, p]) => `-j DNAT --to-destination ${a}:${p}`),
  fc
    .tuple(fc.constantFrom('icmp-port-unreachable', 'tcp-reset'), fc.boolean())
    .map(([t]) => `-j REJECT --reject-with ${t}`),
  commentText.map((c) => `-j LOG --log-prefix ${quoteSave(c)}`),
);

const counters = fc.tuple(fc.nat(), fc.nat()).map(([p, b]) => `[${p}:${b}]`);

function ruleLine(withCounters: boolean): fc.Arbitrary<(chains: string[]) => string> {
  return fc
    .tuple(fc.nat(), basic, fc.array(match, { maxLength: 3 }), fc.option(target, { nil: undefined }), counters)
    .map(([k, b, ms, t, c]) => (chains: string[]) => {
      const parts = [`-A ${chains[k % chains.length]}`, ...b, ...ms, ...(t ? [t] : [])];
      return `${withCounters ? `${c} ` : ''}${parts.join(' ')}`;
    });
}

const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
};

const table = (withCounters: boolean) =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(BUILTIN)),
      fc.uniqueArray(
        name.map((n) => `U-${n}`),
        { maxLength: 4 },
      ),
      fc.array(ruleLine(withCounters), { maxLength: 8 }),
      fc.array(counters, { minLength: 5, maxLength: 5 }),
      fc.constantFrom('ACCEPT', 'DROP'),
    )
    .map(([t, users, rules, cs, policy]) => {
      const builtins = BUILTIN[t]!;
      const chains = [...builtins, ...users];
      const c = (i: number): string => (withCounters ? cs[i % cs.length]! : '[0:0]');
      return [
        `*${t}`,
        ...builtins.map((n, i) => `:${n} ${policy} ${c(i)}`),
        ...users.map((n, i) => `:${n} - ${c(i)}`),
        ...rules.map((r) => r(chains)),
        'COMMIT',
      ].join('\n');
    });

const dump = fc
  .boolean()
  .chain((withCounters) =>
    fc.array(table(withCounters), { minLength: 1, maxLength: 3 }).map((ts) => `${ts.join('\n')}\n`),
  );

const fixtures = [...fixtureTexts('iptables', '.txt'), ...fixtureTexts('docker', '.rules')].map((t) =>
  // The 10,000-rule dump is cut to a slice: each case parses the whole text.
  t.length > 20_000 ? `${t.split('\n').slice(0, 80).join('\n')}\nCOMMIT\n` : t,
);

/** Line-level edits of a real dump. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      col: fc.nat(),
      text: fc.oneof(
        fc.constantFrom(
          '"',
          '\\',
          '!',
          ' ! ',
          ' -m ',
          ' -j ',
          '*',
          ':',
          'COMMIT',
          '[1:2]',
          '\r',
          '\t',
          '#',
          '"a b"',
          '-A',
          '\0',
        ),
        fc.string({ maxLength: 4 }),
      ),
    }),
  },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), col: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, ms: Mutation[]): string {
  const lines = text.split('\n');
  for (const m of ms) {
    const i = m.at % lines.length;
    const l = lines[i]!;
    if (m.kind === 'delete') lines.splice(i, 1);
    else if (m.kind === 'duplicate') lines.splice(i, 0, l);
    else if (m.kind === 'swap') {
      const j = m.to % lines.length;
      [lines[i], lines[j]] = [lines[j]!, l];
    } else if (m.kind === 'insert') {
      const c = m.col % (l.length + 1);
      lines[i] = l.slice(0, c) + m.text + l.slice(c);
    } else lines[i] = l.slice(0, m.col % (l.length + 1));
    if (lines.length === 0) lines.push('');
  }
  return lines.join('\n');
}

/** The property every text must satisfy; returns what happened. */
function accepted(text: string): boolean {
  const err = thrown(() => parse(text));
  if (err === undefined) {
    const out = render(parse(text));
    const again = parse(out);
    expect(again).toStrictEqual(parse(text));
    expect(render(again)).toBe(out);
    return true;
  }
  expect(err).toBeInstanceOf(ParseError);
  const e = err as ParseError;
  const lines = text.split('\n');
  expect(e.line).toBeGreaterThanOrEqual(1);
  expect(e.line).toBeLessThanOrEqual(lines.length);
  expect(e.text).toBe(lines[e.line - 1]);
  expect(e.message.startsWith(`line ${e.line}: `)).toBe(true);
  // It is the first line the parser cannot take: the lines before it fail at most for a
  // missing COMMIT (a table still open when the text stops).
  const before = thrown(() => parse(lines.slice(0, e.line - 1).join('\n')));
  if (before !== undefined) expect((before as Error).message).toMatch(/has no COMMIT/);
  return false;
}

describe('iptables-save parser, property tests', () => {
  it(
    'a dump built from the grammar parses and renders back byte for byte',
    () => {
      fc.assert(
        fc.property(dump, (text) => {
          expect(render(parse(text))).toBe(text);
        }),
        params(150),
      );
    },
    timeout(),
  );

  it(
    'a mutated real dump round-trips or is refused naming its first bad line',
    () => {
      const seen = { parsed: 0, refused: 0 };
      fc.assert(
        fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 3 }), (t, ms) => {
          seen[accepted(apply(t, ms)) ? 'parsed' : 'refused']++;
        }),
        params(300, 600),
      );
      // Both outcomes must be common, or the mutations test little.
      const all = seen.parsed + seen.refused;
      expect(seen.parsed).toBeGreaterThan(all / 20);
      expect(seen.refused).toBeGreaterThan(all / 20);
    },
    timeout(600),
  );

  it(
    'arbitrary text round-trips or is refused naming its first bad line',
    () => {
      const unit = fc.constantFrom(
        '*',
        ':',
        '-A ',
        '-j ',
        'X',
        ' ',
        '\n',
        '"',
        '\\',
        '!',
        'COMMIT',
        '[0:0]',
        '#',
        '-m ',
      );
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 40 }), (t) => void accepted(t)),
        params(300),
      );
    },
    timeout(),
  );

  it('replays the corpus of inputs that once failed', () => {
    for (const [, bytes] of corpus('iptables')) accepted(bytes.toString('utf8'));
  });
});
