import { describe, expect, it } from 'vitest';
import { DEFAULT_POOLS, choosePool } from '../../src/model/pools.js';
import { resolveAddressing, checkMtu } from '../../src/model/network-addressing.js';
import { ConflictError, UsageError } from '../../src/errors.js';

describe('default pools', () => {
  it('are the 172.17-31 /16s then the sixteen 192.168 /20s', () => {
    expect(DEFAULT_POOLS).toHaveLength(31);
    expect(DEFAULT_POOLS.slice(0, 2)).toEqual(['172.17.0.0/16', '172.18.0.0/16']);
    expect(DEFAULT_POOLS[14]).toBe('172.31.0.0/16');
    expect(DEFAULT_POOLS.slice(15, 17)).toEqual(['192.168.0.0/20', '192.168.16.0/20']);
    expect(DEFAULT_POOLS.at(-1)).toBe('192.168.240.0/20');
  });
});

describe('choosePool', () => {
  it('takes the first pool when nothing is used', () => {
    expect(choosePool([])).toBe('172.17.0.0/16');
  });

  it('skips pools overlapping networks, larger or smaller ones', () => {
    expect(choosePool(['172.17.0.0/16', '172.18.5.0/24'])).toBe('172.19.0.0/16');
    expect(choosePool(['172.16.0.0/12'])).toBe('192.168.0.0/20');
  });

  it('skips pools overlapping host routes, host routes without a prefix too', () => {
    expect(choosePool([], ['172.17.0.0/16', '172.18.3.4', '172.19.0.0/17'])).toBe('172.20.0.0/16');
  });

  it('ignores default routes and IPv6 entries', () => {
    expect(choosePool(['fd00::/64'], ['0.0.0.0/0', '::/0', 'fd00::/8'])).toBe('172.17.0.0/16');
  });

  it('moves on to the 192.168 /20s one by one', () => {
    expect(choosePool(['172.16.0.0/12', '192.168.0.0/20'], ['192.168.17.1'])).toBe('192.168.32.0/20');
  });

  it('fails with a ConflictError when everything is taken', () => {
    expect(() => choosePool(['172.16.0.0/12', '192.168.0.0/16'])).toThrow(ConflictError);
    expect(() => choosePool(['172.16.0.0/12'], ['192.168.0.0/16'])).toThrow('no free address pool');
  });
});

describe('resolveAddressing', () => {
  const existing = [{ name: 'one', subnet: '172.17.0.0/16', subnet6: 'fd00:1::/64' }];

  it('defaults to a free pool with its first host as gateway', () => {
    expect(resolveAddressing({ name: 'n' }, existing)).toEqual({ subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
  });

  it('keeps a given subnet, gateway and range in canonical form', () => {
    const a = resolveAddressing(
      {
        name: 'n',
        subnet: '10.5.0.0/16',
        gateway: '10.5.0.254',
        ipRange: '10.5.1.0/24',
        subnet6: 'FD00:2::/64',
        gateway6: 'fd00:2::0:1',
      },
      existing,
    );
    expect(a).toEqual({
      subnet: '10.5.0.0/16',
      gateway: '10.5.0.254',
      ipRange: '10.5.1.0/24',
      subnet6: 'fd00:2::/64',
      gateway6: 'fd00:2::1',
    });
  });

  it('refuses overlaps with networks and host routes', () => {
    expect(() => resolveAddressing({ name: 'n', subnet: '172.17.3.0/24' }, existing)).toThrow(
      'subnet "172.17.3.0/24" overlaps network "one" (172.17.0.0/16)',
    );
    expect(() => resolveAddressing({ name: 'n', subnet: '10.0.0.0/24' }, existing, ['10.0.0.0/8'])).toThrow(
      'overlaps the host route to 10.0.0.0/8',
    );
    expect(() => resolveAddressing({ name: 'n', subnet: '10.0.0.0/24', subnet6: 'fd00:1::/48' }, existing)).toThrow(
      ConflictError,
    );
  });

  it.each([
    [{ gateway: '10.0.0.1' }, '--gateway and --ip-range need --subnet'],
    [{ subnet: '10.0.0.0/24', gateway: '10.0.1.1' }, 'gateway "10.0.1.1" is not a host address of subnet 10.0.0.0/24'],
    [{ subnet: '10.0.0.0/24', gateway: '10.0.0.255' }, 'is not a host address'],
    [{ subnet: '10.0.0.0/24', ipRange: '10.0.0.0/23' }, 'ip range "10.0.0.0/23" is not inside subnet 10.0.0.0/24'],
    [{ subnet: '10.0.0.5/24' }, 'host bits are set'],
    [{ subnet: '10.0.0.0/31' }, 'too small'],
    [{ subnet: 'fd00::/64' }, 'it is an IPv6 subnet'],
    [{ subnet6: 'fd00:9::/64', gateway6: '10.0.0.1' }, 'not a host address'],
    [{ gateway6: 'fd00::1' }, 'needs an IPv6 subnet'],
  ])('refuses %j', (spec, message) => {
    expect(() => resolveAddressing({ name: 'n', ...spec }, [])).toThrow(UsageError);
    expect(() => resolveAddressing({ name: 'n', ...spec }, [])).toThrow(message);
  });

  it('checks MTUs, stricter with IPv6', () => {
    expect(checkMtu(68)).toBe(68);
    expect(() => checkMtu(1000, true)).toThrow('must be 1280 to 65535');
    expect(() => checkMtu(1.5)).toThrow(UsageError);
  });
});
