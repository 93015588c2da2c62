import { describe, expect, it } from 'vitest';
import { desiredRoutes, type RouteState } from '../../../src/engine/allow-routes.js';
import { canonicalSource, parsePortArg } from '../../../src/model/allow-policy.js';
import type { Network } from '../../../src/model/network.js';

const net = {
  id: 'n1id',
  name: 'front',
  subnet: '10.1.0.0/24',
  subnet6: 'fd00:1::/64',
  internal: false,
} as unknown as Network;
const state = (allows: RouteState['allows']): RouteState => ({
  allows,
  containers: [
    { id: 'c1', name: 'web' },
    { id: 'c2', name: 'db' },
  ],
  networks: [net],
  ports: [
    { containerId: 'c1', hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
    { containerId: 'c1', hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
    { containerId: 'c1', hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, proto: 'udp' },
    { containerId: 'c2', hostIp: '0.0.0.0', hostPort: 5432, containerPort: 5432, proto: 'tcp' },
  ],
  endpoints: [
    { containerId: 'c1', networkId: 'n1id', ifname: 'eth0', address: '10.1.0.2', address6: 'fd00:1::2', aliases: [] },
    { containerId: 'c2', networkId: 'n1id', ifname: 'eth0', address: '10.1.0.3', aliases: [] },
  ],
});
const rule = { container: 'web', port: null, proto: null, from: null, network: null };

describe('allow rules to ufw route rules', () => {
  it('opens every published path of the selected container port, per family', () => {
    const r = desiredRoutes(state([{ ...rule, port: 80 }]));
    expect(r.map((x) => `${x.family} ${x.to} ${x.port}/${x.proto} ${x.comment}`)).toEqual([
      '4 10.1.0.2 80/tcp netctl:web 80/tcp net=front',
      '6 fd00:1::2 80/tcp netctl:web 80/tcp net=front',
    ]);
  });

  it('without a port opens every published port of that container only', () => {
    expect(desiredRoutes(state([rule])).map((x) => `${x.to} ${x.port}/${x.proto}`)).toEqual([
      '10.1.0.2 80/tcp',
      'fd00:1::2 80/tcp',
      '10.1.0.2 53/udp',
    ]);
  });

  it('keeps a source to its own family and filters by protocol and network', () => {
    expect(
      desiredRoutes(state([{ ...rule, from: '203.0.113.1' }])).every((x) => x.family === 4 && x.from === '203.0.113.1'),
    ).toBe(true);
    expect(desiredRoutes(state([{ ...rule, proto: 'udp' }])).map((x) => x.port)).toEqual([53]);
    expect(desiredRoutes(state([{ ...rule, network: 'other' }]))).toEqual([]);
  });

  it('follows the address: a new endpoint address gives new rules', () => {
    const s = state([{ ...rule, port: 80 }]);
    const moved = {
      ...s,
      endpoints: s.endpoints.map((e) => (e.containerId === 'c1' ? { ...e, address: '10.1.0.50' } : e)),
    };
    expect(desiredRoutes(moved)[0]!.to).toBe('10.1.0.50');
  });

  it('gives nothing for a container that is gone', () => {
    expect(desiredRoutes(state([{ ...rule, container: 'gone' }]))).toEqual([]);
  });
});

describe('allow arguments', () => {
  it('parses PORT[/tcp|udp] and refuses the rest with the value named', () => {
    expect(parsePortArg('80')).toEqual({ port: 80, proto: null });
    expect(parsePortArg('53/udp')).toEqual({ port: 53, proto: 'udp' });
    expect(() => parsePortArg('80/sctp')).toThrow(/"80\/sctp".*sctp/);
    expect(() => parsePortArg('http')).toThrow(/"http"/);
    expect(() => parsePortArg('70000')).toThrow(/70000/);
  });

  it('writes sources as ufw does', () => {
    expect(canonicalSource('203.0.113.1')).toBe('203.0.113.1');
    expect(canonicalSource('203.0.113.1/32')).toBe('203.0.113.1');
    expect(canonicalSource('203.0.113.5/24')).toBe('203.0.113.0/24');
    expect(canonicalSource('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(() => canonicalSource('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
  });
});
