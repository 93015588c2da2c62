/**
 * `run` and the container verbs through ops/ with a fake Host: `run --dry-run` plans the
 * default network, the namespace, the veth, the rules and the launcher, and records,
 * creates and starts nothing; gc's dry run lists and changes nothing; rm removes a record.
 */
import { describe, expect, it } from 'vitest';
import { planRunContainer, type RunRequest } from '../../../src/ops/run.js';
import { removeContainer, startContainer } from '../../../src/ops/container.js';
import { gc } from '../../../src/ops/gc.js';
import { fakeOpsHost, kernelChanges } from './fake-host.js';

function request(over: Partial<RunRequest> = {}): RunRequest {
  return {
    name: 'web',
    image: { id: 'a'.repeat(64), ref: 'busybox:latest' },
    network: 'bridge',
    ports: [{ containerPort: 80, proto: 'tcp', hostPort: 8080 }],
    launch: {
      hostname: 'web',
      env: [],
      uid: 0,
      gid: 0,
      cwd: '/',
      argv: ['httpd', '-f'],
      binds: [],
      restart: 'no',
      tty: false,
      interactive: false,
    },
    ...over,
  };
}

describe('ops: run', () => {
  it('--dry-run returns the plan and leaves the database, the kernel and the rules as they were', async () => {
    const { host, kernel, iptables } = fakeOpsHost();
    const out = await planRunContainer(host, request());
    expect(out.applied).toBe(false);
    const ops = out.plan.operations.join('\n');
    expect(ops).toContain('ip link add netctl0');
    expect(ops).toMatch(/ip netns add|netns/);
    expect(ops).toMatch(/type veth peer name eth0/);
    expect(out.plan.rules).toContain('--dport 8080');
    expect(out.plan.processes).toHaveLength(1);
    expect(out.plan.processes![0]!.slice(-2, -1)).toEqual(['run']);
    expect(out.plan.processes![0]![0]).toMatch(/netctl-launcher$/);
    expect(host.store().containers.list({ all: true })).toEqual([]);
    expect(host.store().networks.list()).toEqual([]);
    expect(kernelChanges(kernel)).toEqual([]);
    expect(iptables).toEqual([]);
    host.close();
  });

  it('refuses what the network cannot take before planning anything', async () => {
    const { host } = fakeOpsHost();
    await expect(planRunContainer(host, request({ network: 'none' }))).rejects.toThrow(/ports cannot be published/);
    host.close();
  });
});

describe('ops: containers', () => {
  it('start and rm plan under the lock; rm of a stopped container drops its record', async () => {
    const { host } = fakeOpsHost();
    const s = host.store();
    const c = s.containers.create({
      name: 'old',
      image: 'busybox:latest',
      config: { imageId: 'a'.repeat(64), network: 'none', launch: request().launch },
    });
    const start = await startContainer(host, 'old', { dryRun: true });
    expect(start.applied).toBe(false);
    expect(start.result.plan).toContain('start the container process');
    expect(start.plan.processes?.[0]?.at(-1)).toBe(`${host.paths.runRoot}/containers/${c.id}/launcher.conf`);
    const rm = await removeContainer(host, 'old');
    expect(rm.result?.name).toBe('old');
    expect(host.store().containers.list({ all: true })).toEqual([]);
    host.close();
  });

  it('gc --dry-run lists what it would remove and changes nothing', async () => {
    const { host, kernel } = fakeOpsHost();
    kernel.links.set('', [{ name: 'vn0123456789', index: 7, up: true } as never]);
    const out = await gc(host, { dryRun: true });
    expect(out.applied).toBe(false);
    expect(out.result.items).toContainEqual({ kind: 'veth', name: 'vn0123456789' });
    expect(kernelChanges(kernel)).toEqual([]);
    host.close();
  });
});
