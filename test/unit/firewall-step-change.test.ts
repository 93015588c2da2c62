/**
 * The firewall step planning one container's change from its own rows (firewall-step.ts
 * changedTarget) over a real state database and the iptables-restore model: taken whenever
 * the remembered rules were planned from the records just before the change, and the rules
 * are then exactly what planning from every record gives (a fresh read finds nothing to
 * do); every record is read instead after any other change, with links, or when the
 * kernel's rules moved.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../src/store/index.js';
import type { Engine } from '../../src/engine/context.js';
import type { NetnsOps } from '../../src/sys/native.js';
import type { NetlinkClient } from '../../src/netlink/types.js';
import type { Network } from '../../src/model/network.js';
import type { Container } from '../../src/model/container.js';
import { IptablesDriver } from '../../src/firewall/iptables/driver.js';
import { RulesCache } from '../../src/firewall/iptables/rules-cache.js';
import { firewallStep } from '../../src/engine/firewall-step.js';
import { attachSteps, recordEndpoint, releaseEndpoints } from '../../src/engine/attach.js';
import type { PortRequest } from '../../src/store/index.js';
import { fakeIptables } from './rules/fake-iptables.js';
import { fakeHost } from './ufw/fakes.js';

let e: Engine;
let iptables: ReturnType<typeof fakeIptables>;
let full: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  const store = Store.open({ root: mkdtempSync(join(tmpdir(), 'netctl-fwstep-')) });
  iptables = fakeIptables([]);
  const cache = new RulesCache({ generation: () => iptables.generation(), namespace: () => 1 });
  e = {
    store,
    kernel: {
      client: {} as NetlinkClient,
      open: () => ({}) as NetlinkClient,
      native: {} as NetnsOps,
      sysctl: { read: () => '0', write: () => undefined },
    },
    firewall: new IptablesDriver(iptables, () => false, cache),
    // ufw's files in memory: the machine's /etc/ufw is never read.
    ufw: fakeHost().deps,
    close: () => store.close(),
  };
  full = vi.spyOn(e.firewall, 'desiredFor');
});
afterEach(() => e.close());

/** Applies the rules every record wants, as network create does. */
async function converge(): Promise<void> {
  await (await firewallStep(e)).step.apply();
}

/** Whether a fresh read of the kernel's rules finds anything left to do. */
async function drift(): Promise<string> {
  return (await firewallStep(e, { fresh: true })).plan.text();
}

/** Records a container on `net` and applies its rules as `run` plans them; true when planned from its own rows. */
async function run(name: string, net: Network, ports: PortRequest[]): Promise<boolean> {
  const c = e.store.containers.create({ name, image: 'img' });
  const recorded = recordEndpoint(e, c, net, { ports });
  full.mockClear();
  // attachSteps plans the rules (and the veth, not run here) the way run does.
  await attachSteps(e, '/run/netns/none', net, recorded);
  const alone = full.mock.calls.length === 0;
  const fw = await firewallStep(e, {
    change: {
      kind: 'add',
      containerId: c.id,
      since: recorded.since,
      endpoints: [recorded.endpoint],
      ports: recorded.published,
    },
  });
  await fw.step.apply();
  return alone;
}

/** Releases a container's rows and applies its rules' removal as `rm` plans them (attach.ts detachSteps); true when planned from its own rows. */
async function rm(c: Container): Promise<boolean> {
  const change = releaseEndpoints(e, c);
  full.mockClear();
  const fw = await firewallStep(e, { change });
  const alone = full.mock.calls.length === 0;
  await fw.step.apply();
  e.store.containers.remove(c.id);
  return alone;
}

describe('one container planned from its own rows', () => {
  it('is what every record wants, for runs and removals in any order', async () => {
    const a = e.store.networks.create({ name: 'a', subnet: '10.30.0.0/24', subnet6: 'fd00:30::/64' });
    const b = e.store.networks.create({ name: 'b', subnet: '10.31.0.0/24' });
    await converge();
    const taken: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const ports: PortRequest[] =
        i % 3 === 0
          ? []
          : [
              { hostPort: 8000 + i, containerPort: 80 },
              { hostIp: '127.0.0.1', hostPort: 9000 + i, containerPort: 81, proto: i % 2 ? 'udp' : 'tcp' },
            ];
      taken.push(await run(`c${i}`, i % 2 ? a : b, ports));
      expect(await drift()).toBe('');
    }
    for (const name of ['c3', 'c0', 'c7', 'c4']) {
      taken.push(await rm(e.store.containers.require(name)));
      expect(await drift()).toBe('');
    }
    taken.push(await run('c8', a, [{ hostPort: 8003, containerPort: 80 }]));
    expect(await drift()).toBe('');
    expect(taken.every(Boolean)).toBe(true);
    expect(await drift()).toBe('');
  });

  it('reads every record after a change it did not plan, and is alone again after', async () => {
    const a = e.store.networks.create({ name: 'a', subnet: '10.30.0.0/24' });
    await converge();
    expect(await run('c1', a, [{ hostPort: 8001, containerPort: 80 }])).toBe(true);
    // A network recorded without its rules applied (a killed command, say): the revision moved.
    e.store.networks.create({ name: 'b', subnet: '10.31.0.0/24' });
    expect(await run('c2', a, [{ hostPort: 8002, containerPort: 80 }])).toBe(false);
    expect(await drift()).toBe('');
    expect(await run('c3', a, [{ hostPort: 8003, containerPort: 80 }])).toBe(true);
    expect(await drift()).toBe('');
  });

  it("reads every record when the kernel's rules moved, or with links", async () => {
    const a = e.store.networks.create({ name: 'a', subnet: '10.30.0.0/24' });
    await converge();
    expect(await run('c1', a, [{ hostPort: 8001, containerPort: 80 }])).toBe(true);
    // Someone else committed: the remembered rules are not known to be live.
    await iptables.run(['iptables-restore', '-w', '--noflush'], { input: '*filter\n:OTHER - [0:0]\nCOMMIT\n' });
    expect(await run('c2', a, [{ hostPort: 8002, containerPort: 80 }])).toBe(false);
    expect(await drift()).toBe('');
    e.store.links.add({ containerId: e.store.containers.require('c2').id, target: 'c1', alias: 'db' });
    await converge();
    expect(await run('c3', a, [{ hostPort: 8003, containerPort: 80 }])).toBe(false);
    expect(await rm(e.store.containers.require('c3'))).toBe(false);
    expect(await drift()).toBe('');
  });
});
