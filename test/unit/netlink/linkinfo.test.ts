// Expected bytes are written out by hand from linux/netlink.h and linux/if_link.h (x86-64,
// little-endian host order), not produced by the code under test.
import { describe, expect, it } from 'vitest';
import {
  bridgeLinkInfo,
  hairpinMessage,
  ifinfomsg,
  linkKind,
  nested,
  nlattr,
  parseAttrs,
  vethLinkInfo,
} from '../../../src/netlink/linkinfo.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

describe('netlink attribute encoding', () => {
  it('pads each attribute to 4 bytes but leaves the padding out of its length', () => {
    expect(hex(nlattr(3, Buffer.from('br0\0')))).toBe('08 00 03 00 62 72 30 00');
    expect(hex(nlattr(3, Buffer.from('eth0\0')))).toBe('09 00 03 00 65 74 68 30 00 00 00 00');
    expect(hex(nlattr(4, Buffer.alloc(0)))).toBe('04 00 04 00');
  });

  it('marks nested attributes with NLA_F_NESTED and counts the padded children', () => {
    expect(hex(nested(2, [nlattr(1, Uint8Array.of(1))]))).toBe('0c 00 02 80 05 00 01 00 01 00 00 00');
  });

  it('lays out struct ifinfomsg field by field', () => {
    expect(hex(ifinfomsg({ family: 7, type: 1, index: 0x01020304, flags: 1, change: 0xffffffff }))).toBe(
      '07 00 01 00 04 03 02 01 01 00 00 00 ff ff ff ff',
    );
    expect(ifinfomsg()).toEqual(Buffer.alloc(16));
  });

  it('refuses an attribute longer than a u16 length can say', () => {
    expect(() => nlattr(1, Buffer.alloc(0x10000))).toThrow(/too long/);
  });
});

describe('IFLA_LINKINFO payloads', () => {
  it('creates a bridge with IFLA_INFO_KIND "bridge\\0"', () => {
    expect(hex(bridgeLinkInfo())).toBe('0b 00 01 00 62 72 69 64 67 65 00 00');
  });

  it('creates a veth pair: kind, then INFO_DATA > VETH_INFO_PEER > ifinfomsg + IFLA_IFNAME', () => {
    const zeros16 = Array(16).fill('00').join(' ');
    expect(hex(vethLinkInfo({ name: 'eth0' }))).toBe(
      [
        '09 00 01 00 76 65 74 68 00 00 00 00', // IFLA_INFO_KIND "veth\0"
        '24 00 02 80', // IFLA_INFO_DATA, nested, 36 bytes
        '20 00 01 80', // VETH_INFO_PEER, nested, 32 bytes
        zeros16, // struct ifinfomsg of the peer
        '09 00 03 00 65 74 68 30 00 00 00 00', // IFLA_IFNAME "eth0\0"
      ].join(' '),
    );
  });

  it('gives the peer its MTU and target namespace fd when asked', () => {
    const out = hex(vethLinkInfo({ name: 'eth0', mtu: 1400, netnsFd: 7 }));
    expect(out.startsWith('09 00 01 00 76 65 74 68 00 00 00 00 34 00 02 80 30 00 01 80')).toBe(true);
    expect(out.endsWith('09 00 03 00 65 74 68 30 00 00 00 00 08 00 04 00 78 05 00 00 08 00 1c 00 07 00 00 00')).toBe(
      true,
    );
    expect(out.split(' ')).toHaveLength(64);
  });
});

describe('hairpin message', () => {
  it('is an AF_BRIDGE ifinfomsg with IFLA_PROTINFO (nested) > IFLA_BRPORT_MODE u8', () => {
    expect(hex(hairpinMessage(5, true))).toBe(
      '07 00 00 00 05 00 00 00 00 00 00 00 00 00 00 00 0c 00 0c 80 05 00 04 00 01 00 00 00',
    );
    expect(hex(hairpinMessage(300, false))).toBe(
      '07 00 00 00 2c 01 00 00 00 00 00 00 00 00 00 00 0c 00 0c 80 05 00 04 00 00 00 00 00',
    );
  });
});

describe('decoding', () => {
  it('splits attributes, clearing the flag bits from the type', () => {
    const attrs = parseAttrs(vethLinkInfo({ name: 'eth0' }));
    expect(attrs.map((a) => [a.type, a.nested, a.payload.length])).toEqual([
      [1, false, 5],
      [2, true, 32],
    ]);
  });

  it('reads the kind back', () => {
    expect(linkKind(bridgeLinkInfo())).toBe('bridge');
    expect(linkKind(vethLinkInfo({ name: 'x' }))).toBe('veth');
    expect(linkKind(undefined)).toBeUndefined();
    expect(linkKind(nlattr(2, Buffer.alloc(4)))).toBeUndefined();
  });

  it('throws on a truncated attribute', () => {
    expect(() => parseAttrs(Buffer.from('0c000100aabb', 'hex'))).toThrow(/malformed/);
  });
});
