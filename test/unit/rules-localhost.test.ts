import { describe, expect, it } from 'vitest';
import { desired } from '../../src/firewall/iptables/desired.js';
import { diff } from '../../src/firewall/iptables/diff.js';
import { planLocalnet } from '../../src/engine/localnet.js';
import type { Network } from '../../src/model/network.js';
import type { Endpoint } from '../../src/model/container.js';
import type { PublishedPort } from '../../src/model/port.js';
import { net, show } from './rules/fixtures.js';

const lines = (text: string, prefix: string): string[] => text.split('\n').filter((l) => l.startsWith(prefix));

describe('loopback-published ports and the raw table', () => {
  it('drops loopback and foreign-bridge packets to container addresses before NAT', () => {
    const endpoints = [
      { network: net(1).id, ip: '10.1.0.2' },
      { network: net(2).id, ip: '10.2.0.5' },
      { network: 'f00', ip: '10.9.0.9' },
      { network: net(1).id, ip: 'fd00::2' },
    ];
    const text = show(desired({ networks: [net(1), net(2)], endpoints }, 4));
    expect(lines(text, '-A NETCTL-PREROUTING ')).toEqual([
      '-A NETCTL-PREROUTING -d 127.0.0.0/8 ! -i lo -m comment --comment "netctl:localhost" -j DROP',
      '-A NETCTL-PREROUTING -d 10.1.0.2/32 ! -i br-net1 -m comment --comment "netctl:net=net1" -j DROP',
      '-A NETCTL-PREROUTING -d 10.2.0.5/32 ! -i br-net2 -m comment --comment "netctl:net=net2" -j DROP',
    ]);
    expect(lines(text, '-A PREROUTING -m comment --comment "netctl:jump" -j NETCTL-PREROUTING')).toHaveLength(1);
    const v6 = show(desired({ networks: [net(1, { subnet6: 'fd00::/64' })], endpoints }, 6));
    expect(lines(v6, '-A NETCTL-PREROUTING ')).toEqual([
      '-A NETCTL-PREROUTING -d fd00::2/128 ! -i br-net1 -m comment --comment "netctl:net=net1" -j DROP',
    ]);
  });

  it("DNATs the host's own 127.0.0.1 connections in IPv4 only, masquerading them towards each bridge", () => {
    const v4 = show(desired({ networks: [net(1)] }, 4));
    expect(v4).toContain('-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "netctl:jump" -j NETCTL-DNAT');
    expect(v4).toContain(
      '-A NETCTL-POSTROUTING -s 127.0.0.0/8 -o br-net1 -m comment --comment "netctl:net=net1" -j MASQUERADE',
    );
    const v6 = show(desired({ networks: [net(1, { subnet6: 'fd00::/64' })] }, 6));
    expect(v6).toContain('-A OUTPUT ! -d ::1/128 -m addrtype');
    expect(v6).not.toContain('127.0.0.0/8');
  });

  it('a new container only appends to the raw chain; removing it only deletes its rule', () => {
    const a = { network: net(1).id, ip: '10.1.0.2' };
    const b = { network: net(1).id, ip: '10.1.0.3' };
    const one = desired({ networks: [net(1)], endpoints: [a] }, 4);
    const two = desired({ networks: [net(1)], endpoints: [a, b] }, 4);
    const up = diff(two, one);
    expect(
      up.tables.map((t) => [t.table, t.append.length, t.write.length, t.deleteRules.length, t.insertRules.length]),
    ).toEqual([['raw', 1, 0, 0, 0]]);
    const down = diff(desired({ networks: [net(1)], endpoints: [b] }, 4), two);
    expect(down.tables.flatMap((t) => t.deleteRules.map((r) => r.matches[0]?.options[0]?.values[0]))).toEqual([
      '10.1.0.2/32',
    ]);
  });
});

describe('route_localnet planning', () => {
  const network = (n: number): Network =>
    ({
      id: `a0${n}`,
      name: `n${n}`,
      bridge: `br.n${n}`,
      subnet: `10.${n}.0.0/24`,
      gateway: `10.${n}.0.1`,
      internal: false,
      icc: true,
    }) as Network;
  const nets = [network(1), network(2), network(3)];
  const eps: Endpoint[] = [1, 2, 3].map((n) => ({
    containerId: `c${n}`,
    networkId: `a0${n}`,
    ifname: 'eth0',
    address: `10.${n}.0.2`,
    aliases: [],
  }));
  const port = (c: number, hostIp: string): PublishedPort => ({
    containerId: `c${c}`,
    hostIp,
    hostPort: 8000 + c,
    containerPort: 80,
    proto: 'tcp',
  });

  it('is on for bridges whose ports the host reaches through 127.0.0.1, off for the others it is asked about', () => {
    const ports = [port(1, '127.0.0.1'), port(2, '0.0.0.0'), port(3, '192.0.2.1')];
    expect(planLocalnet(nets, ports, eps, ['a01', 'a02', 'a03'])).toEqual([
      { op: 'sysctl', path: 'net/ipv4/conf/br.n1/route_localnet', value: '1' },
      { op: 'sysctl', path: 'net/ipv4/conf/br.n2/route_localnet', value: '1' },
      { op: 'sysctl', path: 'net/ipv4/conf/br.n3/route_localnet', value: '0' },
    ]);
    expect(planLocalnet(nets, [], eps, ['a02'])).toEqual([
      { op: 'sysctl', path: 'net/ipv4/conf/br.n2/route_localnet', value: '0' },
    ]);
  });
});
