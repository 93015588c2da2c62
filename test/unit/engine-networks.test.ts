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

/** A recording netlink fake: a set of links with addresses. */
function fakeNetlink(log: string[]): NetlinkClient {
  const links = new Map<string, { index: number; up: boolean }>();
  let next = 10;
  const fake: Partial<NetlinkClient> = {
    listLinks: async () => [...links].map(([name, l]) => ({ name, index: l.index, up: l.up })),
    getLink: async (name) =>
      links.has(name) ? { name, index: links.get(name)!.index, up: links.get(name)!.up } : undefined,
    createBridge: async (name) => {
      log.push(`create ${name}`);
      links.set(name, { index: next++, up: false });
      return true;
    },
    addAddress: async (name, cidr) => {
      log.push(`addr ${name} ${cidr}`);
      return true;
    },
    setUp: async (name) => {
      log.push(`up ${name}`);
    },
    deleteLink: async (name) => {
      log.push(`delete ${name}`);
      return links.delete(name);
    },
    listRoutes: async () => [],
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
});
