/**
 * The iptables-save parser on specific lines of real dumps (structure of matches, options,
 * negations, quoting, counters, targets) and its errors, which name the line and quote it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Rule, Ruleset } from '../../src/firewall/iptables/ast.js';
import { NetctlError } from '../../src/errors.js';
import { parse, ParseError } from '../../src/firewall/iptables/parse.js';
import { render, renderRule } from '../../src/firewall/iptables/render.js';
import { tokenize } from '../../src/firewall/iptables/tokenize.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/iptables/${name}`, import.meta.url), 'utf8');

function rulesOf(rs: Ruleset, table: string, chain: string): Rule[] {
  const t = rs.tables.find((x) => x.name === table);
  if (!t) throw new Error(`no table ${table}`);
  return t.rules.filter((r) => r.chain === chain);
}

/** The rule parsed from one `-A` line inside a filter table. */
function one(line: string): Rule {
  const rules = parse(`*filter\n${line}\nCOMMIT\n`).tables[0]!.rules;
  expect(rules).toHaveLength(1);
  return rules[0]!;
}

function parseError(text: string): ParseError {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error('parsed without an error');
}

describe('structure', () => {
  it('reads the Docker nat dump: chains, policies, negated basic criteria, a module match and a target', () => {
    const rs = parse(fixture('docker-1ctr-nat.txt'));
    expect(rs.tables.map((t) => t.name)).toEqual(['nat']);
    const nat = rs.tables[0]!;
    expect(nat.chains.map((c) => [c.name, c.policy])).toEqual([
      ['PREROUTING', 'ACCEPT'],
      ['INPUT', 'ACCEPT'],
      ['OUTPUT', 'ACCEPT'],
      ['POSTROUTING', 'ACCEPT'],
      ['DOCKER', null],
    ]);
    expect(nat.chains[4]!.counters).toEqual({ packets: 0n, bytes: 0n });
    expect(rulesOf(rs, 'nat', 'OUTPUT')).toEqual([
      {
        chain: 'OUTPUT',
        matches: [
          { module: null, options: [{ name: 'd', short: true, negated: true, values: ['127.0.0.0/8'] }] },
          { module: 'addrtype', options: [{ name: 'dst-type', values: ['LOCAL'] }] },
        ],
        target: { kind: 'jump', name: 'DOCKER', options: [] },
      },
    ]);
    const dnat = rulesOf(rs, 'nat', 'DOCKER')[1]!;
    expect(dnat.target).toEqual({
      kind: 'jump',
      name: 'DNAT',
      options: [{ name: 'to-destination', values: ['172.17.0.2:80'] }],
    });
    expect(dnat.matches[0]!.options.map((o) => [o.name, o.negated ?? false, o.values])).toEqual([
      ['i', true, ['docker0']],
      ['p', false, ['tcp']],
    ]);
  });

  it('unquotes comments exactly: escaped quotes, backslashes, a flag-like value, "!" and the empty string', () => {
    const rs = parse(fixture('captured-tricky-nft.txt'));
    const comments = rulesOf(rs, 'filter', 'TRICKY')
      .flatMap((r) => r.matches)
      .filter((m) => m.module === 'comment')
      .map((m) => m.options[0]!.values);
    expect(comments).toEqual([['a "b" c'], ["it's \\ back"], ['plain'], ['netctl:net=web'], ['-x'], ['!'], ['']]);
  });

  it('keeps several values, negated options without values, and log prefixes with their trailing space', () => {
    expect(one('-A T -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP').matches[1]).toEqual({
      module: 'tcp',
      options: [{ name: 'tcp-flags', negated: true, values: ['FIN,SYN,RST,ACK', 'SYN'] }],
    });
    expect(one('-A T -m addrtype ! --dst-type LOCAL -j RETURN').matches[0]!.options[0]).toEqual({
      name: 'dst-type',
      negated: true,
      values: ['LOCAL'],
    });
    expect(one('-A T ! -f -j DROP').matches[0]!.options).toEqual([
      { name: 'f', short: true, negated: true, values: [] },
    ]);
    const log = one(
      '-A T -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW BLOCK] " --log-tcp-options',
    );
    expect(log.target).toEqual({
      kind: 'jump',
      name: 'LOG',
      options: [
        { name: 'log-prefix', values: ['[UFW BLOCK] '] },
        { name: 'log-tcp-options', values: [] },
      ],
    });
  });

  it('reads -g as a goto, target options without values, and IPv6 DNAT addresses', () => {
    expect(one('-A T -g TRICKY-GOTO').target).toEqual({ kind: 'goto', name: 'TRICKY-GOTO', options: [] });
    expect(one('-A P -p tcp -j DNAT --to-destination 10.0.0.1:80-90 --random --persistent').target!.options).toEqual([
      { name: 'to-destination', values: ['10.0.0.1:80-90'] },
      { name: 'random', values: [] },
      { name: 'persistent', values: [] },
    ]);
    const v6 = parse(fixture('captured-tricky-v6-nft.txt'), { family: 6 });
    expect(v6.family).toBe(6);
    expect(rulesOf(v6, 'nat', 'PREROUTING')[0]!.target!.options[0]!.values).toEqual(['[fd00::2]:80']);
    expect(rulesOf(v6, 'filter', 'TRICKY6')[0]!.matches.map((m) => m.module)).toEqual([null, 'icmp6']);
  });

  it('reads iptables-save -c counters on chains and rules as bigints', () => {
    const rs = parse(fixture('captured-tricky-legacy-counters.txt'));
    const input = rulesOf(rs, 'filter', 'INPUT')[0]!;
    expect(input.counters).toEqual({ packets: 6n, bytes: 504n });
    expect(rs.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'OUTPUT')!.counters).toEqual({
      packets: 6n,
      bytes: 504n,
    });
    expect(one('-A T -c 5 1000 -j ACCEPT').counters).toEqual({ packets: 5n, bytes: 1000n });
  });

  it('drops the Generated/Completed stamps but keeps other comments in place, also inside tables', () => {
    const rs = parse(fixture('captured-legacy-warning.txt'));
    expect(rs.comments).toEqual([
      { before: 0, text: '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them' },
    ]);
    const text =
      '*filter\n# before chains\n:X - [0:0]\n# between\n-A X -j ACCEPT\n# before commit\nCOMMIT\n# trailing\n';
    const parsed = parse(text);
    expect(parsed.tables[0]!.comments).toEqual([
      { before: 0, text: '# before chains' },
      { before: 1, text: '# between' },
      { before: 2, text: '# before commit' },
    ]);
    expect(parsed.comments).toEqual([{ before: 1, text: '# trailing' }]);
    expect(render(parsed)).toBe(text);
  });

  it('puts short options given after a -m into the basic match, which always comes first', () => {
    const r = one('-A T -m comment --comment x -s 10.0.0.1 -j ACCEPT');
    expect(r.matches.map((m) => m.module)).toEqual([null, 'comment']);
    expect(renderRule(r)).toBe('-A T -s 10.0.0.1 -m comment --comment x -j ACCEPT');
  });

  it('accepts blank lines, CRLF line ends and chain lines without counters', () => {
    const rs = parse('\r\n*filter\r\n:INPUT ACCEPT\r\n:X -\r\n\r\n-A X -j ACCEPT\r\nCOMMIT\r\n');
    expect(rs.tables[0]!.chains).toEqual([
      { name: 'INPUT', policy: 'ACCEPT' },
      { name: 'X', policy: null },
    ]);
    expect(render(rs)).toBe('*filter\n:INPUT ACCEPT\n:X -\n-A X -j ACCEPT\nCOMMIT\n');
    expect(render(rs, { counters: false })).toBe('*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT\n');
  });
});

