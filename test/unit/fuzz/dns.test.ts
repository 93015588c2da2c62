/**
 * The embedded DNS server's answer to any packet a container sends, and to any answer an
 * upstream sends back: bytes or silence, never a rejected promise (the server's UDP and TCP
 * handlers do not wait on it, so a rejection would end the process serving every
 * container's names).
 */
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Forwarder } from '../../../src/dns/forward.js';
import { DnsServer } from '../../../src/dns/server.js';
import { Zone } from '../../../src/dns/zone.js';
import type { Container, Endpoint } from '../../../src/model/container.js';
import type { Network } from '../../../src/model/network.js';
import { corpus, params, rejected, timeout } from './fuzz.js';

const ID = 'a'.repeat(64);
let upstream: DecodedPacket | undefined;
const forwarder = { resolve: async () => upstream, cache: { size: 0, hits: 0 }, close() {} } as unknown as Forwarder;
const server = new DnsServer({
  makeSocket: () => -1,
  closeFd: () => undefined,
  redirect: async () => undefined,
  forwarder,
  log: () => undefined,
});
server.zone = new Zone({
  networks: [{ id: 'n1', name: 'front', internal: false, subnet: '10.1.0.0/24' } as Network],
  containers: [{ id: ID, name: 'web', state: 'running', config: {} } as Container],
  endpoints: [{ containerId: ID, networkId: 'n1', ifname: 'eth0', address: '10.1.0.2', aliases: ['www'] } as Endpoint],
  links: [],
});

const TYPES = ['A', 'AAAA', 'PTR', 'ANY', 'TXT', 'MX', 'SRV', 'CNAME', 'NS', 'SOA', 'OPT', 'CAA', 'NULL'] as const;
const name = fc.oneof(
  fc.constantFrom('web', 'www', 'web.', 'example.com', '2.0.1.10.in-addr.arpa', '', '.', 'a..b', 'x.'.repeat(60)),
  fc.string({ maxLength: 10 }),
);
const question = fc.record({ name, type: fc.constantFrom(...TYPES), class: fc.constantFrom('IN', 'CH', 'ANY') });
const packet = fc.record({
  id: fc.integer({ min: 0, max: 65535 }),
  type: fc.constantFrom('query', 'response'),
  flags: fc.integer({ min: 0, max: 0xffff }),
  questions: fc.array(question, { maxLength: 2 }),
  additionals: fc.constantFrom(
    [],
    [{ type: 'OPT', name: '.', udpPayloadSize: 4096 }],
    [{ type: 'OPT', name: '.', udpPayloadSize: 1 }],
  ),
});

function encode(p: unknown): Buffer | undefined {
  try {
    return dnsPacket.encode(p as dnsPacket.Packet);
  } catch {
    return undefined;
  }
}

/** Bytes: well-formed packets, and the same with bytes flipped, cut or appended. */
const bytes = fc.oneof(
  fc
    .tuple(packet, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat())
    .map(([p, flips, cut]) => {
      const b = encode(p) ?? Buffer.alloc(12);
      for (const [at, v] of flips) b[at % b.length] = v;
      return cut % 3 === 0 ? b.subarray(0, cut % (b.length + 1)) : b;
    }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);

async function answers(msg: Buffer, up: Buffer | undefined, limit?: number): Promise<void> {
  try {
    upstream = up ? dnsPacket.decode(up) : undefined;
  } catch {
    upstream = undefined;
  }
  const err = await rejected(() => server.answer(ID, msg, limit));
  if (err !== undefined)
    throw new Error(`answer rejected: ${String(err)}\nquery ${msg.toString('hex')}\nupstream ${up?.toString('hex')}`);
}

describe('DNS server, property tests', () => {
  it(
    'any query and any upstream answer give bytes or silence, never a rejection',
    async () => {
      await fc.assert(
        fc.asyncProperty(bytes, fc.option(bytes, { nil: undefined }), fc.constantFrom(undefined, 512, 4096), answers),
        params(400),
      );
    },
    timeout(),
  );

  it('a plain query for a container name is answered from the zone', async () => {
    const q = dnsPacket.encode({ id: 1, type: 'query', questions: [{ name: 'web', type: 'A' }] });
    const out = dnsPacket.decode((await server.answer(ID, q))!);
    expect(out.answers?.map((a) => a.data)).toStrictEqual(['10.1.0.2']);
  });

  it('replays the corpus of inputs that once failed', async () => {
    for (const [n, b] of corpus('dns')) {
      const [q, up] = b.toString('utf8').trim().split('\n');
      await answers(Buffer.from(q!, 'hex'), up ? Buffer.from(up, 'hex') : undefined);
      expect(n).toBeTruthy();
    }
  });
});
