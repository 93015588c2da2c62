/**
 * The embedded server's pure parts: the zone a container sees, the answer to a query, the
 * cache of forwarded answers and the choice of upstreams.
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { decide, encodeUdp, reverseAddress } from '../../../src/dns/answer.js';
import { AnswerCache, MAX_TTL } from '../../../src/dns/cache.js';
import { pickUpstreams } from '../../../src/dns/upstreams.js';
import { Zone } from '../../../src/dns/zone.js';
import type { Container, Endpoint } from '../../../src/model/container.js';
import type { Network } from '../../../src/model/network.js';

const net = (id: string, name: string, internal = false): Network =>
  ({ id, name, internal, subnet: '10.0.0.0/24' }) as Network;
const ctr = (id: string, name: string, state: Container['state'] = 'running'): Container =>
  ({ id: id.padEnd(64, '0'), name, state, config: {} }) as Container;
const ep = (c: string, n: string, address: string, aliases: string[] = [], address6?: string): Endpoint => ({
  containerId: c.padEnd(64, '0'),
  networkId: n,
  ifname: 'eth0',
  address,
  aliases,
  ...(address6 ? { address6 } : {}),
});

const zone = new Zone({
  networks: [net('n1', 'front'), net('n2', 'back'), net('n3', 'vault', true), net('n0', 'bridge')],
  containers: [
    ctr('a', 'web'),
    ctr('b', 'web2'),
    ctr('c', 'db'),
    ctr('d', 'gone', 'exited'),
    ctr('e', 'safe'),
    ctr('f', 'def'),
  ],
  endpoints: [
    ep('a', 'n1', '10.1.0.2', ['www', 'pool'], 'fd00::2'),
    ep('b', 'n1', '10.1.0.3', ['pool']),
    ep('c', 'n2', '10.2.0.2'),
    ep('d', 'n1', '10.1.0.9'),
    ep('e', 'n3', '10.3.0.2'),
    ep('f', 'n0', '172.17.0.2'),
  ],
  links: [{ containerId: 'b'.padEnd(64, '0'), target: 'web', alias: 'backend' }],
});
const view = (id: string) => ({ ...zone.view(id.padEnd(64, '0'))!, id: id.padEnd(64, '0') });
const q = (name: string, type = 'A'): DecodedPacket =>
  dnsPacket.decode(
    dnsPacket.encode({
      id: 7,
      type: 'query',
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type: type as 'A' }],
    }),
  );
const answer = (id: string, name: string, type = 'A'): DecodedPacket | 'forward' => {
  const d = decide(q(name, type), zone, view(id));
  return d.kind === 'forward' ? 'forward' : dnsPacket.decode(dnsPacket.encode(d.packet));
};
const data = (p: DecodedPacket | 'forward'): unknown => (p === 'forward' ? p : p.answers.map((a) => a.data));

describe('zone and answers', () => {
  it('names, short ids, aliases (case-insensitive) and a shared alias with every address', () => {
    expect(data(answer('b', 'web'))).toEqual(['10.1.0.2']);
    expect(data(answer('b', 'WWW.'))).toEqual(['10.1.0.2']);
    expect(data(answer('b', 'a00000000000'))).toEqual(['10.1.0.2']);
    expect(data(answer('a', 'pool'))).toEqual(['10.1.0.2', '10.1.0.3']);
    expect(data(answer('b', 'web', 'AAAA'))).toEqual(['fd00::2']);
  });

  it('a known name without an address of the family is no data, never forwarded', () => {
    const p = answer('a', 'web2', 'AAAA') as DecodedPacket;
    expect(p.rcode).toBe('NOERROR');
    expect(p.answers).toEqual([]);
  });

  it('only the asker networks, only running containers, links of the asker alone', () => {
    expect(answer('a', 'db')).toBe('forward');
    expect(answer('a', 'gone')).toBe('forward');
    expect(data(answer('b', 'backend'))).toEqual(['10.1.0.2']);
    expect(answer('a', 'backend')).toBe('forward');
    expect(zone.view('f'.padEnd(64, '0'))).toBeUndefined();
    expect(zone.served.map((c) => c.name).sort()).toEqual(['db', 'safe', 'web', 'web2']);
  });

  it('PTR for addresses on the asker networks as name.network', () => {
    expect(data(answer('b', '2.0.1.10.in-addr.arpa', 'PTR'))).toEqual(['web.front']);
    expect(answer('c', '2.0.1.10.in-addr.arpa', 'PTR')).toBe('forward');
    expect(reverseAddress('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa')).toBe('fd00::2');
  });

  it('an internal-only container gets SERVFAIL for what it does not know', () => {
    expect(data(answer('e', 'safe'))).toEqual(['10.3.0.2']);
    expect((answer('e', 'example.com') as DecodedPacket).rcode).toBe('SERVFAIL');
  });

  it('an answer larger than the UDP limit goes out truncated and empty', () => {
    const answers = Array.from({ length: 60 }, (_, i) => ({ name: 'x', type: 'A' as const, data: `10.0.0.${i}` }));
    const big = encodeUdp({ id: 1, type: 'response', questions: [{ name: 'x', type: 'A' }], answers }, 512);
    const p = dnsPacket.decode(big);
    expect(p.flag_tc).toBe(true);
    expect(p.answers).toEqual([]);
  });
});

describe('answer cache', () => {
  const up = (ttl: number, rcode = 0): DecodedPacket =>
    dnsPacket.decode(
      dnsPacket.encode({
        id: 1,
        type: 'response',
        flags: rcode,
        questions: [{ name: 'e.test', type: 'A' }],
        answers: rcode ? [] : [{ name: 'e.test', type: 'A', ttl, data: '1.2.3.4' }],
      }),
    );
  it('keeps an answer for its TTL (at most MAX_TTL), with TTLs aged on a hit', () => {
    let now = 0;
    const c = new AnswerCache(() => now);
    const question = { name: 'E.test.', type: 'A' as const };
    c.put(question, up(100));
    now = 30_000;
    expect((c.get({ name: 'e.test', type: 'A' })!.answers[0] as { ttl: number }).ttl).toBe(70);
    now = 100_001;
    expect(c.get(question)).toBeUndefined();
    c.put(question, up(100_000));
    now += (MAX_TTL + 1) * 1000;
    expect(c.get(question)).toBeUndefined();
  });
  it('does not keep SERVFAIL or a zero TTL', () => {
    const c = new AnswerCache(() => 0);
    c.put({ name: 'e.test', type: 'A' }, up(0));
    c.put({ name: 'f.test', type: 'A' }, up(10, 2));
    expect(c.size).toBe(0);
  });
});

describe('upstreams', () => {
  const files = (m: Record<string, string>) => (p: string) => m[p];
  it("the host's nameservers, loopback ones kept (the server asks them from the host's namespace)", () => {
    const r = pickUpstreams(
      files({ '/r': 'search x\nnameserver 127.0.0.1\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\n' }),
      '/r',
    );
    expect(r).toEqual({ servers: ['127.0.0.1', '10.0.0.1', 'fe80::1'], source: '/r', fallback: false });
  });
  it("systemd-resolved's stub: its real upstreams; no nameserver at all: the fallback", () => {
    const stub = { '/r': 'nameserver 127.0.0.53\n', '/run/systemd/resolve/resolv.conf': 'nameserver 192.0.2.53\n' };
    expect(pickUpstreams(files(stub), '/r').servers).toEqual(['192.0.2.53']);
    expect(pickUpstreams(files({ '/r': 'search x\n' }), '/r')).toMatchObject({ fallback: true });
    expect(pickUpstreams(files({}), '/r')).toMatchObject({ servers: ['8.8.8.8', '8.8.4.4'], fallback: true });
  });
});
