import { describe, expect, it } from 'vitest';
import { parse } from '../../src/firewall/iptables/parse.js';
import { dnatTarget, ruleMatches, walk, type Packet } from '../../src/firewall/trace/packet-eval.js';

const RS = parse(`*nat
:PREROUTING ACCEPT [0:0]
:NETCTL-DNAT - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j NETCTL-DNAT
-A NETCTL-DNAT -d 198.51.100.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80
COMMIT
*filter
:FORWARD DROP [0:0]
:C - [0:0]
:D - [0:0]
-A FORWARD -j C
-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A C -m conntrack --ctstate DNAT -j RETURN
-A C -i br0 ! -o br0 -j D
-A C -o br0 -p tcp -m tcp --dport 80 -m mark --mark 0x1 -j LOG
-A C -o br0 -s 203.0.113.0/24 -j ACCEPT
-A D -j DROP
COMMIT
`);
const pkt: Packet = {
  src: '198.51.100.1',
  dst: '198.51.100.2',
  proto: 'tcp',
  dport: 8080,
  ctstate: ['NEW'],
  dstLocal: true,
};

describe('following a packet through a ruleset', () => {
  it('finds the DNAT of a published port through the jump', () => {
    const r = walk(RS, 'nat', 'PREROUTING', pkt);
    expect(r.verdict).toBe('DNAT');
    expect(dnatTarget(r.rule!)).toEqual({ ip: '10.1.0.2', port: 80 });
    expect(walk(RS, 'nat', 'PREROUTING', { ...pkt, dport: 8081 }).verdict).toBe('ACCEPT');
    expect(walk(RS, 'nat', 'PREROUTING', { ...pkt, dstLocal: false }).hits).toEqual([]);
  });

  it('returns from a chain on RETURN and falls to the policy', () => {
    const r = walk(RS, 'filter', 'FORWARD', {
      ...pkt,
      dst: '10.1.0.2',
      dport: 80,
      out: 'br0',
      ctstate: ['NEW', 'DNAT'],
    });
    expect(r.verdict).toBe('DROP');
    expect(r.policyOf).toBe('FORWARD');
    expect(r.hits.map((h) => h.chain)).toEqual(['FORWARD', 'C']);
  });

  it('evaluates sources and negated interfaces, and skips rules it cannot evaluate', () => {
    const p = { ...pkt, src: '203.0.113.7', dst: '10.1.0.2', dport: 80, out: 'br0' };
    const r = walk(RS, 'filter', 'FORWARD', p);
    expect(r.verdict).toBe('ACCEPT');
    expect(r.hits.find((h) => h.rule.target?.name === 'LOG')?.skipped).toEqual(['-m mark --mark 0x1']);
    expect(r.hits.filter((h) => h.rule.target?.name === 'LOG')).toHaveLength(1);
    const fromBridge = walk(RS, 'filter', 'FORWARD', { ...p, in: 'br0', out: 'eth0' });
    expect(fromBridge.verdict).toBe('DROP');
    expect(fromBridge.rule?.chain).toBe('D');
  });

  it('reads IPv6 DNAT targets', () => {
    const r = parse('*nat\n:X - [0:0]\n-A X -j DNAT --to-destination [fd00::2]:80\nCOMMIT\n').tables[0]!.rules[0]!;
    expect(dnatTarget(r)).toEqual({ ip: 'fd00::2', port: 80 });
    expect(ruleMatches(r, pkt).match).toBe(true);
  });
});