describe('tokenize', () => {
  it('splits like iptables-restore: a quote continues a word, the closing quote ends it', () => {
    expect(tokenize('a"b c"d  e')).toEqual({ text: ['ab c', 'd', 'e'], quoted: [true, false, false] });
    expect(tokenize('x "a \\"q\\" \\\\" y')).toEqual({ text: ['x', 'a "q" \\', 'y'], quoted: [false, true, false] });
    expect(tokenize('-A\tX  -j ACCEPT')).toEqual({ text: ['-A', 'X', '-j', 'ACCEPT'] });
    expect(tokenize('a\\b "c"')).toEqual({ text: ['a\\b', 'c'], quoted: [false, true] });
  });
});

describe('render', () => {
  it('quotes as iptables-save does: save-string options only when needed, the string match always', () => {
    const rule: Rule = {
      chain: 'T',
      matches: [
        { module: 'comment', options: [{ name: 'comment', values: ["it's"] }] },
        {
          module: 'string',
          options: [
            { name: 'string', values: ['abc'] },
            { name: 'algo', values: ['bm'] },
          ],
        },
      ],
      target: { kind: 'jump', name: 'LOG', options: [{ name: 'log-prefix', values: ['plain'] }] },
    };
    expect(renderRule(rule)).toBe(
      '-A T -m comment --comment "it\\\'s" -m string --string "abc" --algo bm -j LOG --log-prefix plain',
    );
    expect(
      renderRule({ chain: 'T', matches: [{ module: null, options: [{ name: 'i', short: true, values: ['a b'] }] }] }),
    ).toBe('-A T -i "a b"');
  });
});

