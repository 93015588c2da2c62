import { describe, expect, it } from 'vitest';
import { liveRouteCounters, parseTupleLine, routesInUserRules } from '../../../src/firewall/ufw/route-entries.js';
import { iptablesLine, tupleLine, type RouteRule } from '../../../src/firewall/ufw/route-rules.js';
import { parse } from '../../../src/firewall/iptables/parse.js';
import { addressedContainers, mentions, routeOwner, ruleOwner } from '../../../src/ops/read-owners.js';

const docker: RouteRule = {
  family: 4,
  proto: 'tcp',
  to: '172.18.0.2',
  port: 80,
  from: null,
  comment: 'netctl:docker:shop 80/tcp',
};
const own: RouteRule = {
  family: 4,
  proto: 'udp',
  to: '10.1.0.2',
  port: 53,
  from: '203.0.113.0/24',
  comment: 'netctl:web 53/udp net=front',
};
const six: RouteRule = {
  family: 6,
  proto: 'tcp',
  to: 'fd00:1::2',
  port: 443,
  from: '2001:db8::1',
  comment: 'netctl:docker:shop 443/tcp',
};

const userRules = (rules: RouteRule[], others = ''): string =>
  `*filter\n:ufw-user-forward - [0:0]\n### RULES ###\n${others}${rules.map((r) => `\n${tupleLine(r)}\n${iptablesLine(r)}\n`).join('')}\n### END RULES ###\nCOMMIT\n`;

describe('netctl route rules read back from ufw user rules files', () => {
  it("turns each netctl tuple into its rule again and skips everybody else's", () => {
    for (const r of [docker, own]) expect(parseTupleLine(tupleLine(r), 4)).toEqual(r);
    expect(parseTupleLine(tupleLine(six), 6)).toEqual(six);
    const foreign =
      '\n### tuple ### route:allow tcp 22 10.1.0.9 any 0.0.0.0/0 in comment=6f74686572\n-A ufw-user-forward -p tcp -d 10.1.0.9 --dport 22 -j ACCEPT\n';
    expect(routesInUserRules(userRules([own, docker], foreign), 4)).toEqual([own, docker]);
    expect(routesInUserRules(undefined, 4)).toEqual([]);
    expect(routesInUserRules('# as the package ships it\n', 4)).toEqual([]);
  });

  it("finds each rule in ufw's live forward chain with its counters, and says when it is not loaded", () => {
    const live = parse(
      [
        '*filter',
        ':ufw-user-forward - [0:0]',
        '[7:420] -A ufw-user-forward -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
        '[0:0] -A ufw-user-forward -s 203.0.113.0/24 -d 10.1.0.2/32 -p udp -m udp --dport 53 -j ACCEPT',
        'COMMIT',
        '',
      ].join('\n'),
      { family: 4 },
    );
    expect(liveRouteCounters(live, docker)).toEqual({ packets: 7n, bytes: 420n });
    expect(liveRouteCounters(live, own)).toEqual({ packets: 0n, bytes: 0n });
    expect(liveRouteCounters(live, { ...docker, port: 81 })).toBeUndefined();
    expect(liveRouteCounters(live, { ...docker, from: '198.51.100.1' })).toBeUndefined();
    expect(liveRouteCounters(live, { ...own, from: null })).toBeUndefined();
    const live6 = parse(
      '*filter\n:ufw6-user-forward - [0:0]\n[1:80] -A ufw6-user-forward -s 2001:db8::1/128 -d fd00:1::2/128 -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n',
      { family: 6 },
    );
    expect(liveRouteCounters(live6, six)).toEqual({ packets: 1n, bytes: 80n });
  });
});

describe('whose container a rule is about', () => {
  const containers = addressedContainers(
    [
      { id: 'c1', name: 'web', config: {} },
      {
        id: 'c2',
        name: 'ns1.api',
        config: {
          kind: 'cni',
          network: 'pods',
          cni: { name: 'pods', containerId: 'x', ifname: 'eth0', netns: '/run/netns/a', args: {} },
        },
      },
    ],
    [
      { containerId: 'c1', networkId: 'n', ifname: 'eth0', address: '10.1.0.2', aliases: [] },
      { containerId: 'c2', networkId: 'p', ifname: 'eth0', address: '10.9.0.2', address6: 'fd00:9::2', aliases: [] },
    ],
  );

  it('matches whole addresses only', () => {
    expect(mentions('-d 10.1.0.2/32 -j ACCEPT', '10.1.0.2')).toBe(true);
    expect(mentions('--to-destination 10.1.0.2:80', '10.1.0.2')).toBe(true);
    expect(mentions('-d 10.1.0.23/32', '10.1.0.2')).toBe(false);
    expect(mentions('-d 110.1.0.2/32', '10.1.0.2')).toBe(false);
    expect(mentions('-d fd00:9::2/128', 'fd00:9::2')).toBe(true);
    expect(mentions('-d fd00:9::2a/128', 'fd00:9::2')).toBe(false);
  });

  it("says cni for a rule naming a CNI attachment's address, netctl otherwise", () => {
    expect(containers.map((c) => c.kind)).toEqual(['netctl', 'cni']);
    expect(
      ruleOwner('-A NETCTL-DNAT -p tcp -m tcp --dport 9090 -j DNAT --to-destination 10.9.0.2:80', containers),
    ).toEqual({ owner: 'cni', containers: ['ns1.api'] });
    expect(ruleOwner('-A NETCTL-RAW -d fd00:9::2/128 -j DROP', containers)).toEqual({
      owner: 'cni',
      containers: ['ns1.api'],
    });
    expect(ruleOwner('-A NETCTL-DNAT --to-destination 10.1.0.2:80', containers)).toEqual({
      owner: 'netctl',
      containers: ['web'],
    });
    expect(ruleOwner('-A NETCTL-FORWARD -o nc-1 -j NETCTL-N-1', containers)).toEqual({
      owner: 'netctl',
      containers: [],
    });
  });

  it("reads a route rule's owner from its comment", () => {
    const kinds = new Map(containers.map((c) => [c.name, c.kind]));
    expect(routeOwner('netctl:docker:shop 80/tcp', kinds)).toEqual({ owner: 'docker', container: 'shop' });
    expect(routeOwner('netctl:ns1.api 80/tcp net=pods', kinds)).toEqual({ owner: 'cni', container: 'ns1.api' });
    expect(routeOwner('netctl:web 80/tcp net=front', kinds)).toEqual({ owner: 'netctl', container: 'web' });
    expect(routeOwner('somebody else', kinds)).toBeNull();
  });
});
