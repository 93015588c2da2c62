import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { planCreateNetwork, planRemoveNetwork } from '../../src/engine/networks.js';
import { createNetwork as createNetworkOp } from '../../src/ops/network.js';
import { makeHost, type Host } from '../../src/ops/host.js';
import { transact } from '../../src/ops/tx.js';
import type { UfwDeps } from '../../src/firewall/ufw/observe.js';
import type { Engine } from '../../src/engine/context.js';
import type { NetlinkClient } from '../../src/netlink/types.js';
import type { NetnsOps } from '../../src/sys/native.js';
import { IptablesDriver } from '../../src/firewall/iptables/driver.js';
import { fakeIptables } from './rules/fake-iptables.js';
import { fakeHost } from './ufw/fakes.js';

/** Dumps asked of the netlink fake, by kind: what a command's cost grows with. */
const dumps = { links: 0, routes: 0 };
/** Routes of the fake host besides the bridges' connected ones: `dst` and `oif`. */
const extraRoutes: { dst: string; oif: number }[] = [];

/** A recording netlink fake: a set of links with addresses and their connected routes. */
function fakeNetlink(log: string[]): NetlinkClient {
  const links = new Map<string, { index: number; up: boolean; routes: string[] }>();
  let next = 10;
  const fake: Partial<NetlinkClient> = {
    listLinks: async () => {
      dumps.links++;
      return [...links].map(([name, l]) => ({ name, index: l.index, up: l.up }));
    },
    getLink: async (name) =>
      links.has(name) ? { name, index: links.get(name)!.index, up: links.get(name)!.up } : undefined,
    createBridge: async (name) => {
      log.push(`create ${name}`);
      links.set(name, { index: next++, up: false, routes: [] });
      return true;
    },
    addAddress: async (name, cidr) => {
      log.push(`addr ${name} ${cidr}`);
      // The kernel's connected route, as it writes it: the block, not the address.
      const [ip, len] = cidr.split('/');
      links.get(name)?.routes.push(`${ip!.replace(/\.\d+$/, '.0')}/${len}`);
      return true;
    },
    setUp: async (name) => {
      log.push(`up ${name}`);
    },
    deleteLink: async (name) => {
      log.push(`delete ${name}`);
      return links.delete(name);
    },
    listRoutes: async () => {
      dumps.routes++;
      const own = [...links.values()].flatMap((l) => l.routes.map((dst) => ({ dst, oif: l.index })));
      return [...own, ...extraRoutes].map((r) => ({ family: 4 as const, protocol: 2, scope: 253, ...r }));
    },
    close: () => undefined,
  };
  return fake as NetlinkClient;
}

function engine(failRestore: () => boolean): { engine: Engine; log: string[] } {
  const log: string[] = [];
  const store = Store.open({ root: mkdtempSync(join(tmpdir(), 'netctl-engine-')) });
  return {
    log,
    engine: {
      store,
      kernel: {
        client: fakeNetlink(log),
        open: () => {
          throw new Error('no namespaces in this test');
        },
        native: {} as NetnsOps,
        sysctl: { read: () => '0', write: (name, value) => void log.push(`sysctl ${name}=${value}`) },
      },
      firewall: new IptablesDriver(fakeIptables(log, failRestore)),
      // ufw's files in memory: the machine's /etc/ufw is never read.
      ufw: fakeHost().deps,
      close: () => store.close(),
    },
  };
}

/** A host over the fake engine, for the one transaction of ops/tx.ts. */
function hostOf(e: Engine): Host {
  return makeHost(
    { root: '/nowhere', runRoot: '/nowhere' },
    { ufw: {} as UfwDeps, store: () => e.store, engine: async () => e },
  );
}
const createNetwork = (e: Engine, spec: { name: string; subnet: string }) =>
  transact(hostOf(e), {}, (en) => planCreateNetwork(en, spec));
const removeNetwork = (e: Engine, ref: string) => transact(hostOf(e), {}, (en) => planRemoveNetwork(en, ref));

describe('network engine', () => {
  it('plans bridge, address, up, forwarding and rules, in that order', async () => {
    const { engine: e, log } = engine(() => false);
    const host = makeHost(
      { root: '/nowhere', runRoot: '/nowhere' },
      { ufw: {} as UfwDeps, store: () => e.store, engine: async () => e },
    );
    const { plan } = await createNetworkOp(host, { name: 'web', subnet: '10.9.0.0/24' }, { dryRun: true });
    expect(plan.operations[0]).toMatch(/^ip link add nc-\w+ mtu 1500 type bridge$/);
    expect(plan.operations.slice(1)).toEqual([
      expect.stringMatching(/^ip addr add 10\.9\.0\.1\/24 (brd \+ )?dev nc-/),
      expect.stringMatching(/^ip link set (dev )?nc-\w+ up$/),
      'sysctl -w net.ipv4.ip_forward=1',
    ]);
    expect(plan.rules).toContain('-A NETCTL-POSTROUTING -s 10.9.0.0/24');
    // A dry run changes nothing, not even the database.
    expect(log).toEqual([]);
    expect(e.store.networks.list()).toEqual([]);
  });

  it('rolls the kernel and the database back when the rules cannot be applied', async () => {
    const { engine: e, log } = engine(() => true);
    await expect(createNetwork(e, { name: 'web', subnet: '10.9.0.0/24' })).rejects.toThrow(/line 3 failed/);
    const bridge = log[0]!.split(' ')[1]!;
    expect(log.at(-1)).toBe(`delete ${bridge}`);
    expect(e.store.networks.list()).toEqual([]);
    expect(e.store.tx(() => 1)).toBe(1);
  });

  it('keeps the network when removing its rules fails', async () => {
    let fail = false;
    const { engine: e } = engine(() => fail);
    await createNetwork(e, { name: 'web', subnet: '10.9.0.0/24' });
    fail = true;
    await expect(removeNetwork(e, 'web')).rejects.toThrow(/line 3 failed/);
    expect(e.store.networks.list().map((n) => n.name)).toEqual(['web']);
  });

  it('checks host routes from one route dump, never a link dump, however many networks exist', async () => {
    const { engine: e } = engine(() => false);
    dumps.links = 0;
    dumps.routes = 0;
    for (let i = 0; i < 20; i++) await createNetwork(e, { name: `n${i}`, subnet: `10.9.${i}.0/24` });
    expect(dumps).toEqual({ links: 0, routes: 20 });
    // An own network's subnet is refused as a network (the better message), not as a route.
    await expect(createNetwork(e, { name: 'again', subnet: '10.9.3.0/24' })).rejects.toThrow(/network "n3"/);
    // A route of the host's own, even on an own bridge, still counts.
    extraRoutes.push({ dst: '10.77.0.0/16', oif: 10 });
    try {
      await expect(createNetwork(e, { name: 'x', subnet: '10.77.1.0/24' })).rejects.toThrow(/10\.77\.0\.0\/16/);
    } finally {
      extraRoutes.length = 0;
    }
  });
});
