import { describe, expect, it } from 'vitest';
import { defaultRoutes, renderResult, type AttachmentFacts } from '../../../src/cni/result.js';
import { createHash } from 'node:crypto';
import { attachmentId, cleanName, fitName, nameCandidates } from '../../../src/cni/naming.js';
import { checkName } from '../../../src/model/names.js';
import { checkProblems } from '../../../src/cni/check-plan.js';
import { errorJson, toCniError } from '../../../src/cni/error.js';
import { ConflictError, UsageError } from '../../../src/errors.js';

const FACTS: AttachmentFacts = {
  bridge: { name: 'br0', mac: 'aa:00:00:00:00:01' },
  host: { name: 'vn0123456789', mac: 'aa:00:00:00:00:02' },
  container: { name: 'eth0', mac: '02:42:0a:01:00:02', mtu: 1500, sandbox: '/run/netns/x' },
  addresses: [{ cidr: '10.1.0.2/24', gateway: '10.1.0.1' }],
  routes: defaultRoutes(['10.1.0.1']),
};

describe('CNI result', () => {
  it('renders interfaces, ips pointing at the container end, routes and dns', () => {
    expect(renderResult('1.0.0', FACTS)).toEqual({
      cniVersion: '1.0.0',
      interfaces: [FACTS.bridge, FACTS.host, FACTS.container],
      ips: [{ address: '10.1.0.2/24', gateway: '10.1.0.1', interface: 2 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }],
      dns: {},
    });
  });

  it("keeps a previous plugin's result first and shifts the indexes", () => {
    const prev = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'lo0' }],
      ips: [{ address: '192.0.2.5/32', interface: 0 }],
      dns: { nameservers: ['192.0.2.53'] },
    };
    const r = renderResult('1.1.0', FACTS, undefined, prev);
    expect(r.interfaces?.map((i) => i.name)).toEqual(['lo0', 'br0', 'vn0123456789', 'eth0']);
    expect(r.ips).toEqual([
      { address: '192.0.2.5/32', interface: 0 },
      { address: '10.1.0.2/24', gateway: '10.1.0.1', interface: 3 },
    ]);
    expect(r.dns).toEqual({ nameservers: ['192.0.2.53'] });
  });
});

describe('CNI naming', () => {
  it('hashes the attachment key', () => {
    expect(attachmentId('n', 'c', 'eth0')).toMatch(/^[0-9a-f]{64}$/);
    expect(attachmentId('n', 'c', 'eth0')).not.toBe(attachmentId('n', 'c', 'eth1'));
  });
  it("prefers the runtime's names", () => {
    expect(nameCandidates({ K8S_POD_NAMESPACE: 'prod', K8S_POD_NAME: 'web-0' }, 'abcdef0123456789', 'eth0')).toEqual([
      'prod.web-0',
      'prod.web-0-eth0',
      'cni-abcdef012345-eth0',
    ]);
    expect(nameCandidates({ K8S_POD_NAME: 'web' }, 'abc', 'eth0')[0]).toBe('web');
    expect(nameCandidates({ K8S_POD_NAMESPACE: 'web', K8S_POD_NAME: 'web' }, 'abc', 'eth0')[0]).toBe('web');
    expect(nameCandidates({ K8S_POD_NAME: '/odd name' }, 'abc', 'eth0')[0]).toBe('odd-name');
    expect(nameCandidates({}, 'abc', 'eth0')).toEqual(['cni-abc-eth0']);
  });
});

describe('CNI CHECK comparison', () => {
  const want = { ifname: 'eth0', hostIf: 'vn1', bridge: 'br0', cidrs: ['10.1.0.2/24'], gateways: ['10.1.0.1'] };
  const whole = {
    container: { index: 2, name: 'eth0', up: true },
    addresses: [{ index: 2, family: 4 as const, cidr: '10.1.0.2/24' }],
    routes: [{ family: 4 as const, dst: 'default', gateway: '10.1.0.1', protocol: 4, scope: 0 }],
    host: { index: 7, name: 'vn1', up: true, master: 5 },
    bridge: { index: 5, name: 'br0', up: true },
    missingRules: [],
  };
  it('finds nothing on a whole attachment', () => expect(checkProblems(want, whole)).toEqual([]));
  it('names each missing piece', () => {
    expect(checkProblems(want, { ...whole, addresses: [], routes: [] })).toEqual([
      'address 10.1.0.2/24 is missing on "eth0"',
      'default route via 10.1.0.1 is missing',
    ]);
    const { container: _c, ...noLink } = whole;
    expect(checkProblems(want, noLink)).toEqual(['interface "eth0" is missing in the container\'s namespace']);
    expect(checkProblems(want, { ...whole, host: { ...whole.host, master: 9 } })).toEqual([
      'host interface "vn1" is not on bridge "br0"',
    ]);
    expect(checkProblems(want, { ...whole, missingRules: ['-A NETCTL-X -d 10.1.0.2'] })).toEqual([
      'rule missing: -A NETCTL-X -d 10.1.0.2',
    ]);
    expect(checkProblems({ ...want, prevAddresses: ['10.1.0.9'] }, whole)).toEqual([
      "prevResult does not name this attachment's address 10.1.0.2/24",
    ]);
  });
});

describe('CNI errors', () => {
  it('maps netctl errors to codes and renders the spec object', () => {
    expect(toCniError(new UsageError('bad')).code).toBe(7);
    expect(toCniError(new ConflictError('no free IPv4 address left', 'hint')).code).toBe(100);
    expect(errorJson(toCniError(new ConflictError('taken', 'why')), '1.0.0')).toEqual({
      cniVersion: '1.0.0',
      code: 100,
      msg: 'taken',
      details: 'why',
    });
  });
  it('fits NAMESPACE.POD of 63 + 253 characters into a valid name, distinct per pod', () => {
    const ns = 'n'.repeat(63);
    const a = nameCandidates({ K8S_POD_NAMESPACE: ns, K8S_POD_NAME: `${'p'.repeat(252)}a` }, 'abc', 'eth0');
    const b = nameCandidates({ K8S_POD_NAMESPACE: ns, K8S_POD_NAME: `${'p'.repeat(252)}b` }, 'abc', 'eth0');
    for (const n of [...a, ...b]) expect(() => checkName('container', n)).not.toThrow();
    expect(a[0]).toHaveLength(128);
    expect(a[0]).not.toBe(b[0]);
    expect(a[1]).not.toBe(a[0]);
  });

  it('shortens a long NAMESPACE.POD stably: its first 115 characters, "-", 12 hex of its SHA-256', () => {
    const full = `${'n'.repeat(63)}.${'p'.repeat(253)}`;
    const [name] = nameCandidates({ K8S_POD_NAMESPACE: 'n'.repeat(63), K8S_POD_NAME: 'p'.repeat(253) }, 'abc', 'eth0');
    // A golden value: the man page documents this rule, and `netctl allow FULL-NAME` relies on it.
    expect(name).toBe(`${full.slice(0, 115)}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}`);
    expect(fitName(full)).toBe(name);
    expect(cleanName(full)).toBe(name);
    expect(fitName('default.web')).toBe('default.web');
  });
});
