import { describe, expect, it } from 'vitest';
import { desired } from '../../src/firewall/iptables/desired.js';
import { diff } from '../../src/firewall/iptables/diff.js';
import { renderPlan } from '../../src/firewall/iptables/plan-render.js';
import { golden, net, port, show } from './rules/fixtures.js';

const ports = [port(1, 8080, 80), port(2, 8443, 443), port(1, 5353, 53, { proto: 'udp', hostIp: '192.0.2.1' })];

describe('desired rules with ufw deciding published ports', () => {
  it('each published-port accept is preceded by the same match jumping to ufw-netctl-forward', () => {
    const text = show(desired({ networks: [net(1), net(2)], ports, ufw: true }, 4));
    golden('ports-ufw.rules', text);
    const plain = show(desired({ networks: [net(1), net(2)], ports }, 4)).split('\n');
    const lines = text.split('\n');
    const added = lines.filter((l) => !plain.includes(l));
    expect(added).toHaveLength(3);
    for (const jump of added) {
      expect(jump).toMatch(/^-A NETCTL-P-a0[12] .* -j ufw-netctl-forward$/);
      expect(lines[lines.indexOf(jump) + 1]).toBe(jump.replace(/-j ufw-netctl-forward$/, '-j ACCEPT'));
    }
  });

  it('uses ufw6-netctl-forward in ip6tables, as ufw names its IPv6 chains', () => {
    const networks = [net(1, { subnet6: 'fd00:0:0:1::/64' })];
    const text = show(
      desired({ networks, ports: [port(1, 8080, 80, { containerIp: 'fd00:0:0:1::2' })], ufw: true }, 6),
    );
    expect(text).toContain(
      '-A NETCTL-P-a01 -d fd00:0:0:1::2/128 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment "netctl:net=net1" -j ufw6-netctl-forward',
    );
    expect(text).not.toContain('ufw-netctl-forward');
  });

  it('switching ufw on rewrites only the ports chains', () => {
    const networks = [net(1), net(2)];
    const before = desired({ networks, ports }, 4);
    const after = desired({ networks, ports, ufw: true }, 4);
    const doc = renderPlan(diff(after, before));
    const changed = doc.split('\n').filter((l) => /^[-:]/.test(l));
    expect(changed.every((l) => /NETCTL-P-a0[12]/.test(l))).toBe(true);
    expect(doc).toContain('-j ufw-netctl-forward');
    expect(show(desired({ networks, ports, ufw: false }, 4))).toBe(show(before));
  });

  it('adds nothing for networks without ports or for internal ones', () => {
    const text = show(desired({ networks: [net(1), net(2, { internal: true })], ufw: true }, 4));
    expect(text).not.toContain('ufw');
  });
});
