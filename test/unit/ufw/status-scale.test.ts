/**
 * `ufw status` and the TUI at thousands of route rules: judging every published port and
 * finding every route's counters cost each rule a fixed number of looks, not one per port or
 * per route (50 ports against 5,000 rules were 250,000 evaluations; 5,000 routes against
 * 5,000 rules 25 million). The packet evaluator is wrapped to count its calls; the rules'
 * matches are read through a getter that counts. The answers are the rule-by-rule ones.
 */
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ ruleMatches: 0 }));
vi.mock('../../../src/firewall/trace/packet-eval.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/firewall/trace/packet-eval.js')>();
  return {
    ...real,
    ruleMatches: (...a: Parameters<typeof real.ruleMatches>) => {
      calls.ruleMatches++;
      return real.ruleMatches(...a);
    },
  };
});

const { decide, exposure, packetOf, ufwRules } = await import('../../../src/firewall/ufw/exposure.js');
const { liveRouteCounters } = await import('../../../src/firewall/ufw/route-entries.js');
const { parse } = await import('../../../src/firewall/iptables/parse.js');
type Rule = import('../../../src/firewall/iptables/ast.js').Rule;
type RouteRule = import('../../../src/firewall/ufw/route-rules.js').RouteRule;

const PORTS = 50;
const SOURCES = 40;
const RULES = PORTS * SOURCES;
const port = (i: number): number => 21000 + i;
const source = (j: number): string => `198.18.${Math.floor(j / 250)}.${(j % 250) + 1}`;

/** ufw's chains as `netctl ufw install` and RULES route rules leave them, a few rules not about one port among them. */
function dump(): string {
  const lines = [
    '*filter',
    ':FORWARD DROP [0:0]',
    ...['before', 'user', 'after'].map((c) => `:ufw-${c}-forward - [0:0]`),
    '[7:420] -A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A ufw-before-forward -p icmp -m icmp --icmp-type 3 -j ACCEPT',
    '-A ufw-before-forward -j ufw-user-forward',
  ];
  for (let j = 0; j < SOURCES; j++)
    for (let i = 0; i < PORTS; i++)
      lines.push(
        `[${i}:${j * 60}] -A ufw-user-forward -s ${source(j)}/32 -d 10.190.0.2/32 -p tcp -m tcp --dport ${port(i)} -j ACCEPT`,
      );
  // One rule of a whole block and port range among them, and one for a port that is not published.
  lines.push(
    '-A ufw-user-forward -s 203.0.113.9/32 -d 10.190.0.0/24 -p tcp -m multiport --dports 21010:21019 -j ACCEPT',
  );
  lines.push('-A ufw-user-forward -d 10.190.0.2/32 -p tcp -m tcp --dport 21003 -j DROP');
  lines.push('-A ufw-after-forward -p udp -m udp --dport 137 -j ufw-skip-to-policy-forward', 'COMMIT', '');
  return lines.join('\n');
}

describe('ufw status at thousands of route rules', () => {
  it(`judges ${PORTS} published ports against ${RULES} rules with about one evaluation per rule`, () => {
    const live = parse(dump(), { family: 4 });
    const facts = { family: 4 as const, running: true, blockLoaded: true, routedPolicy: 'deny', live };
    const pkts = Array.from({ length: PORTS }, (_, i) => ({
      proto: 'tcp',
      containerIp: '10.190.0.2',
      containerPort: port(i),
    }));
    calls.ruleMatches = 0;
    const got = pkts.map((p) => exposure(facts, p));
    // Each rule of one port once, for its own port; the few others once per port.
    expect(calls.ruleMatches).toBeLessThanOrEqual(RULES + 3 + PORTS * 5);
    const all = ufwRules(live, 'ufw', 'forward');
    const words = { rule: 'ufw route rule', policy: 'routed policy' };
    expect(got).toEqual(pkts.map((p) => decide(all, packetOf(p), 'ufw', 'deny', words)));
    expect(got[0]).toMatchObject({
      state: 'restricted',
      sources: Array.from({ length: SOURCES }, (_, j) => source(j)),
    });
    expect(got[3]!.state).toBe('restricted');
    expect(got[3]!.reason).toContain('denies the rest');
    expect(got[12]!.sources).toContain('203.0.113.9');
  });

  it(`finds the counters of ${RULES} routes reading each rule's matches once`, () => {
    const live = parse(dump(), { family: 4 });
    let reads = 0;
    for (const t of live.tables)
      t.rules = t.rules.map((r) => {
        const { matches, ...rest } = r;
        return Object.defineProperty(rest, 'matches', {
          get: () => (reads++, matches),
          enumerable: true,
        }) as Rule;
      });
    const routes: RouteRule[] = [];
    for (let j = 0; j < SOURCES; j++)
      for (let i = 0; i < PORTS; i++)
        routes.push({ family: 4, proto: 'tcp', to: '10.190.0.2', port: port(i), from: source(j), comment: '' });
    const got = routes.map((r) => liveRouteCounters(live, r));
    expect(reads).toBeLessThanOrEqual(RULES + 10);
    expect(got[PORTS * 3 + 7]).toEqual({ packets: 7n, bytes: 180n });
    expect(liveRouteCounters(live, { ...routes[0]!, port: 9 })).toBeUndefined();
    expect(liveRouteCounters(live, { ...routes[0]!, from: null })).toBeUndefined();
  });
});

describe('whose containers the rules are about, at many containers', () => {
  it('finds the same containers as matching each address one by one', async () => {
    const { mentions, ruleOwner } = await import('../../../src/ops/read-owners.js');
    const containers = Array.from({ length: 300 }, (_, i) => ({
      name: `c${i}`,
      kind: (i % 7 === 0 ? 'cni' : 'netctl') as 'cni' | 'netctl',
      addresses: [`10.9.${i >> 8}.${i & 255}`, ...(i % 3 ? [`fd00:9::${i.toString(16)}`] : [])],
    }));
    const texts = [
      '-A NETCTL-FWD -d 10.9.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A X -s 10.9.0.12 -d 10.9.0.120/32 -j ACCEPT',
      '-A X -d 10.9.0.1.5 -j ACCEPT',
      '-A X -d 110.9.0.1 -j DROP',
      '-A X -d fd00:9::1/128 -j ACCEPT',
      '-A X -d fd00:9::1a -j ACCEPT',
      '-A X -d fd00:9::1:2 -j ACCEPT',
      '-A X -m comment --comment "netctl:c3 10.9.0.3,10.9.1.44" -j RETURN',
      '-A X --to-destination 10.9.0.7:8080',
    ];
    for (const t of texts) {
      const want = containers.filter((c) => c.addresses.some((a) => mentions(t, a)));
      const got = ruleOwner(t, containers);
      expect(got.containers, t).toEqual(want.map((c) => c.name));
      expect(got.owner, t).toBe(want.some((c) => c.kind === 'cni') ? 'cni' : 'netctl');
    }
  });
});