describe('errors', () => {
  it('names the line number and quotes the line', () => {
    const text = '# Generated by iptables-save\n*filter\n:FOO - [0:0]\n-A FOO x\nCOMMIT\n';
    const err = parseError(text);
    expect(err.message).toBe('line 4: unexpected token "x": -A FOO x');
    expect(err.line).toBe(4);
    expect(err.code).toBe('parse');
    expect(err).toBeInstanceOf(NetctlError);
  });

  it.each([
    [
      '*filter\n-A X -m comment --comment "open -j ACCEPT\nCOMMIT\n',
      'line 2: unterminated quote: -A X -m comment --comment "open -j ACCEPT',
    ],
    ['*filter\n:X - [0:0]\n-A X -j ACCEPT\n', 'line 1: table "filter" has no COMMIT: *filter'],
    ['-A X -j ACCEPT\n', 'line 1: outside a table: -A X -j ACCEPT'],
    ['*nat\nCOMMIT\nCOMMIT\n', 'line 3: COMMIT outside a table: COMMIT'],
    ['*nat\n*filter\nCOMMIT\n', 'line 2: table "nat" not committed: *filter'],
    ['*filter\n-A X -s 1.2.3.4 !\nCOMMIT\n', 'line 2: "!" at the end of the rule: -A X -s 1.2.3.4 !'],
    ['*filter\n-A X ! -j DROP\nCOMMIT\n', 'line 2: "!" before "-j": -A X ! -j DROP'],
    ['*filter\n-A X --dport ! 80\nCOMMIT\n', 'line 2: unexpected token "80": -A X --dport ! 80'],
    ['*filter\n-A X -j DROP -j ACCEPT\nCOMMIT\n', 'line 2: second target "-j": -A X -j DROP -j ACCEPT'],
    ['*filter\n-A X -j LOG -m limit\nCOMMIT\n', 'line 2: "-m" after the target: -A X -j LOG -m limit'],
    [
      '*filter\n-A X -m comment --comment\nCOMMIT\n',
      'line 2: option "--comment" needs a value: -A X -m comment --comment',
    ],
    ['*filter\n-I X 1 -j DROP\nCOMMIT\n', 'line 2: unsupported command "-I" (only -A): -I X 1 -j DROP'],
    ['*filter\n:X - [a:b]\nCOMMIT\n', 'line 2: bad counters "[a:b]": :X - [a:b]'],
    ['*filter\n[1:2]\nCOMMIT\n', 'line 2: counters without a rule: [1:2]'],
    ['*filter\n-A\nCOMMIT\n', 'line 2: -A needs a chain name: -A'],
    ['*filter\nhello\nCOMMIT\n', 'line 2: unexpected token "hello": hello'],
    ['hello\n', 'line 1: unexpected line: hello'],
  ])('%j', (text, message) => {
    expect(parseError(text).message).toBe(message);
  });
});
