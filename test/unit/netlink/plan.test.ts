import { describe, expect, it } from 'vitest';
import { describeOp, planBridge, planEndpoint, type NetlinkOp } from '../../../src/netlink/plan.js';
import { InverseTracker, inverseOf } from '../../../src/netlink/inverse.js';

const NS = '/run/netctl/netns/c1';

describe('planBridge', () => {
  it('creates the bridge, adds the gateway addresses, then brings it up', () => {
    expect(planBridge({ name: 'br-a', mtu: 1400, addresses: ['172.18.0.1/16', 'fd00:1::1/64'] })).toEqual([
      { op: 'create-bridge', name: 'br-a', mtu: 1400 },
      { op: 'add-address', name: 'br-a', cidr: '172.18.0.1/16' },
      { op: 'add-address', name: 'br-a', cidr: 'fd00:1::1/64' },
      { op: 'set-up', name: 'br-a' },
    ]);
  });
});

describe('planEndpoint', () => {
  it('plumbs one container: veth into the namespace, port, addresses, link up before routes', () => {
    const ops = planEndpoint({
      netns: NS,
      hostIf: 'vethc1',
      ifname: 'eth0',
      bridge: 'br-a',
      mtu: 1400,
      addresses: ['172.18.0.2/16', 'fd00:1::2/64'],
      gateways: ['172.18.0.1', 'fd00:1::1'],
      hairpin: true,
      loopback: true,
    });
    expect(ops.map(describeOp)).toEqual([
      `ip link add vethc1 mtu 1400 type veth peer name eth0 mtu 1400 netns ${NS}`,
      'ip link set vethc1 master br-a',
      'bridge link set dev vethc1 hairpin on',
      'ip link set vethc1 up',
      `nsenter --net=${NS} ip link set lo up`,
      `nsenter --net=${NS} ip addr add 172.18.0.2/16 brd + dev eth0`,
      `nsenter --net=${NS} ip addr add fd00:1::2/64 dev eth0 nodad`,
      `nsenter --net=${NS} ip link set eth0 up`,
      `nsenter --net=${NS} ip route add default via 172.18.0.1`,
      `nsenter --net=${NS} ip -6 route add default via fd00:1::1`,
    ]);
  });

  it('leaves out hairpin, lo and routes when not asked for (an internal second network)', () => {
    const ops = planEndpoint({
      netns: NS,
      hostIf: 'v2',
      ifname: 'eth1',
      bridge: 'br-b',
      addresses: ['10.0.0.2/24'],
      gateways: [],
    });
    expect(ops.map((o) => o.op)).toEqual(['create-veth', 'set-master', 'set-up', 'add-address', 'set-up']);
    expect(ops[0]).toEqual({ op: 'create-veth', name: 'v2', peer: 'eth1', peerNetns: NS });
  });

  it("sets the container end's MAC while it is down", () => {
    const ops = planEndpoint({
      netns: NS,
      hostIf: 'v2',
      ifname: 'eth1',
      bridge: 'br-b',
      addresses: ['10.0.0.2/24'],
      gateways: [],
      mac: '02:42:0a:00:00:02',
    });
    const at = ops.findIndex((o) => o.op === 'set-mac');
    expect(ops[at]).toEqual({ op: 'set-mac', name: 'eth1', mac: '02:42:0a:00:00:02', netns: NS });
    expect(at).toBeLessThan(ops.findIndex((o) => o.op === 'set-up' && o.name === 'eth1'));
    expect(describeOp(ops[at]!)).toBe(`nsenter --net=${NS} ip link set eth1 address 02:42:0a:00:00:02`);
  });
});

describe('describeOp', () => {
  const cases: [NetlinkOp, string][] = [
    [{ op: 'create-netns', path: NS }, `touch ${NS} && unshare --net=${NS} true`],
    [{ op: 'delete-netns', path: NS }, `umount --lazy ${NS}; rm -f ${NS}`],
    [{ op: 'create-bridge', name: 'br0', mtu: 1500 }, 'ip link add br0 mtu 1500 type bridge'],
    [{ op: 'create-bridge', name: 'br0' }, 'ip link add br0 type bridge'],
    [{ op: 'create-veth', name: 'v1', peer: 'v1p' }, 'ip link add v1 type veth peer name v1p'],
    [{ op: 'delete-link', name: 'br0' }, 'ip link del br0'],
    [{ op: 'set-down', name: 'eth0', netns: NS }, `nsenter --net=${NS} ip link set eth0 down`],
    [{ op: 'set-master', name: 'v1', master: null }, 'ip link set v1 nomaster'],
    [{ op: 'set-hairpin', name: 'v1', on: false }, 'bridge link set dev v1 hairpin off'],
    [{ op: 'rename', name: 'v1p', newName: 'eth0', netns: NS }, `nsenter --net=${NS} ip link set v1p name eth0`],
    [{ op: 'move-netns', name: 'v1p', to: NS }, `ip link set v1p netns ${NS}`],
    [{ op: 'add-address', name: 'br0', cidr: '10.0.0.1/31' }, 'ip addr add 10.0.0.1/31 dev br0'],
    [{ op: 'delete-address', name: 'br0', cidr: '10.0.0.1/24' }, 'ip addr del 10.0.0.1/24 dev br0'],
    [
      { op: 'add-route', dst: '10.1.0.0/16', gateway: '10.0.0.2', ifname: 'br0' },
      'ip route add 10.1.0.0/16 via 10.0.0.2 dev br0',
    ],
    [{ op: 'delete-route', gateway: 'fd00::1' }, 'ip -6 route del default via fd00::1'],
    [{ op: 'sysctl', path: 'net.ipv4.ip_forward', value: '1' }, 'sysctl -w net.ipv4.ip_forward=1'],
  ];
  it.each(cases)('%j', (op, text) => {
    expect(describeOp(op)).toBe(text);
  });
});

