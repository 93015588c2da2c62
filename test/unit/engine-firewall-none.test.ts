/**
 * The "none" firewall backend (NETCTL_FIREWALL=none): an engine opened with it plans and
 * applies no rules, and the engine works through the FirewallDriver interface alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import type { Engine } from '../../src/engine/context.js';
import { firewallBackend } from '../../src/engine/open.js';
import { firewallStep } from '../../src/engine/firewall-step.js';
import { planCreateNetwork } from '../../src/engine/networks.js';
import { recordEndpoint } from '../../src/engine/attach.js';
import { fakeHost } from './ufw/fakes.js';
import { noneDriver } from '../../src/firewall/driver.js';
import type { NetlinkClient } from '../../src/netlink/types.js';
import type { NetnsOps } from '../../src/sys/native.js';
import { UsageError } from '../../src/errors.js';

let e: Engine;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-fw-none-'));
  const store = Store.open({ root });
  e = {
    store,
    kernel: {
      client: {
        listLinks: async () => [],
        listRoutes: async () => [],
        getLink: async () => undefined,
      } as unknown as NetlinkClient,
      open: () => {
        throw new Error('no namespaces in this test');
      },
      native: {} as NetnsOps,
      sysctl: { read: () => '0', write: () => undefined },
    },
    firewall: noneDriver,
    // ufw's files in memory: the machine's /etc/ufw is never read.
    ufw: fakeHost().deps,
    roots: { root, runRoot: join(root, 'run') } as Engine['roots'],
    close: () => store.close(),
  };
});
afterEach(() => e.close());

describe('NETCTL_FIREWALL=none', () => {
  it('names the backend: unset or empty is iptables, a bad value is refused', () => {
    expect(firewallBackend(undefined)).toBe('iptables');
    expect(firewallBackend('')).toBe('iptables');
    expect(firewallBackend('none')).toBe('none');
    expect(() => firewallBackend('nft')).toThrow(UsageError);
    expect(() => firewallBackend('nft')).toThrow('invalid NETCTL_FIREWALL "nft"');
  });

  it('plans no rules for networks and published ports, and applying changes nothing', async () => {
    const net = e.store.networks.create({ name: 'a', subnet: '10.40.0.0/24' });
    const c = e.store.containers.create({ name: 'web', image: 'img' });
    recordEndpoint(e, c, net, { ports: [{ hostPort: 8080, containerPort: 80 }] });
    for (const fw of [await firewallStep(e), await firewallStep(e, { fresh: true })]) {
      expect(fw.plan.empty).toBe(true);
      expect(fw.plan.text()).toBe('');
      expect(fw.plan.absent()).toEqual([]);
      // Nothing was read for rules: the step's callers read the records themselves.
      expect(fw.view).toBeUndefined();
      await e.firewall.apply(fw.plan, { verify: true });
    }
  });

  it('a network create plans its links and sysctls but no rules', async () => {
    const { plan } = await planCreateNetwork(e, { name: 'web', subnet: '10.9.0.0/24' });
    expect(plan.operations[0]).toMatch(/^ip link add nc-\w+ mtu 1500 type bridge$/);
    expect(plan.rules).toBe('');
  });
});
