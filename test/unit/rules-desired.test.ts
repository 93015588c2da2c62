import { describe, expect, it } from 'vitest';
import { desired } from '../../src/firewall/iptables/desired.js';
import { canonicalCidrOf as canonicalCidr, canonicalIpOf as canonicalIp } from '../../src/model/addr.js';
import { commentOf } from '../../src/firewall/iptables/plan-owned.js';
import { ConflictError, InternalError, UsageError } from '../../src/errors.js';
import { golden, net, port, show } from './rules/fixtures.js';

describe('desired rules', () => {
  it('one network', () => {
    golden('one-network.rules', show(desired({ networks: [net(1)] }, 4)));
  });

  it('two networks, in the order given (creation order)', () => {
    const text = show(desired({ networks: [net(1), net(2)] }, 4));
    golden('two-networks.rules', text);
    const swapped = show(desired({ networks: [net(2), net(1)] }, 4));
    expect(swapped.indexOf('-o br-net2')).toBeLessThan(swapped.indexOf('-o br-net1'));
  });

  it('an internal network next to a normal one', () => {
    golden('internal.rules', show(desired({ networks: [net(1), net(2, { internal: true })] }, 4)));
  });

  it('icc=false', () => {
    golden('icc-false.rules', show(desired({ networks: [net(1, { icc: false })] }, 4)));
  });

  it('dual stack: ip6tables rules only for networks with an IPv6 subnet', () => {
    const networks = [net(1, { subnet6: 'fd00:0:0:1::/64' }), net(2)];
    golden('dual-stack-v6.rules', show(desired({ networks }, 6)));
    expect(show(desired({ networks }, 4))).toContain('-s 10.2.0.0/24');
  });

  it('published ports: DNAT in the order given, the published-path accepts per network', () => {
    const ports = [port(1, 8080, 80), port(2, 8443, 443), port(1, 5353, 53, { proto: 'udp', hostIp: '192.0.2.1' })];
    const text = show(desired({ networks: [net(1), net(2)], ports }, 4));
    golden('ports.rules', text);
    const noPorts = show(desired({ networks: [net(1), net(2)] }, 4)).split('\n');
    const added = text.split('\n').filter((l) => !noPorts.includes(l));
    expect(added.every((l) => l.startsWith('-A NETCTL-DNAT ') || l.startsWith('-A NETCTL-P-'))).toBe(true);
    expect(added).toHaveLength(6);
  });

  it('IPv6 published ports', () => {
    const networks = [net(1, { subnet6: 'fd00:0:0:1::/64' })];
    const ports = [port(1, 8080, 80, { containerIp: 'fd00:0:0:1::2', hostIp: '2001:db8::1' }), port(1, 8080, 80)];
    const text = show(desired({ networks, ports }, 6));
    expect(text).toContain('-A NETCTL-DNAT -d 2001:db8::1/128 -p tcp -m tcp --dport 8080');
    expect(text).toContain('--to-destination [fd00:0:0:1::2]:80');
    expect(text).not.toContain('10.1.0.2');
  });

  it('zero networks: no chains, no jumps, no tables', () => {
    expect(desired({ networks: [] }, 4).tables).toEqual([]);
    expect(desired({ networks: [net(1)] }, 6).tables).toEqual([]);
  });

  it('every rule is tagged and every chain is NETCTL-* within 28 characters', () => {
    const id = 'f'.repeat(19);
    const rs = desired(
      { networks: [net(1, { id }), net(2, { internal: true })], ports: [port(1, 1, 2, { network: id })] },
      4,
    );
    expect(rs.tables.flatMap((t) => t.chains.map((c) => c.name))).toContain(`NETCTL-N-${id}`);
    for (const t of rs.tables) {
      for (const c of t.chains) {
        expect(c.name).toMatch(/^NETCTL-/);
        expect(c.name.length).toBeLessThanOrEqual(28);
      }
      for (const r of t.rules) expect(commentOf(r)).toMatch(/^netctl:/);
    }
  });

  it('writes subnets the way iptables-save prints them', () => {
    const text = show(desired({ networks: [net(1, { subnet: '10.1.0.77/24', subnet6: 'FD00:0:0:1:0:0:0:9/64' })] }, 6));
    expect(text).toContain('-s fd00:0:0:1::/64 ! -o br-net1');
    expect(show(desired({ networks: [net(1, { subnet: '10.1.0.77/24' })] }, 4))).toContain(
      '-s 10.1.0.0/24 ! -o br-net1',
    );
  });

  it('refuses names that could change the meaning of a rule', () => {
    expect(() => desired({ networks: [net(1, { bridge: 'br0 -j ACCEPT' })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks: [net(1, { bridge: 'br+' })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks: [net(1, { name: 'a" -j ACCEPT' })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks: [net(1, { id: 'f'.repeat(20) })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks: [net(1, { subnet: '10.1.0.0/33' })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks: [net(1), net(2, { bridge: 'br-net1' })] }, 4)).toThrow(ConflictError);
  });

  it('refuses a host port published twice and ports on internal networks', () => {
    const networks = [net(1), net(2, { internal: true })];
    expect(() => desired({ networks, ports: [port(1, 80, 80), port(1, 80, 81)] }, 4)).toThrow(ConflictError);
    const specific = port(1, 80, 80, { hostIp: '192.0.2.1' });
    expect(() => desired({ networks, ports: [specific, port(1, 80, 81)] }, 4)).toThrow(ConflictError);
    expect(() => desired({ networks, ports: [port(1, 80, 81), specific] }, 4)).toThrow(ConflictError);
    const distinct = [specific, port(1, 80, 81, { hostIp: '192.0.2.2' }), port(1, 80, 80, { proto: 'udp' })];
    expect(desired({ networks, ports: distinct }, 4).tables.map((t) => t.name)).toEqual(['filter', 'nat', 'raw']);
    expect(() => desired({ networks, ports: [port(1, 80, 80, { proto: 'icmp' as 'tcp' })] }, 4)).toThrow(UsageError);
    expect(() => desired({ networks, ports: [port(2, 80, 80)] }, 4)).toThrow(InternalError);
    expect(() => desired({ networks, ports: [port(1, 0, 80)] }, 4)).toThrow(UsageError);
  });
});

describe('canonical addresses', () => {
  it('compresses IPv6 like inet_ntop', () => {
    expect(canonicalIp('2001:db8:0:0:1:0:0:1', 6)).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('fd00:0:0:1:0:0:0:5', 6)).toBe('fd00:0:0:1::5');
    expect(canonicalIp('1:0:2:0:3:0:4:0', 6)).toBe('1:0:2:0:3:0:4:0');
    expect(canonicalIp('::', 6)).toBe('::');
    expect(canonicalIp('::ffff:102:304', 6)).toBe('::ffff:1.2.3.4');
    expect(canonicalIp('::1', 6)).toBe('::1');
    expect(canonicalIp('::7', 6)).toBe('::7');
    expect(canonicalIp('::1:2', 6)).toBe('::0.1.0.2');
    expect(canonicalCidr('fd00::1/8', 6)).toBe('fd00::/8');
    expect(canonicalCidr('172.17.255.1/12', 4)).toBe('172.16.0.0/12');
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', '1.2.3.4/24'])
      expect(() => canonicalIp(bad, 4)).toThrow(UsageError);
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8'])
      expect(() => canonicalIp(bad, 6)).toThrow(UsageError);
  });
});
