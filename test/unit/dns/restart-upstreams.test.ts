/**
 * What keeps the embedded server's answers right across a restart (the ports kept per
 * namespace, the redirect that drops the kernel's "nobody listens" replies) and a
 * container's own upstreams (`--dns`): its view carries them, the cache keeps their answers apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { AnswerCache } from '../../../src/dns/cache.js';
import { filePortBook } from '../../../src/dns/ports.js';
import { redirectRules } from '../../../src/dns/redirect.js';
import { Zone } from '../../../src/dns/zone.js';
import type { Container, Endpoint } from '../../../src/model/container.js';
import type { Network } from '../../../src/model/network.js';

const dir = mkdtempSync(join(tmpdir(), 'netctl-dns-ports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ports kept across restarts', () => {
  const book = filePortBook(join(dir, 'ports'));
  const ns1 = join(dir, 'ns1');
  const ns2 = join(dir, 'ns2');
  writeFileSync(ns1, '');
  writeFileSync(ns2, '');

  it('gives back the ports of the same namespace only', () => {
    expect(book.get('abc', ns1)).toBeUndefined();
    book.set('abc', ns1, { udp: 20001, tcp: 20002 });
    expect(book.get('abc', ns1)).toEqual({ udp: 20001, tcp: 20002 });
    // A restarted container has a new namespace: its old redirect is gone with the old one.
    expect(book.get('abc', ns2)).toBeUndefined();
  });

  it('forgets a container, and prunes those no longer served', () => {
    book.set('def', ns2, { udp: 30001, tcp: 30002 });
    book.drop('abc');
    expect(book.get('abc', ns1)).toBeUndefined();
    book.set('abc', ns1, { udp: 20001, tcp: 20002 });
    book.prune(['def']);
    expect(book.get('abc', ns1)).toBeUndefined();
    expect(book.get('def', ns2)).toEqual({ udp: 30001, tcp: 30002 });
  });

  it('a damaged record is no record', () => {
    writeFileSync(join(dir, 'ports', 'bad'), 'x 0 99999\n');
    expect(book.get('bad', ns1)).toBeUndefined();
  });
});

describe('redirect rules', () => {
  it('DNAT to the ports, and drop (not reject) what the kernel says when nothing listens', () => {
    const t = redirectRules(20001, 20002);
    expect(t).toContain('--dport 53 -m comment --comment netctl:dns -j DNAT --to-destination 127.0.0.11:20001');
    expect(t).toContain(
      '-p tcp -m tcp --dport 53 -m comment --comment netctl:dns -j DNAT --to-destination 127.0.0.11:20002',
    );
    expect(t).toContain(
      '-A OUTPUT -s 127.0.0.11/32 -p icmp -m icmp --icmp-type 3/3 -m comment --comment netctl:dns -j DROP',
    );
    expect(t).toContain('--sport 20002 --tcp-flags RST RST -m comment --comment netctl:dns -j DROP');
    expect(t.match(/^COMMIT$/gm)).toHaveLength(2);
  });
});

describe("a container's own upstreams", () => {
  const net = { id: 'n1', name: 'front', internal: false, subnet: '10.0.0.0/24' } as Network;
  const ctr = (id: string, dns?: object): Container =>
    ({ id: id.padEnd(64, '0'), name: id, state: 'running', config: dns ? { dns } : {} }) as Container;
  const ep = (c: string, address: string): Endpoint => ({
    containerId: c.padEnd(64, '0'),
    networkId: 'n1',
    ifname: 'eth0',
    address,
    aliases: [],
  });
  const zone = new Zone({
    networks: [net],
    containers: [ctr('a', { servers: ['198.51.100.3'] }), ctr('b', { servers: [] }), ctr('c')],
    endpoints: [ep('a', '10.0.0.2'), ep('b', '10.0.0.3'), ep('c', '10.0.0.4')],
    links: [],
  });

  it('are in its view; a container without --dns has none (the host resolvers)', () => {
    expect(zone.view('a'.padEnd(64, '0'))?.upstreams).toEqual(['198.51.100.3']);
    expect(zone.view('b'.padEnd(64, '0'))?.upstreams).toBeUndefined();
    expect(zone.view('c'.padEnd(64, '0'))?.upstreams).toBeUndefined();
  });

  it("have their own cache entries: one resolver's answer is never another's", () => {
    const cache = new AnswerCache(() => 0);
    const q = { name: 'e.test', type: 'A' as const };
    const up = (data: string): DecodedPacket =>
      dnsPacket.decode(
        dnsPacket.encode({
          id: 1,
          type: 'response',
          questions: [q],
          answers: [{ name: 'e.test', type: 'A', ttl: 60, data }],
        }),
      );
    cache.put(q, up('1.1.1.1'));
    cache.put(q, up('3.3.3.3'), ['198.51.100.3']);
    expect(cache.get(q)?.answers[0]?.data).toBe('1.1.1.1');
    expect(cache.get(q, ['198.51.100.3'])?.answers[0]?.data).toBe('3.3.3.3');
    expect(cache.get(q, ['198.51.100.4'])).toBeUndefined();
  });
});
