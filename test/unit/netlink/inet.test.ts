import { describe, expect, it } from 'vitest';
import { addressBytes, bytesToIp, ifAddr, routeDst } from '../../../src/netlink/inet.js';
import { isErrno, KernelError, kernelError } from '../../../src/netlink/kernel-error.js';

const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString('hex') : undefined);

describe('interface addresses', () => {
  it('keeps the host bits and computes the v4 broadcast like `brd +`', () => {
    const a = ifAddr('10.99.0.2/24');
    expect([a.family, a.af, hex(a.bytes), a.prefixlen, hex(a.broadcast)]).toEqual([4, 2, '0a630002', 24, '0a6300ff']);
    expect(hex(ifAddr('172.18.5.9/16').broadcast)).toBe('ac12ffff');
  });

  it('has no broadcast for /31, /32 or IPv6', () => {
    expect(ifAddr('10.0.0.0/31').broadcast).toBeUndefined();
    expect(ifAddr('10.0.0.1/32').broadcast).toBeUndefined();
    const v6 = ifAddr('fd00:1::2/64');
    expect([v6.af, hex(v6.bytes), v6.broadcast]).toEqual([10, 'fd000001000000000000000000000002', undefined]);
  });

  it('refuses an address without a prefix or with a bad one', () => {
    expect(() => ifAddr('10.0.0.1')).toThrow('invalid address "10.0.0.1"');
    expect(() => ifAddr('10.0.0.1/33')).toThrow(/prefix length/);
    expect(() => ifAddr('10.0.0/24')).toThrow(/not an IP address/);
  });

  it('round-trips bytes and text', () => {
    expect(bytesToIp(addressBytes('fd00::1').bytes)).toBe('fd00::1');
    expect(bytesToIp(Uint8Array.of(192, 0, 2, 7))).toBe('192.0.2.7');
    expect(() => bytesToIp(Uint8Array.of(1, 2))).toThrow(/not an address/);
  });

  it('turns a route destination into a cleared block, or the default route', () => {
    expect(routeDst(undefined, 6)).toEqual({ family: 6, prefixlen: 0 });
    const d = routeDst('10.1.2.3/16', 4);
    expect([d.family, hex(d.bytes), d.prefixlen]).toEqual([4, '0a010000', 16]);
  });
});

describe('kernel errors', () => {
  it('turns the package rejection into the strerror text with the errno name as code', () => {
    const e = kernelError(new Error('Request rejected: EEXIST'));
    expect(e).toBeInstanceOf(KernelError);
    expect((e as KernelError).message).toBe('File exists');
    expect(isErrno(e, 'EEXIST')).toBe(true);
    expect((kernelError(new Error('Request rejected: EWEIRD')) as Error).message).toBe('EWEIRD');
  });

  it('leaves other errors alone', () => {
    const other = new Error('Timeout has been reached');
    expect(kernelError(other)).toBe(other);
    expect(isErrno(other, 'EEXIST')).toBe(false);
  });
});
