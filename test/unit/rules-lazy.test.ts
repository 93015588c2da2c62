/**
 * Rules read back lazily from text netctl rendered (firewall/iptables/lazy-rule.ts): the same
 * rules as an eager parse, field for field, line for line and comment for comment.
 */
import { describe, expect, it } from 'vitest';
import { desired } from '../../src/firewall/iptables/desired.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { bareRuleLine, knownLine, render } from '../../src/firewall/iptables/render.js';
import { commentOf } from '../../src/firewall/iptables/plan-owned.js';
import { lineComment } from '../../src/firewall/iptables/lazy-rule.js';
import { sameRule } from '../../src/firewall/iptables/rule-equal.js';
import type { FirewallInput } from '../../src/firewall/input.js';

const input: FirewallInput = {
  networks: [
    { id: 'aaaaaaaaaaaa', name: 'front', bridge: 'br-front', subnet: '10.1.0.0/24', internal: false, icc: true },
    { id: 'bbbbbbbbbbbb', name: 'back', bridge: 'br-back', subnet: '10.2.0.0/24', internal: true, icc: false },
  ],
  ports: [
    { network: 'aaaaaaaaaaaa', proto: 'tcp', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80 },
    {
      network: 'aaaaaaaaaaaa',
      proto: 'udp',
      hostPort: 5353,
      containerIp: '10.1.0.3',
      containerPort: 53,
      hostIp: '127.0.0.1',
    },
  ],
  endpoints: [
    { network: 'aaaaaaaaaaaa', ip: '10.1.0.2' },
    { network: 'bbbbbbbbbbbb', ip: '10.2.0.2' },
  ],
};

const FOREIGN = [
  '*filter',
  ':NETCTL-X -',
  '-A NETCTL-X -s 10.0.0.0/8 -m comment --comment "two words" -j ACCEPT',
  '-A NETCTL-X -m comment ! --comment x -j DROP',
  '-A NETCTL-X -m comment --comment "a\\"b" -j RETURN',
  '-A NETCTL-X -m comment --comment one -m comment --comment two',
  '-A NETCTL-X -p tcp -m tcp --dport 22',
  'COMMIT',
  '',
].join('\n');

describe('lazily read rules', () => {
  for (const [what, text] of [
    ['the desired rules', render(desired({ ...input, ufw: true }, 4))],
    ['unusual lines', FOREIGN],
  ] as const) {
    it(`are the eager parse's rules, with their lines known, for ${what}`, () => {
      const eager = parse(text, { family: 4 });
      const lazy = parse(text, { family: 4, lazyRules: true });
      expect(render(lazy)).toBe(render(eager));
      const er = eager.tables.flatMap((t) => t.rules);
      const lr = lazy.tables.flatMap((t) => t.rules);
      expect(lr.length).toBe(er.length);
      lr.forEach((r, i) => {
        const e = er[i]!;
        expect(knownLine(r)).toBe(bareRuleLine(e));
        expect(commentOf(r)).toBe(commentOf(e));
        expect(sameRule(r, e)).toBe(true);
        expect({ ...r }).toEqual({ ...e });
        expect('target' in r).toBe('target' in e);
      });
    });
  }

  it('reads a comment from a plain line and leaves the rest to the parser', () => {
    expect(lineComment('-A X -m comment --comment "netctl:net=a" -j ACCEPT')).toBe('netctl:net=a');
    expect(lineComment('-A X -m comment --comment bare -j ACCEPT')).toBe('bare');
    expect(lineComment('-A X -j ACCEPT')).toBeUndefined();
    expect(lineComment('-A X -m comment ! --comment x -j DROP')).toBeNull();
    expect(lineComment('-A X -m comment --comment "a\\"b"')).toBeNull();
  });
});
