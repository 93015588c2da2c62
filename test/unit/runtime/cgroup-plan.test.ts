import { describe, expect, it } from 'vitest';
import { describeCgroup, planCgroup, sharesToWeight } from '../../../src/runtime/cgroup-plan.js';
import { parseCgroupMounts } from '../../../src/runtime/cgroup.js';

// A layout faked for the planner only: the real cgroups are exercised by test/integration/limits.test.ts.
const V1 = {
  version: 1 as const,
  mounts: {
    memory: '/sys/fs/cgroup/memory',
    cpu: '/sys/fs/cgroup/cpu,cpuacct',
    cpuacct: '/sys/fs/cgroup/cpu,cpuacct',
    cpuset: '/sys/fs/cgroup/cpuset',
    pids: '/sys/fs/cgroup/pids',
    blkio: '/sys/fs/cgroup/blkio',
  },
};
const V2 = { version: 2 as const, root: '/sys/fs/cgroup', controllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'] };

describe('cgroup planner', () => {
  it('plans v1 directories per hierarchy (co-mounted ones once), limits, and the procs files to join', () => {
    const p = planCgroup(V1, 'netctl', 'abc', { memory: 64 << 20, cpus: 0.5, pidsLimit: 20, cpusetCpus: '0' });
    expect(p.leaves).toEqual([
      '/sys/fs/cgroup/memory/netctl/abc',
      '/sys/fs/cgroup/cpu,cpuacct/netctl/abc',
      '/sys/fs/cgroup/cpuset/netctl/abc',
      '/sys/fs/cgroup/pids/netctl/abc',
      '/sys/fs/cgroup/blkio/netctl/abc',
    ]);
    expect(p.dirs.slice(0, 2)).toEqual(['/sys/fs/cgroup/memory/netctl', '/sys/fs/cgroup/memory/netctl/abc']);
    expect(p.writes).toEqual([
      { path: '/sys/fs/cgroup/memory/netctl/abc/memory.limit_in_bytes', value: String(64 << 20) },
      { path: '/sys/fs/cgroup/memory/netctl/abc/memory.memsw.limit_in_bytes', value: String(128 << 20) },
      { path: '/sys/fs/cgroup/cpu,cpuacct/netctl/abc/cpu.cfs_period_us', value: '100000' },
      { path: '/sys/fs/cgroup/cpu,cpuacct/netctl/abc/cpu.cfs_quota_us', value: '50000' },
      { path: '/sys/fs/cgroup/cpuset/netctl/abc/cpuset.cpus', value: '0' },
      { path: '/sys/fs/cgroup/pids/netctl/abc/pids.max', value: '20' },
    ]);
    expect(p.procs).toContain('/sys/fs/cgroup/pids/netctl/abc/cgroup.procs');
    expect(p.oomFile).toBe('/sys/fs/cgroup/memory/netctl/abc/memory.oom_control');
    expect(p.cpusetDirs).toEqual(['/sys/fs/cgroup/cpuset/netctl', '/sys/fs/cgroup/cpuset/netctl/abc']);
    expect(describeCgroup(p)[0]).toBe('create cgroup /sys/fs/cgroup/memory/netctl/abc');
  });

  it('plans v2: controllers enabled down to the parent, v2 file names and units', () => {
    const p = planCgroup(V2, 'a/b', 'id', { memory: 100, memorySwap: -1, cpus: 1.5, cpuShares: 512 });
    expect(p.leaves).toEqual(['/sys/fs/cgroup/a/b/id']);
    expect(p.writes.map((w) => `${w.path}=${w.value}`)).toEqual([
      '/sys/fs/cgroup/cgroup.subtree_control=+memory +cpu +cpuset +pids +io',
      '/sys/fs/cgroup/a/cgroup.subtree_control=+memory +cpu +cpuset +pids +io',
      '/sys/fs/cgroup/a/b/cgroup.subtree_control=+memory +cpu +cpuset +pids +io',
      '/sys/fs/cgroup/a/b/id/memory.max=100',
      '/sys/fs/cgroup/a/b/id/memory.swap.max=max',
      '/sys/fs/cgroup/a/b/id/cpu.max=150000 100000',
      `/sys/fs/cgroup/a/b/id/cpu.weight=${sharesToWeight(512)}`,
    ]);
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(262144)).toBe(10000);
    expect(p.oomFile).toBe('/sys/fs/cgroup/a/b/id/memory.events');
    expect(() => planCgroup(V2, 'x', 'id', { oomKillDisable: true })).toThrow(/not supported on cgroup v2/);
  });

  it('refuses parents that leave the hierarchy, and limits without their hierarchy', () => {
    expect(() => planCgroup(V1, '../x', 'id', {})).toThrow(/invalid cgroup parent/);
    expect(() => planCgroup(V1, '', 'id', {})).toThrow(/invalid cgroup parent/);
    const noPids = { version: 1 as const, mounts: { memory: '/m' } };
    expect(() => planCgroup(noPids, 'p', 'id', { pidsLimit: 5 })).toThrow(/cannot limit pids/);
    expect(planCgroup(noPids, 'p', 'id', {}).leaves).toEqual(['/m/p/id']);
  });

  it('reads v1 and v2 mounts from mountinfo, named hierarchies left out', () => {
    const text = [
      '30 25 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory',
      '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct',
      '32 25 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
      '33 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate',
    ].join('\n');
    const m = parseCgroupMounts(text);
    expect(m.v1).toEqual({
      memory: '/sys/fs/cgroup/memory',
      cpu: '/sys/fs/cgroup/cpu,cpuacct',
      cpuacct: '/sys/fs/cgroup/cpu,cpuacct',
    });
    expect(m.v2).toBe('/sys/fs/cgroup/unified');
  });

  it("leaves read-only hierarchies out (a systemd-nspawn machine's controllers)", () => {
    const text = [
      '40 35 0:26 /machine /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory',
      '41 35 0:29 / /sys/fs/cgroup/unified ro,nosuid - cgroup2 cgroup2 rw,nsdelegate',
    ].join('\n');
    expect(parseCgroupMounts(text)).toEqual({ v1: {} });
  });
});
