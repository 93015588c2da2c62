import { describe, expect, it } from 'vitest';
import { exposure, type UfwFacts } from '../../../src/firewall/ufw/exposure.js';
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
