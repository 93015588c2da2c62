import { describe, expect, it } from 'vitest';
import { applyOps, rollback } from '../../../src/netlink/apply.js';
import { planBridge, planEndpoint, type NetlinkOp } from '../../../src/netlink/plan.js';
import { fakes } from './fakes.js';

const NS = '/run/netctl/netns/c1';
const container: NetlinkOp[] = [
  { op: 'create-netns', path: NS },
  ...planEndpoint({
    netns: NS,
    hostIf: 'vh1',
    ifname: 'eth0',
    bridge: 'br0',
    mtu: 1400,
    addresses: ['10.0.0.2/24'],
    gateways: ['10.0.0.1'],
    hairpin: true,
    loopback: true,
  }),
];

describe('applyOps', () => {
  it('runs one container plumbing in order, in the right namespaces, closing every fd and socket', async () => {
    const f = fakes();
    const undos = await applyOps(container, f.deps);
    expect(f.log).toEqual([
      `createNetns ${NS}`,
      `netnsFd ${NS} = 100`,
      'createVeth vh1 eth0 {"mtu":1400,"peerNetnsFd":100}',
      'closeFd 100',
      'setMaster vh1 br0',
      'setHairpin vh1 true',
      'setUp vh1',
      `open ${NS}`,
      `[${NS}] setUp lo`,
      `[${NS}] addAddress eth0 10.0.0.2/24`,
      `[${NS}] setUp eth0`,
      `[${NS}] addRoute {"gateway":"10.0.0.1"}`,
      `[${NS}] close`,
    ]);
    expect(undos).toEqual([
      { op: 'delete-link', name: 'vh1' },
      { op: 'delete-netns', path: NS },
    ]);
    expect(f.openCount()).toBe(0);
  });

  it('undoes what it did when a step fails, closing the namespace socket before deleting it', async () => {
    const f = fakes();
    f.failing.add('addRoute');
    await expect(applyOps(container, f.deps)).rejects.toThrow('addRoute: Operation not permitted');
    expect(f.log.slice(-4)).toEqual([
      `[${NS}] addRoute {"gateway":"10.0.0.1"}`,
      'deleteLink vh1',
      `[${NS}] close`,
      `deleteNetns ${NS}`,
    ]);
    expect(f.openCount()).toBe(0);
  });

  it('reports an incomplete rollback with the original error', async () => {
    const f = fakes();
    f.failing.add('setHairpin');
    f.failing.add('deleteLink');
    await expect(applyOps(container, f.deps)).rejects.toThrow(
      /setHairpin: Operation not permitted \(rollback incomplete: undo "ip link add vh1.*deleteLink/,
    );
    expect(f.log).toContain(`deleteNetns ${NS}`);
  });

  it('accepts an existing bridge and address without undoing them, and restores a link that was down', async () => {
    const f = fakes();
    f.results.set('createBridge', false);
    f.links.set('', [{ index: 3, name: 'br0', up: false, kind: 'bridge' }]);
    const undos = await applyOps(planBridge({ name: 'br0', addresses: ['10.0.0.1/24'] }), f.deps);
    expect(undos).toEqual([
      { op: 'set-down', name: 'br0' },
      { op: 'delete-address', name: 'br0', cidr: '10.0.0.1/24' },
    ]);
    expect(f.log).toEqual(['createBridge br0 {}', 'addAddress br0 10.0.0.1/24', 'getLink br0', 'setUp br0']);
  });

  it('treats an existing live namespace as already created', async () => {
    const f = fakes();
    f.failing.add('createNetns');
    expect(await applyOps([{ op: 'create-netns', path: NS }], f.deps)).toEqual([]);
    expect(f.log).toEqual([`createNetns ${NS}`, `netnsFd ${NS} = 100`, 'closeFd 100']);
  });

  it('writes a sysctl only when it differs, inside the namespace when asked, and undoes it', async () => {
    const f = fakes();
    f.sysctls.set('net.ipv4.ip_forward', '1');
    const undos = await applyOps(
      [
        { op: 'sysctl', path: 'net.ipv4.ip_forward', value: '1' },
        { op: 'sysctl', path: 'net/ipv4/conf/br0/route_localnet', value: '1', netns: NS },
      ],
      f.deps,
    );
    expect(f.log).toEqual([`enter ${NS}`, 'sysctl net/ipv4/conf/br0/route_localnet=1', `leave ${NS}`]);
    expect(undos).toEqual([{ op: 'sysctl', path: 'net/ipv4/conf/br0/route_localnet', value: '0', netns: NS }]);
  });

  it('moves a pre-existing link with an fd of the target and can move it back', async () => {
    const f = fakes();
    const undos = await applyOps([{ op: 'move-netns', name: 'eth5', to: NS }], f.deps);
    expect(f.log).toEqual([`netnsFd ${NS} = 100`, 'moveToNetns eth5 100', 'closeFd 100']);
    await rollback(undos, f.deps);
    expect(f.log.slice(3)).toEqual([
      `open ${NS}`,
      'netnsFd /proc/self/ns/net = 101',
      `[${NS}] moveToNetns eth5 101`,
      'closeFd 101',
      `[${NS}] close`,
    ]);
  });
});

describe('rollback', () => {
  it('runs every operation even when some fail, then reports them all', async () => {
    const f = fakes();
    f.failing.add('deleteLink');
    const ops: NetlinkOp[] = [
      { op: 'delete-link', name: 'a' },
      { op: 'delete-link', name: 'b' },
      { op: 'delete-netns', path: NS },
    ];
    await expect(rollback(ops, f.deps, 'remove')).rejects.toThrow(
      'remove "ip link del a": deleteLink: Operation not permitted; remove "ip link del b": deleteLink: Operation not permitted',
    );
    expect(f.log).toEqual(['deleteLink a', 'deleteLink b', `deleteNetns ${NS}`]);
  });
});
