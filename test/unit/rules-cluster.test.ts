import { describe, expect, it } from 'vitest';
import { containerRules, desired } from '../../src/firewall/iptables/desired.js';
import { golden, net, show } from './rules/fixtures.js';

// A node's pod network inside the cluster's 10.244.0.0/16 (and fd00:244::/56), with one pod.
const pods = net(1, {
  subnet: '10.244.1.0/24',
  subnet6: 'fd00:244:0:1::/64',
  clusterCidrs: ['10.244.0.0/16', 'fd00:244::/56'],
});
const endpoints = [
  { network: pods.id, ip: '10.244.1.2' },
  { network: pods.id, ip: 'fd00:244:0:1::2' },
];

const lines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('-A'));

describe('cluster ranges and ipMasq', () => {
  it('cluster ranges: no masquerade towards them, their packets in from any other interface, per family', () => {
    const v4 = show(desired({ networks: [pods], endpoints }, 4));
    golden('cluster-cidr.rules', v4);
    // The masquerade to the rest of the world stays, after the cluster's return.
    const post = lines(v4).filter((l) => l.startsWith('-A NETCTL-POSTROUTING'));
    expect(post.slice(0, 2)).toEqual([
      '-A NETCTL-POSTROUTING -s 10.244.1.0/24 -d 10.244.0.0/16 ! -o br-net1 -m comment --comment "netctl:net=net1" -j RETURN',
      '-A NETCTL-POSTROUTING -s 10.244.1.0/24 ! -o br-net1 -m comment --comment "netctl:net=net1" -j MASQUERADE',
    ]);
    const v6 = show(desired({ networks: [pods], endpoints }, 6));
    expect(v6).toContain(
      '-A NETCTL-POSTROUTING -s fd00:244:0:1::/64 -d fd00:244::/56 ! -o br-net1 -m comment --comment "netctl:net=net1" -j RETURN',
    );
    expect(v6).toContain(
      '-A NETCTL-PREROUTING -s fd00:244::/56 -d fd00:244:0:1::2/128 ! -i br-net1 -m comment --comment "netctl:net=net1" -j RETURN',
    );
    expect(v6).not.toContain('10.244.');
    expect(v4).not.toContain('fd00:');
  });

  it('the cluster accept precedes the ports chain and keeps icc out of it (! -i bridge)', () => {
    const chain = lines(show(desired({ networks: [{ ...pods, icc: false }], endpoints }, 4))).filter((l) =>
      l.startsWith('-A NETCTL-N-'),
    );
    expect(chain[1]).toBe(
      '-A NETCTL-N-a01 -s 10.244.0.0/16 ! -i br-net1 -o br-net1 -m comment --comment "netctl:net=net1" -j ACCEPT',
    );
    expect(chain[2]).toContain('-j NETCTL-P-a01');
    expect(chain).toContain('-A NETCTL-N-a01 -i br-net1 -o br-net1 -m comment --comment "netctl:net=net1" -j DROP');
  });

  it('the raw returns go with the endpoint, just before its drop', () => {
    const raw = lines(show(containerRules({ networks: [pods], endpoints }, 4)));
    expect(raw).toEqual([
      '-A NETCTL-PREROUTING -s 10.244.0.0/16 -d 10.244.1.2/32 ! -i br-net1 -m comment --comment "netctl:net=net1" -j RETURN',
      '-A NETCTL-PREROUTING -d 10.244.1.2/32 ! -i br-net1 -m comment --comment "netctl:net=net1" -j DROP',
    ]);
  });

  it('without cluster ranges the rules are as before', () => {
    const plain = net(1, { subnet: '10.244.1.0/24' });
    expect(show(desired({ networks: [{ ...plain, clusterCidrs: [] }], endpoints }, 4))).toBe(
      show(desired({ networks: [plain], endpoints }, 4)),
    );
    expect(show(desired({ networks: [plain], endpoints }, 4))).not.toContain('RETURN\n-A NETCTL-POSTROUTING');
  });

  it('ipMasq false: nothing leaving is masqueraded; the hairpin and loopback masquerades stay', () => {
    const post = lines(
      show(desired({ networks: [net(1, { ipMasq: false, clusterCidrs: ['10.0.0.0/8'] })] }, 4)),
    ).filter((l) => l.startsWith('-A NETCTL-POSTROUTING'));
    expect(post).toEqual([
      '-A NETCTL-POSTROUTING -s 10.1.0.0/24 -o br-net1 -m conntrack --ctstate DNAT -m comment --comment "netctl:net=net1" -j MASQUERADE',
      '-A NETCTL-POSTROUTING -s 127.0.0.0/8 -o br-net1 -m comment --comment "netctl:net=net1" -j MASQUERADE',
    ]);
  });

  it('refuses a cluster range that is not a CIDR of its family', () => {
    expect(() => desired({ networks: [net(1, { clusterCidrs: ['10.244.0.0'] })] }, 4)).toThrow(
      'invalid IPv4 subnet "10.244.0.0"',
    );
  });
});
