/**
 * The netlink client, the native namespace addon and the apply layer against the real
 * kernel, in a fresh network + mount namespace: a bridge and a container's plumbing made
 * step by step and as a plan, checked with `ip`, sysfs and ping, then removed without trace.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./scripts/netlink-smoke.mjs', import.meta.url));

interface Link {
  index: number;
  name: string;
  kind?: string;
  mtu?: number;
  up: boolean;
  master?: number;
}
interface Route {
  dst: string;
  gateway?: string;
  oif?: number;
}
type Gone = { links: string[]; nsFile: boolean };
interface Smoke {
  bridgeCreated: boolean[];
  bridgeAddr: boolean[];
  createTwice: string;
  sameThreadNetns: boolean;
  sameThreadNetnsAtEnd: boolean;
  routeAdded: boolean[];
  conflictingRoute: string;
  errors: Record<string, string>;
  hostLinks: Link[];
  nsLinks: Link[];
  nsAddrs: string[];
  nsRoutes4: Route[];
  nsRoutes6: Route[];
  hairpin: { sysfs: string; state: string; ip: string };
  ip: Record<'bridgeAddr' | 'nsAddr' | 'nsRoute' | 'nsRoute6' | 'nsLinks', string>;
  ping: number;
  pingBack: number;
  hairpinOff: string;
  forward: { host: string; inside: string };
  undoCalls: { delRoute: boolean[]; routes6: number; delAddr: boolean[]; addrs: string[]; link?: Link; missing?: Link };
  deleted: boolean[];
  afterPart1: Gone;
  plan: { undos: unknown[]; ping: number; hairpin: string; route: string; again: unknown[]; after: Gone };
  bad: { error: string; after: Gone };
  mounts: string[];
}

let runDir = '';
let res: Smoke;

beforeAll(async () => {
  // test/build.ts (global setup) built dist/ and the addon.
  for (const f of ['netlink/client.js', 'netlink/apply.js', 'sys/native.js', 'sys/sysctl.js']) {
    if (!existsSync(join(root, 'dist', f))) throw new Error(`dist/${f} missing: run the tests with npm test`);
  }
  runDir = mkdtempSync(join(tmpdir(), 'netctl-netlink-'));
  const argv = ['unshare', '-n', '-m', '--propagation', 'private', '--', process.execPath, script, runDir];
  const r = await run(argv, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`netlink-smoke.mjs exited ${r.code}: ${r.stderr}`);
  res = JSON.parse(r.stdout) as Smoke;
});

afterAll(() => {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

describe('netlink client in a private namespace', () => {
  it('creates the bridge with its MTU, address (with broadcast) and state, and accepts re-runs', () => {
    expect(res.bridgeCreated).toEqual([true, false]);
    expect(res.bridgeAddr).toEqual([true, false]);
    const br = res.hostLinks.find((l) => l.name === 'br-smoke');
    expect(br).toMatchObject({ kind: 'bridge', mtu: 1400, up: true });
    expect(res.ip.bridgeAddr).toContain('inet 10.99.0.1/24 brd 10.99.0.255 scope global br-smoke');
  });

  it('puts the veth peer into the named namespace as eth0, addressed, up, with default routes and lo up', () => {
    const br = res.hostLinks.find((l) => l.name === 'br-smoke')!;
    expect(res.hostLinks.find((l) => l.name === 'vh-smoke')).toMatchObject({
      kind: 'veth',
      mtu: 1400,
      up: true,
      master: br.index,
    });
    expect(res.nsLinks.map((l) => [l.name, l.up])).toEqual([
      ['lo', true],
      ['eth0', true],
    ]);
    expect(res.nsAddrs.slice(0, 2)).toEqual(['10.99.0.2/24', 'fd00:99::2/64']);
    expect(res.ip.nsAddr).toContain('inet 10.99.0.2/24 brd 10.99.0.255 scope global eth0');
    expect(res.ip.nsRoute.split('\n')[0]?.trim()).toBe('default via 10.99.0.1 dev eth0');
    expect(res.ip.nsRoute6).toContain('default via fd00:99::1 dev eth0');
    expect(res.nsRoutes4.find((r) => r.dst === 'default')).toMatchObject({ gateway: '10.99.0.1' });
    expect(res.nsRoutes6).toHaveLength(1);
    expect(res.routeAdded).toEqual([true, false]);
  });

  it('carries real packets both ways', () => {
    expect(res.ping).toBe(0);
    expect(res.pingBack).toBe(0);
  });

  it('switches hairpin on a bridge port without touching its forwarding state', () => {
    expect(res.hairpin.sysfs).toBe('1');
    expect(res.hairpin.state).toBe('3');
    expect(res.hairpin.ip).toContain('hairpin on');
    expect(res.hairpinOff).toBe('0');
  });

  it('never moves the calling thread out of its namespace', () => {
    expect(res.sameThreadNetns).toBe(true);
    expect(res.sameThreadNetnsAtEnd).toBe(true);
  });

  it('reports failures as action "object": cause', () => {
    expect(res.createTwice).toMatch(/^open ".*\/netns\/c1": File exists$/);
    expect(res.conflictingRoute).toBe('add route "default": File exists');
    expect(res.errors).toEqual({
      vethTwice: 'create veth "vh-smoke": File exists',
      bridgeOverVeth: 'create bridge "vh-smoke": File exists (a link of kind veth has that name)',
      upMissing: 'set up "nope0": No such device',
      masterMissing: 'set master of "vh-smoke": No such device "nope0"',
      hairpinNotPort: 'set hairpin of "br-smoke": Operation not supported',
    });
  });

  it('removes routes and addresses (false when already gone) and resets link settings', () => {
    expect(res.undoCalls).toMatchObject({
      delRoute: [true, false],
      routes6: 0,
      delAddr: [true, false],
      addrs: ['10.99.0.2/24'],
    });
    expect(res.undoCalls.link).toMatchObject({ name: 'vh-smoke', mtu: 1300, up: false });
    expect(res.undoCalls.link).not.toHaveProperty('master');
    expect(res.undoCalls).not.toHaveProperty('missing');
  });

  it('reads and writes sysctls per namespace', () => {
    expect(res.forward).toEqual({ host: '1', inside: '0' });
  });

  it('leaves nothing behind after deleting', () => {
    expect(res.deleted).toEqual([true, false, true]);
    expect(res.afterPart1).toEqual({ links: ['lo'], nsFile: false });
    expect(res.mounts).toEqual([]);
  });
});

describe('planned operations against the kernel', () => {
  it('applies a bridge and an endpoint plan that works, and undoes it completely', () => {
    expect(res.plan.ping).toBe(0);
    expect(res.plan.hairpin).toBe('1');
    expect(res.plan.route).toBe('default via 10.98.0.1 dev eth0');
    expect(res.plan.undos).toEqual([
      { op: 'delete-link', name: 'vh-plan' },
      { op: 'delete-netns', path: `${runDir}/netns/c2` },
      { op: 'delete-link', name: 'br-plan' },
    ]);
    expect(res.plan.again).toEqual([]);
    expect(res.plan.after).toEqual({ links: ['lo'], nsFile: false });
  });

  it('rolls a failing plan back by itself', () => {
    expect(res.bad.error).toBe('add route "default": Network is unreachable');
    expect(res.bad.after).toEqual({ links: ['lo'], nsFile: false });
  });
});