describe('inverses', () => {
  it('deletes what was created and skips changes to it', () => {
    const t = new InverseTracker();
    const undo = (op: NetlinkOp, changed = true) => t.record(op, { changed });
    expect(undo({ op: 'create-netns', path: NS })).toEqual({ op: 'delete-netns', path: NS });
    expect(undo({ op: 'create-veth', name: 'vh', peer: 'tmp' })).toEqual({ op: 'delete-link', name: 'vh' });
    expect(undo({ op: 'move-netns', name: 'tmp', to: NS })).toBeUndefined();
    expect(undo({ op: 'rename', name: 'tmp', newName: 'eth0', netns: NS })).toBeUndefined();
    expect(undo({ op: 'add-address', name: 'eth0', cidr: '10.0.0.2/24', netns: NS })).toBeUndefined();
    expect(undo({ op: 'set-master', name: 'vh', master: 'br0' })).toBeUndefined();
    expect(undo({ op: 'sysctl', path: 'net.ipv6.conf.all.disable_ipv6', value: '1', netns: NS })).toBeUndefined();
  });

  it('follows a created link through a move and a rename', () => {
    const t = new InverseTracker();
    t.record({ op: 'create-veth', name: 'vh', peer: 'tmp' }, { changed: true });
    t.record({ op: 'move-netns', name: 'tmp', to: '/ns/other' }, { changed: true });
    t.record({ op: 'rename', name: 'tmp', newName: 'eth0', netns: '/ns/other' }, { changed: true });
    expect(t.owns({ op: 'set-up', name: 'eth0', netns: '/ns/other' })).toBe(true);
    expect(t.owns({ op: 'set-up', name: 'tmp', netns: '/ns/other' })).toBe(false);
    expect(t.owns({ op: 'set-up', name: 'tmp' })).toBe(false);
    expect(t.owns({ op: 'add-route', gateway: '10.0.0.1', ifname: 'eth0', netns: '/ns/other' })).toBe(true);
    expect(t.owns({ op: 'add-route', gateway: '10.0.0.1', netns: '/ns/other' })).toBe(false);
  });

  it('undoes changes to things that existed before, from their prior state', () => {
    const t = new InverseTracker();
    expect(t.record({ op: 'create-bridge', name: 'br0' }, { changed: false })).toBeUndefined();
    expect(t.record({ op: 'add-address', name: 'br0', cidr: '10.0.0.1/24' }, { changed: true })).toEqual({
      op: 'delete-address',
      name: 'br0',
      cidr: '10.0.0.1/24',
    });
    expect(t.record({ op: 'add-address', name: 'br0', cidr: '10.0.0.9/24' }, { changed: false })).toBeUndefined();
    expect(t.record({ op: 'set-up', name: 'br0' }, { changed: true, before: { up: false } })).toEqual({
      op: 'set-down',
      name: 'br0',
    });
    expect(t.record({ op: 'set-up', name: 'br0' }, { changed: true, before: { up: true } })).toBeUndefined();
    expect(
      t.record({ op: 'set-master', name: 'eth9', master: 'br0' }, { changed: true, before: { master: null } }),
    ).toEqual({
      op: 'set-master',
      name: 'eth9',
      master: null,
    });
    expect(
      t.record({ op: 'sysctl', path: 'net.ipv4.ip_forward', value: '1' }, { changed: true, before: { value: '0' } }),
    ).toEqual({
      op: 'sysctl',
      path: 'net.ipv4.ip_forward',
      value: '0',
    });
    expect(t.record({ op: 'add-route', dst: '10.9.0.0/16', gateway: '10.0.0.2' }, { changed: true })).toEqual({
      op: 'delete-route',
      dst: '10.9.0.0/16',
      gateway: '10.0.0.2',
    });
  });

  it('moves a foreign link back where it came from, and renames it back', () => {
    expect(inverseOf({ op: 'move-netns', name: 'x', to: NS }, { changed: true })).toEqual({
      op: 'move-netns',
      name: 'x',
      netns: NS,
      to: '/proc/self/ns/net',
    });
    expect(inverseOf({ op: 'rename', name: 'a', newName: 'b', netns: NS }, { changed: true })).toEqual({
      op: 'rename',
      name: 'b',
      newName: 'a',
      netns: NS,
    });
  });

  it('cannot undo deletions or hairpin on a foreign port', () => {
    expect(inverseOf({ op: 'delete-link', name: 'x' }, { changed: true })).toBeUndefined();
    expect(inverseOf({ op: 'delete-netns', path: NS }, { changed: true })).toBeUndefined();
    expect(inverseOf({ op: 'set-hairpin', name: 'x', on: true }, { changed: true })).toBeUndefined();
  });
});
