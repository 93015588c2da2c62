import { describe, expect, it } from 'vitest';
import { hostsText } from '../../src/engine/hosts.js';
import { exposedPorts, linkEnv, linkRules, type NetView } from '../../src/engine/links.js';
import { desired } from '../../src/firewall/iptables/desired.js';
import type { Container, Endpoint } from '../../src/model/container.js';
import type { Network } from '../../src/model/network.js';
import { net, show } from './rules/fixtures.js';

const network = (id: string, name: string, over: Partial<Network> = {}): Network =>
  ({
    id,
    name,
    bridge: `br-${name}`,
    subnet: '10.0.0.0/24',
    gateway: '10.0.0.1',
    internal: false,
    icc: true,
    ...over,
  }) as Network;
const ctr = (id: string, name: string, config: Record<string, unknown> = {}): Container =>
  ({
    id,
    name,
    image: 'busybox',
    state: 'running',
    config: { launch: { hostname: name, env: [] }, ...config },
    createdAt: '',
  }) as Container;
const ep = (containerId: string, networkId: string, address: string, aliases: string[] = []): Endpoint => ({
  containerId,
  networkId,
  ifname: 'eth0',
  address,
  aliases,
});

function view(over: Partial<NetView> = {}): NetView {
  return {
    networks: [network('a01', 'bridge'), network('a02', 'app'), network('a03', 'locked', { icc: false })],
    containers: [
      ctr('c1', 'web', { extraHosts: ['192.0.2.9\tdb.example'] }),
      ctr('c2', 'api'),
      ctr('c3', 'db', { exposed: ['5432/tcp', '53/udp', 'junk'], launch: { env: ['PATH=/bin', 'PW=x=y'] } }),
      ctr('c4', 'old'),
    ],
    endpoints: [
      ep('c1', 'a01', '172.17.0.2'),
      ep('c1', 'a02', '10.2.0.2'),
      ep('c2', 'a02', '10.2.0.3', ['api-alias']),
      ep('c4', 'a01', '172.17.0.4'),
      ep('c3', 'a03', '10.3.0.5'),
      ep('c2', 'a03', '10.3.0.6'),
    ],
    links: [
      { containerId: 'c2', target: 'db', alias: 'pg' },
      { containerId: 'c1', target: 'gone', alias: 'x' },
    ],
    ports: [{ containerId: 'c3', hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
    ...over,
  };
}

describe('hosts files', () => {
  it('lists its own addresses and --add-host entries, never peers: the embedded DNS server answers those', () => {
    const v = view();
    expect(hostsText(v, v.containers[0]!)).toBe(
      '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n172.17.0.2\tweb\n10.2.0.2\tweb\n192.0.2.9\tdb.example\n',
    );
  });

  it('adds IP ALIAS NAME for a link, and nothing for the peers of its networks', () => {
    const v = view();
    const text = hostsText(v, v.containers[1]!);
    expect(text).toContain('10.3.0.5\tpg db\n');
    expect(text).not.toContain('\tweb');
    expect(text).not.toMatch(/^10\.3\.0\.5\tdb$/m);
  });

  it('names the hostname first, then the container name, on each own address', () => {
    const v = view({ containers: [ctr('c1', 'web', { launch: { hostname: 'www' } })] });
    expect(hostsText(v, v.containers[0]!)).toContain('172.17.0.2\twww web\n10.2.0.2\twww web\n');
  });
});

describe('links', () => {
  it('opens the exposed and published ports, tcp first by number, on icc=false networks only', () => {
    const v = view();
    expect(exposedPorts(v.containers[2]!, v.ports)).toEqual([
      { port: 53, proto: 'udp' },
      { port: 80, proto: 'tcp' },
      { port: 5432, proto: 'tcp' },
    ]);
    expect(linkRules(v)).toEqual([
      {
        network: 'a03',
        from: '10.3.0.6',
        to: '10.3.0.5',
        ports: exposedPorts(v.containers[2]!, v.ports),
        name: 'api:pg',
      },
    ]);
    expect(linkRules(view({ networks: [network('a03', 'locked')] }))).toEqual([]);
  });

  it('renders each port as an accept from the linking to the linked address, in the ports chain', () => {
    const links = [
      {
        network: net(1).id,
        from: '10.1.0.3',
        to: '10.1.0.2',
        ports: [{ port: 5432, proto: 'tcp' as const }],
        name: 'api:pg',
      },
    ];
    const text = show(desired({ networks: [net(1, { icc: false })], links }, 4));
    expect(text).toContain(
      '-A NETCTL-P-a01 -s 10.1.0.3/32 -d 10.1.0.2/32 -i br-net1 -o br-net1 -p tcp -m tcp --dport 5432 -m comment --comment "netctl:link=api:pg" -j ACCEPT',
    );
    expect(() => desired({ networks: [net(1)], links: [{ ...links[0]!, name: 'a b:c' }] }, 4)).toThrow(
      /invalid link name/,
    );
  });

  it("gives Docker's variables", () => {
    const v = view();
    expect(linkEnv('api', 'my-pg', v.containers[2]!, '10.3.0.5', [{ port: 5432, proto: 'tcp' }])).toEqual([
      'MY_PG_PORT=tcp://10.3.0.5:5432',
      'MY_PG_PORT_5432_TCP=tcp://10.3.0.5:5432',
      'MY_PG_PORT_5432_TCP_ADDR=10.3.0.5',
      'MY_PG_PORT_5432_TCP_PORT=5432',
      'MY_PG_PORT_5432_TCP_PROTO=tcp',
      'MY_PG_NAME=/api/my-pg',
      'MY_PG_ENV_PW=x=y',
    ]);
  });
});
