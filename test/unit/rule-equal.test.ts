/**
 * sameRule decides on the rules' fields where it can and renders only when they differ: it
 * must agree with comparing the rendered lines on every pair, and the shortcut must actually
 * be taken where planning needs it (a desired rule against the same rule read back).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/firewall/iptables/ast.js';
import { desired } from '../../src/firewall/iptables/desired.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { render } from '../../src/firewall/iptables/render.js';
import { ruleKey, sameFields, sameRule } from '../../src/firewall/iptables/rule-equal.js';
import { net, port, tenNetworks } from './rules/fixtures.js';

const CORPUS = fileURLToPath(new URL('../fixtures/iptables/', import.meta.url));

function corpusRules(): Rule[] {
  const out: Rule[] = [];
  for (const f of readdirSync(CORPUS)
    .filter((n) => n.endsWith('.txt') && !n.includes('10k'))
    .sort()) {
    for (const t of parse(readFileSync(CORPUS + f, 'utf8')).tables) out.push(...t.rules.slice(0, 60));
  }
  return out;
}

const clone = (r: Rule): Rule => structuredClone(r);

describe('sameRule', () => {
  it('agrees with comparing rendered lines on every pair of a corpus sample', () => {
    const rules = corpusRules();
    // Every rule against every rule of a sample, and against a copy of itself.
    const sample = rules.filter((_, i) => i % 7 === 0);
    expect(sample.length).toBeGreaterThan(50);
    let equal = 0;
    for (const a of sample) {
      expect(sameRule(a, clone(a))).toBe(true);
      for (const b of sample) {
        const want = ruleKey(a) === ruleKey(b);
        expect(sameRule(a, b), `${ruleKey(a)} vs ${ruleKey(b)}`).toBe(want);
        if (want) equal++;
      }
    }
    expect(equal).toBeGreaterThan(sample.length); // some distinct objects are equal rules
  });

  it('tells apart rules that differ in one field only', () => {
    const [base] = parse(
      '*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD ! -s 10.0.0.0/8 -p tcp -m tcp --dport 80 -m comment --comment "a b" -j ACCEPT\nCOMMIT\n',
    ).tables[0]!.rules;
    const variants: ((r: Rule) => void)[] = [
      (r) => (r.chain = 'INPUT'),
      (r) => (r.matches[0]!.options[0]!.negated = false),
      (r) => (r.matches[0]!.options[0]!.values = ['10.0.0.0/9']),
      (r) => (r.matches[1]!.module = 'udp'),
      (r) => (r.matches[2]!.options[0]!.values = ['a  b']),
      (r) => r.matches.pop(),
      (r) => (r.target = { ...r.target!, name: 'DROP' }),
      (r) => (r.target = { ...r.target!, kind: 'goto' }),
      (r) => delete r.target,
    ];
    for (const change of variants) {
      const other = clone(base!);
      change(other);
      expect(sameRule(base!, other), ruleKey(other)).toBe(false);
    }
  });

  it('takes the shortcut for desired rules against the same rules read back', () => {
    const input = {
      networks: [...tenNetworks(), net(11, { internal: true })],
      ports: Array.from({ length: 30 }, (_, i) => port(1 + (i % 10), 8000 + i, 80)),
    };
    for (const family of [4, 6] as const) {
      const want = desired(input, family);
      const back = parse(render(want), { family });
      const a = want.tables.flatMap((t) => t.rules);
      const b = back.tables.flatMap((t) => t.rules);
      expect(a.length).toBe(b.length);
      a.forEach((r, i) => expect(sameFields(r, b[i]!), ruleKey(r)).toBe(true));
    }
  });
});
