import { describe, expect, it } from 'vitest';
import { exposure, incomingExposure, type UfwFacts } from '../../../src/firewall/ufw/exposure.js';
import { parse } from '../../../src/firewall/iptables/parse.js';

function facts(rules: string[], policy = 'deny'): UfwFacts {
  const live = parse(
    `*filter\n:FORWARD DROP [0:0]\n:ufw-user-forward - [0:0]\n${rules.map((r) => `-A ufw-user-forward ${r}`).join('\n')}\nCOMMIT\n`,
    { family: 4 },
  );
  return { family: 4, running: true, blockLoaded: true, routedPolicy: policy, live };
}
const pkt = { proto: 'tcp', containerIp: '10.1.0.2', containerPort: 80 };

describe('exposure of a published port to new connections from outside', () => {
  it('is closed under routed deny without a rule, open with the policy allow', () => {
    expect(exposure(facts([]), pkt).state).toBe('closed');
    expect(exposure(facts([], 'allow'), pkt).state).toBe('open');
  });

  it('is open when the first matching route rule accepts it, whatever follows', () => {
    const f = facts([
      '-d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j DROP',
    ]);
    expect(exposure(f, pkt)).toMatchObject({
      state: 'open',
      reason: expect.stringContaining('ACCEPT 10.1.0.2 80/tcp'),
    });
  });

  it('ignores rules for another address, port or protocol', () => {
    const f = facts([
      '-d 10.1.0.3/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-d 10.1.0.2/32 -p udp -m udp --dport 80 -j ACCEPT',
      '-d 10.1.0.2/32 -p tcp -m tcp --dport 81 -j ACCEPT',
    ]);
    expect(exposure(f, pkt).state).toBe('closed');
  });

  it('matches subnets and port ranges', () => {
    expect(exposure(facts(['-d 10.1.0.0/24 -p tcp -m multiport --dports 70:90 -j ACCEPT']), pkt).state).toBe('open');
  });

  it('is restricted to the sources of source-limited rules', () => {
    const f = facts(['-s 203.0.113.1/32 -d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT']);
    expect(exposure(f, pkt)).toMatchObject({ state: 'restricted', sources: ['203.0.113.1'] });
  });

  it('is closed by a deny rule before any accept', () => {
    expect(
      exposure(facts(['-d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset', '-j ACCEPT']), pkt)
        .state,
    ).toBe('closed');
  });

  it('is open when ufw is not running or does not see published ports', () => {
    expect(exposure({ ...facts([]), running: false }, pkt)).toMatchObject({
      state: 'open',
      reason: 'ufw is not running',
    });
    expect(exposure({ ...facts([]), blockLoaded: false }, pkt).reason).toContain('netctl ufw install');
  });
});

describe('a port published on a loopback address', () => {
  it('is local only, and only 127.0.0.0/8 and ::1 are loopback', async () => {
    const { isLoopback, localOnly } = await import('../../../src/firewall/ufw/exposure.js');
    expect(['127.0.0.1', '127.1.2.3', '::1'].map(isLoopback)).toEqual([true, true, true]);
    expect(['0.0.0.0', '::', '192.168.77.1', '', undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(localOnly('127.0.0.1')).toEqual({
      state: 'local',
      sources: [],
      reason: 'bound to 127.0.0.1: reachable from this host only',
    });
  });
});

describe("ufw's before.rules and after.rules, judged in ufw's order", () => {
  /** A live ruleset with before, user and after chains of `kind`; `rules` as `CHAIN RULE`. */
  function live(kind: 'input' | 'forward', rules: string[]): UfwFacts['live'] {
    const chains = ['before', 'user', 'after'].map((c) => `:ufw-${c}-${kind} - [0:0]`).join('\n');
    const body = rules.map((r) => `-A ufw-${r}`).join('\n');
    return parse(`*filter\n${chains}\n${body}\nCOMMIT\n`, { family: 4 });
  }
  const forward = (rules: string[]): UfwFacts => ({
    family: 4,
    running: true,
    blockLoaded: true,
    routedPolicy: 'deny',
    live: live('forward', rules),
  });
  const input = (rules: string[]): UfwFacts => ({ ...forward([]), live: live('input', rules) });

  it("an operator's ACCEPT in before.rules opens a host port no `ufw allow` opens, and is named", () => {
    const f = input([
      'before-input -p tcp -m tcp --dport 2222 -j ACCEPT',
      'before-input -j ufw-user-input',
      'user-input -p tcp -m tcp --dport 22 -j ACCEPT',
    ]);
    expect(incomingExposure(f, 'deny', 'tcp', 2222, '')).toMatchObject({
      state: 'open',
      reason: 'ufw before.rules rule "ACCEPT any 2222/tcp"',
    });
    expect(incomingExposure(f, 'deny', 'tcp', 22, '').reason).toMatch(/^ufw rule /);
    expect(incomingExposure(f, 'deny', 'tcp', 23, '').state).toBe('closed');
  });

  it("a DROP in before.rules' forward chain closes a published port before a route rule opens it", () => {
    const f = forward([
      'before-forward -d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j DROP',
      'user-forward -d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
    ]);
    expect(exposure(f, pkt)).toMatchObject({
      state: 'closed',
      reason: expect.stringMatching(/^ufw before\.rules rule/),
    });
  });

  it("ufw's stock rules (loopback, conntrack, ICMP, DHCP, IPv6 routing headers) decide no port", () => {
    const f = input([
      'before-input -i lo -j ACCEPT',
      'before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      'before-input -m conntrack --ctstate INVALID -j DROP',
      'before-input -p icmp -m icmp --icmp-type 8 -j ACCEPT',
      'before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT',
      'before-input -m rt --rt-type 0 -j DROP',
      'user-input -p udp -m udp --dport 68 -j ACCEPT',
    ]);
    expect(incomingExposure(f, 'deny', 'tcp', 80, '').state).toBe('closed');
    expect(incomingExposure(f, 'deny', 'udp', 68, '').reason).toMatch(/^ufw rule /);
  });

  it("after.rules' skip to the policy ends the rules: a later accept opens nothing", () => {
    const f = input([
      'after-input -p udp -m udp --dport 137 -j ufw-skip-to-policy-input',
      'after-input -p udp -m udp --dport 137 -j ACCEPT',
    ]);
    expect(incomingExposure(f, 'deny', 'udp', 137, '').state).toBe('closed');
    expect(incomingExposure(f, 'allow', 'udp', 137, '').state).toBe('open');
  });
});
