/**
 * The network verbs through ops/ with a fake Host: a dry run returns the plan and leaves
 * the database, the kernel and the rules as they were; applied, the same plan is carried out.
 */
import { describe, expect, it } from 'vitest';
import { createNetwork, pruneNetworks, removeNetwork } from '../../../src/ops/network.js';
import { fakeOpsHost, kernelChanges } from './fake-host.js';

describe('ops: networks', () => {
  it('create --dry-run returns the plan and changes nothing', async () => {
    const { host, kernel, iptables } = fakeOpsHost();
    const out = await createNetwork(host, { name: 'web', subnet: '10.9.0.0/24' }, { dryRun: true });
    expect(out.applied).toBe(false);
    expect(out.result).toBeUndefined();
    expect(out.plan.operations[0]).toMatch(/^ip link add nc-\w+ mtu 1500 type bridge$/);
    expect(out.plan.rules).toContain('-A NETCTL-POSTROUTING -s 10.9.0.0/24');
    expect(host.store().networks.list()).toEqual([]);
    expect(kernelChanges(kernel)).toEqual([]);
    expect(iptables).toEqual([]);
    host.close();
  });

  it('create applies the plan, the default network first; rm takes it away again', async () => {
    const { host, kernel } = fakeOpsHost();
    const out = await createNetwork(host, { name: 'web', subnet: '10.9.0.0/24' });
    expect(out.applied).toBe(true);
    expect(out.result?.name).toBe('web');
    expect(
      host
        .store()
        .networks.list()
        .map((n) => n.name),
    ).toEqual(['bridge', 'web']);
    expect(kernelChanges(kernel).filter((l) => l.startsWith('createBridge'))).toEqual([
      expect.stringMatching(/^createBridge netctl0/),
      expect.stringMatching(/^createBridge nc-/),
    ]);
    const dry = await removeNetwork(host, 'web', { dryRun: true });
    expect(dry.plan.operations).toEqual([`ip link del ${out.result!.bridge}`]);
    expect(host.store().networks.get('web')?.name).toBe('web');
    const pruned = await pruneNetworks(host);
    expect(pruned.names).toEqual(['web']);
    expect(kernelChanges(kernel).at(-1)).toBe(`deleteLink ${out.result!.bridge}`);
    host.close();
  });
});
