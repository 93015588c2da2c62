/**
 * `ps` at scale: what it reads grows by a fixed amount per container. The host's cgroup
 * layout (/proc/self/mountinfo) is read once per listing, not once per running container,
 * and a container without a health check costs no second look at its monitor in /proc. Every file is
 * read synchronously: through fs/promises a small file costs ~10x the CPU, which made `ps` grow.
 * node:fs is wrapped to count the reads; the monitors' /proc entries are answered by it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => ({ mountinfo: 0, proc: 0, state: 0, async: 0, freezer: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    const p = String(path);
    if (p === '/proc/self/mountinfo') reads.mountinfo++;
    if (p.endsWith('/state.json')) reads.state++;
    if (p.endsWith('/freezer.state') || p.endsWith('/cgroup.freeze')) reads.freezer++;
    const m = /^\/proc\/(9\d{5})\/(stat|cmdline)$/.exec(p);
    if (m) {
      reads.proc++;
      // 999999: the monitor's pid, taken since by another program. 999998: a monitor whose
      // kept name is another (renamed by hand): its command line answers.
      const comm = m[1] === '999999' ? 'sleep' : m[1] === '999998' ? 'renamed' : 'netctl-launcher';
      const argv0 = m[1] === '999999' ? 'sleep' : 'netctl-launcher';
      return m[2] === 'stat' ? `${m[1]} (${comm}) S 1 1 1` : `/usr/lib/netctl/${argv0}\0run\0`;
    }
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = ((...a: unknown[]) => {
    reads.async++;
    return (fs.readFile as (...a: unknown[]) => unknown)(...a);
  }) as typeof fs.readFile;
  return { ...fs, readFile, default: { ...fs, readFile } };
});

const { makeHost } = await import('../../../src/ops/host.js');
const { psRows } = await import('../../../src/ops/read.js');
const { Store } = await import('../../../src/store/index.js');
const { containerPaths } = await import('../../../src/runtime/paths.js');
const { detectLayout } = await import('../../../src/runtime/cgroup.js');
type Host = import('../../../src/ops/host.js').Host;

const N = 40;
let host: Host;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-ps-'));
  host = makeHost(
    { root, runRoot: join(root, 'run') },
    {
      ufw: {} as never,
      store: (p) => Store.open({ root: p.root }),
      engine: async () => {
        throw new Error('ps opens no engine');
      },
    },
  );
  const s = host.store();
  const net = s.networks.create({ name: 'front', subnet: '10.40.0.0/24' });
  for (let i = 0; i < N; i++) {
    const c = s.containers.create({ name: `c${i}`, image: 'img' });
    s.endpoints.add({ containerId: c.id, networkId: net.id, ifname: 'eth0', address: `10.40.0.${i + 2}`, aliases: [] });
    const state = containerPaths(host.paths, c.id).state;
    mkdirSync(dirname(state), { recursive: true });
    const st = { version: 1, status: 'running', monitorPid: 900000 + i, pid: 1, restartCount: 0, startedAt: null };
    writeFileSync(state, JSON.stringify(st));
  }
});

afterEach(() => host.close());

describe('ps at scale', () => {
  it(`reads the cgroup layout once and each monitor's /proc entries once for ${N} running containers`, async () => {
    Object.assign(reads, { mountinfo: 0, proc: 0, state: 0, async: 0, freezer: 0 });
    const rows = await psRows(host, {});
    expect(rows).toHaveLength(N);
    expect(rows.every((r) => r.status === 'running' && r.networks.join() === 'front')).toBe(true);
    expect(reads.mountinfo).toBe(1);
    // Each state file, and each monitor's stat, once (the name the kernel keeps answers, no
    // cmdline); nothing through fs/promises.
    expect(reads.state).toBe(N);
    expect(reads.proc).toBe(N);
    expect(reads.async).toBe(0);
    // v1: one listing of the freezer's parent, no file of a container never paused; v2: each one's.
    const layout = detectLayout();
    expect(reads.freezer).toBe(layout?.version === 2 ? N : 0);
  });

  it("takes a monitor's pid now held by another program for a dead monitor", async () => {
    const c = host.store().containers.create({ name: 'reused', image: 'img' });
    const state = containerPaths(host.paths, c.id).state;
    mkdirSync(dirname(state), { recursive: true });
    const st = { version: 1, status: 'running', monitorPid: 999999, pid: 1, restartCount: 0, startedAt: null };
    writeFileSync(state, JSON.stringify(st));
    const rows = await psRows(host, { all: true });
    expect(rows.find((r) => r.name === 'reused')?.status).toBe('dead');
    expect(rows.filter((r) => r.status === 'running')).toHaveLength(N);
  });

  it('asks the command line of a monitor whose kept name is another', async () => {
    const c = host.store().containers.create({ name: 'renamed', image: 'img' });
    const state = containerPaths(host.paths, c.id).state;
    mkdirSync(dirname(state), { recursive: true });
    const st = { version: 1, status: 'running', monitorPid: 999998, pid: 1, restartCount: 0, startedAt: null };
    writeFileSync(state, JSON.stringify(st));
    Object.assign(reads, { proc: 0 });
    const rows = await psRows(host, {});
    expect(rows.find((r) => r.name === 'renamed')?.status).toBe('running');
    expect(reads.proc).toBe(N + 2);
  });
});
