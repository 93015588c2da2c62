import { describe, expect, it } from 'vitest';
import {
  broadcastAddress,
  canonicalIp,
  contains,
  firstFree,
  formatCidr,
  formatIp,
  hostBounds,
  isHostAddress,
  networkAddress,
  nthAddress,
  overlaps,
  parseCidr,
  parseIp,
} from '../../src/model/addr.js';
import { UsageError } from '../../src/errors.js';

const ip = (t: string) => parseIp(t);
const cidr = (t: string) => parseCidr(t);

describe('parse and format addresses', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['255.255.255.255', '255.255.255.255'],
    ['0.0.0.0', '0.0.0.0'],
    ['FD00:0:0:0::1', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['fe80::', 'fe80::'],
  ])('%s -> %s', (input, out) => {
    expect(canonicalIp(input)).toBe(out);
  });

  it('gives IPv4 its numeric value', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp('::2')).toEqual({ family: 6, value: 2n });
  });

  it.each([
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1',
    '10.0.0.1 ',
    '',
    'a.b.c.d',
    '1:2:3',
    '1::2::3',
    'fd00::1%eth0',
    '12345::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
  ])('refuses %j naming the value', (bad) => {
    expect(() => parseIp(bad, 'gateway')).toThrow(UsageError);
    expect(() => parseIp(bad, 'gateway')).toThrow(`invalid gateway "${bad}"`);
  });
});

describe('CIDRs', () => {
  it('clears host bits unless strict', () => {
    expect(formatCidr(cidr('10.1.2.3/16'))).toBe('10.1.0.0/16');
    expect(() => parseCidr('10.1.2.3/16', 'subnet', true)).toThrow('invalid subnet "10.1.2.3/16": host bits are set');
    expect(formatCidr(parseCidr('fd00:1:2::5/48'))).toBe('fd00:1:2::/48');
    expect(formatCidr(parseCidr('fd00:1:2::5/32'))).toBe('fd00:1::/32');
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/0x8', 'fd00::/129', '10.0.0.0/08', '/24'])(
    'refuses %j',
    (bad) => {
      expect(() => parseCidr(bad, 'ip range')).toThrow(`invalid ip range "${bad}"`);
    },
  );

  it('network and broadcast addresses', () => {
    expect(formatIp(networkAddress(cidr('192.168.16.0/20')))).toBe('192.168.16.0');
    expect(formatIp(broadcastAddress(cidr('192.168.16.0/20')))).toBe('192.168.31.255');
    expect(formatIp(broadcastAddress(cidr('fd00::/64')))).toBe('fd00::ffff:ffff:ffff:ffff');
    expect(formatIp(broadcastAddress(cidr('0.0.0.0/0')))).toBe('255.255.255.255');
  });

  it('contains addresses and blocks of its family only', () => {
    expect(contains(cidr('10.0.0.0/8'), ip('10.255.0.1'))).toBe(true);
    expect(contains(cidr('10.0.0.0/8'), ip('11.0.0.0'))).toBe(false);
    expect(contains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(contains(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(contains(cidr('::/0'), ip('10.0.0.1'))).toBe(false);
  });

  it('overlaps either way, never across families', () => {
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.9.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.9.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(overlaps(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
  });

  it('nth address, inside the block only', () => {
    expect(formatIp(nthAddress(cidr('10.0.0.0/24'), 1))).toBe('10.0.0.1');
    expect(formatIp(nthAddress(cidr('fd00::/64'), 0x10n))).toBe('fd00::10');
    expect(() => nthAddress(cidr('10.0.0.0/30'), 4)).toThrow('outside 10.0.0.0/30');
    expect(() => nthAddress(cidr('10.0.0.0/30'), -1)).toThrow(UsageError);
  });

  it('host addresses leave out network and broadcast (IPv4) and the anycast address (IPv6)', () => {
    expect(hostBounds(cidr('10.0.0.0/30'))).toEqual({ first: 0x0a000001n, last: 0x0a000002n });
    expect(hostBounds(cidr('10.0.0.0/31'))).toEqual({ first: 0x0a000000n, last: 0x0a000001n });
    expect(isHostAddress(cidr('10.0.0.0/24'), ip('10.0.0.255'))).toBe(false);
    expect(isHostAddress(cidr('10.0.0.0/24'), ip('10.0.0.0'))).toBe(false);
    expect(isHostAddress(cidr('fd00::/64'), ip('fd00::'))).toBe(false);
    expect(isHostAddress(cidr('fd00::/64'), ip('fd00::ffff:ffff:ffff:ffff'))).toBe(true);
  });
});

describe('firstFree', () => {
  const taken = (...a: string[]) => new Set(a.map((t) => parseIp(t).value));
  const free = (subnet: string, range: string, used: Set<bigint>) => {
    const r = firstFree(cidr(subnet), cidr(range), used);
    return r && formatIp(r);
  };

  it('skips the network address and taken ones', () => {
    expect(free('10.0.0.0/24', '10.0.0.0/24', taken())).toBe('10.0.0.1');
    expect(free('10.0.0.0/24', '10.0.0.0/24', taken('10.0.0.1', '10.0.0.2', '10.0.0.4'))).toBe('10.0.0.3');
  });

  it('stays inside the range, which may start at the subnet base', () => {
    expect(free('10.0.0.0/16', '10.0.1.0/24', taken())).toBe('10.0.1.0');
    expect(free('10.0.0.0/16', '10.0.0.0/24', taken('10.0.0.1'))).toBe('10.0.0.2');
  });

  it('never gives the broadcast address, and says when nothing is left', () => {
    expect(free('10.0.0.0/30', '10.0.0.0/30', taken('10.0.0.1'))).toBe('10.0.0.2');
    expect(free('10.0.0.0/30', '10.0.0.0/30', taken('10.0.0.1', '10.0.0.2'))).toBeUndefined();
    expect(
      free('10.0.0.0/16', '10.0.255.0/24', taken(...Array.from({ length: 255 }, (_, i) => `10.0.255.${i}`))),
    ).toBeUndefined();
  });

  it('works in huge IPv6 blocks', () => {
    expect(free('fd00::/64', 'fd00::/64', taken('fd00::1', 'fd00::2'))).toBe('fd00::3');
    expect(free('fd00::/48', 'fd00:0:0:ffff::/64', taken())).toBe('fd00:0:0:ffff::');
  });
});
