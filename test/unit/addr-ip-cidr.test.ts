// netctl keeps its own address module (src/model/addr.ts; why: its header and the "addr:"
// bench cases). This test cross-checks it against ip-cidr, the library the design named, on a
// corpus of IPv4 and IPv6 inputs: what both accept, block bounds, sizes, containment and
// canonical text, with the few places they differ on purpose named and pinned.
import IPCIDR from 'ip-cidr';
import { describe, expect, it } from 'vitest';
import {
  broadcastAddress,
  contains,
  formatCidr,
  formatIp,
  networkAddress,
  parseCidr,
  parseIp,
  sizeOf,
} from '../../src/model/addr.js';

type Address = ReturnType<typeof IPCIDR.createAddress>;

/** ip-cidr's value of an address, as a bigint. */
const bigintOf = (a: Address): bigint => BigInt(a.bigInteger().toString());

const ok = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

const ADDRESSES = [
  '0.0.0.0',
  '10.0.0.1',
  '172.17.255.1',
  '192.168.1.255',
  '255.255.255.255',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '1.2.3.-1',
  'a.b.c.d',
  '',
  '::',
  '::1',
  '::7',
  'fd00::1',
  'FD00:0:0:0::1',
  'fe80::',
  '2001:db8:0:0:1:0:0:1',
  '2001:0db8:0000:0000:0000:0000:0002:0001',
  '1:0:0:2:0:0:0:3',
  '1:0:2:0:3:0:4:0',
  'fd00:0:0:1:0:0:0:5',
  '1:2:3:4:5:6:7:8',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '::ffff:0:0',
  '::ffff:102:304',
  '::102:304',
  '::1:2',
  '1::2::3',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::8',
  'g::1',
  '12345::',
  ':1',
  '1:',
];

const CIDRS = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.1.2.3/24',
  '172.17.255.1/12',
  '192.168.1.7/31',
  '192.168.1.7/32',
  '100.64.0.0/10',
  '10.0.0.0/33',
  '10.0.0.0',
  '::/0',
  'fd00::1/8',
  'fd00::5/64',
  'fd00:1:2::5/48',
  'fd00:1:2::5/32',
  '2001:db8::/127',
  '2001:db8::1/128',
  'fe80::1:2:3:4/100',
  'fd00::/129',
];

// Addresses whose canonical text differs on purpose: netctl prints them as glibc's
// inet_ntop does (so as iptables-save and iproute2 print them), dotted; ip-address in hex.
const INET_NTOP_DOTTED = new Map([
  ['::ffff:0:0', '::ffff:0.0.0.0'],
  ['::ffff:102:304', '::ffff:1.2.3.4'],
  ['::102:304', '::1.2.3.4'],
  ['::1:2', '::0.1.0.2'],
]);

describe('model/addr against ip-cidr', () => {
  it.each(ADDRESSES)('address %j: same verdict, same value, same canonical text', (text) => {
    const ours = ok(() => parseIp(text));
    const theirs = IPCIDR.isValidAddress(text) ? IPCIDR.createAddress(text) : undefined;
    expect(ours !== undefined, 'accepted by both or neither').toBe(theirs !== undefined);
    if (!ours || !theirs) return;
    expect(ours.value).toBe(bigintOf(theirs));
    expect(formatIp(ours)).toBe(INET_NTOP_DOTTED.get(text) ?? theirs.correctForm());
  });

  it.each(CIDRS)('block %j: same verdict, bounds, size and canonical text', (text) => {
    const ours = ok(() => parseCidr(text));
    const theirs = IPCIDR.isValidCIDR(text) ? new IPCIDR(text) : undefined;
    expect(ours !== undefined, 'accepted by both or neither').toBe(theirs !== undefined);
    if (!ours || !theirs) return;
    const start = IPCIDR.createAddress(theirs.start<string>());
    const end = IPCIDR.createAddress(theirs.end<string>());
    expect(networkAddress(ours).value).toBe(bigintOf(start));
    expect(broadcastAddress(ours).value).toBe(bigintOf(end));
    expect(sizeOf(ours)).toBe(BigInt(theirs.size.toString()));
    expect(formatCidr(ours)).toBe(`${start.correctForm()}/${ours.prefix}`);
  });

  it.each(CIDRS.filter((c) => IPCIDR.isValidCIDR(c)))('block %j: contains the same addresses', (text) => {
    const ours = parseCidr(text);
    const theirs = new IPCIDR(text);
    // ip-cidr compares values alone, so 0.0.0.0/0 "contains" ::; a block never holds the other family.
    for (const a of ADDRESSES.filter((x) => IPCIDR.isValidAddress(x) && parseIp(x).family === ours.family)) {
      expect(contains(ours, parseIp(a)), a).toBe(theirs.contains(a));
    }
  });

  it('differs: an IPv6 address ending in dotted IPv4 is IPv6 (ip-address reads the IPv4 part alone)', () => {
    expect(formatIp(parseIp('64:ff9b::192.0.2.33'))).toBe('64:ff9b::c000:221');
    expect(IPCIDR.createAddress('64:ff9b::192.0.2.33').correctForm()).toBe('192.0.2.33');
  });

  it('differs on purpose: zone ids and inet_aton octal forms are refused, families never mix', () => {
    for (const text of ['fd00::1%eth0', 'fe80::1%2']) {
      expect(IPCIDR.isValidAddress(text)).toBe(true);
      expect(ok(() => parseIp(text))).toBeUndefined();
    }
    expect(ok(() => parseIp('010.0.0.1'))).toBeUndefined();
    expect(new IPCIDR('0.0.0.0/0').contains('::')).toBe(true);
    expect(contains(parseCidr('0.0.0.0/0'), parseIp('::'))).toBe(false);
  });
});
