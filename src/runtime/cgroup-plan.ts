/**
 * A container's cgroup as data: the directories to make (one per v1 hierarchy, or one on
 * v2), the limit files to write in order, the `cgroup.procs` files its process joins, and
 * where its statistics are read. Pure: the layout comes from runtime/cgroup.ts.
 *
 * v1 (this project's own machines): memory, cpu, cpuacct, cpuset, pids, blkio, each its own
 * hierarchy (or co-mounted). v2: one tree; the controllers are enabled down to the parent.
 */
import { UsageError } from '../errors.js';
import type { Resources } from '../model/resources.js';
import { type BlkioHost, blkioWrites } from './cgroup-blkio.js';

/** Where the cgroup hierarchies are mounted. */
export type CgroupLayout =
  | { version: 1; mounts: Record<string, string> }
  | { version: 2; root: string; controllers: string[] };

/** A file to write, and what into it. */
export interface CgroupWrite {
  path: string;
  value: string;
}

/** Where `stats` reads a container's numbers. */
export interface CgroupStatFiles {
  version: 1 | 2;
  /** v1: cpuacct.usage (ns); v2: cpu.stat (usage_usec). */
  cpu?: string;
  /** v1: memory.usage_in_bytes; v2: memory.current. */
  memory?: string;
  /** v1: memory.limit_in_bytes; v2: memory.max. */
  memoryLimit?: string;
  memoryStat?: string;
  /** v1: blkio.throttle.io_service_bytes_recursive; v2: io.stat. */
  io?: string;
  pids?: string;
}

/** Everything about one container's cgroup. */
export interface CgroupPlan {
  /** Directories, parents before children. */
  dirs: string[];
  /** The container's own directories (removed at rm), one per hierarchy. */
  leaves: string[];
  /** v1 cpuset directories whose cpus and mems must be copied from their parent. */
  cpusetDirs: string[];
  writes: CgroupWrite[];
  procs: string[];
  oomFile?: string;
  stats: CgroupStatFiles;
  /** Issue 25: what was asked and not applied (a block I/O weight without a scheduler for it). */
  notes?: string[];
}

const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio'];
const V2_CONTROLLERS = ['memory', 'cpu', 'cpuset', 'pids', 'io'];
const PERIOD_US = 100_000;

/** Refuses a parent that would leave its hierarchy. */
export function checkParent(parent: string): string {
  const p = parent.replace(/^\/+|\/+$/g, '');
  if (!p || !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(p) || p.split('/').some((s) => s === '..' || s === '.'))
    throw new UsageError(`invalid cgroup parent "${parent}": a relative path of plain names`);
  return p;
}

function chain(mount: string, parent: string, id: string): string[] {
  const parts = [...parent.split('/'), id];
  return parts.map((_, i) => `${mount}/${parts.slice(0, i + 1).join('/')}`);
}

function v1Writes(dir: (c: string) => string, r: Resources): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  const put = (c: string, f: string, v: string | number): number =>
    w.push({ path: `${dir(c)}/${f}`, value: String(v) });
  if (r.memory !== undefined) {
    put('memory', 'memory.limit_in_bytes', r.memory);
    // Docker: without --memory-swap, as much swap as memory.
    put('memory', 'memory.memsw.limit_in_bytes', r.memorySwap ?? r.memory * 2);
  }
  if (r.memoryReservation !== undefined) put('memory', 'memory.soft_limit_in_bytes', r.memoryReservation);
  if (r.oomKillDisable) put('memory', 'memory.oom_control', 1);
  if (r.cpus !== undefined) {
    put('cpu', 'cpu.cfs_period_us', PERIOD_US);
    put('cpu', 'cpu.cfs_quota_us', Math.round(r.cpus * PERIOD_US));
  }
  if (r.cpuShares !== undefined) put('cpu', 'cpu.shares', r.cpuShares);
  if (r.cpusetCpus !== undefined) put('cpuset', 'cpuset.cpus', r.cpusetCpus);
  if (r.pidsLimit !== undefined) put('pids', 'pids.max', r.pidsLimit);
  return w;
}

function planV1(mounts: Record<string, string>, parent: string, id: string, r: Resources): CgroupPlan {
  const missing = V1_CONTROLLERS.filter((c) => !mounts[c]);
  const need: Record<string, boolean> = {
    memory: r.memory !== undefined || r.memoryReservation !== undefined || Boolean(r.oomKillDisable),
    cpu: r.cpus !== undefined || r.cpuShares !== undefined,
    cpuset: r.cpusetCpus !== undefined,
    pids: r.pidsLimit !== undefined,
  };
  need.blkio = r.blkio !== undefined;
  const lacking = missing.filter((c) => need[c]);
  if (lacking.length > 0)
    throw new UsageError(`cannot limit ${lacking.join(', ')}: no cgroup hierarchy for it on this host`);
  const used = V1_CONTROLLERS.filter((c) => mounts[c]);
  const mountsUsed = [...new Set(used.map((c) => mounts[c]!))];
  const dirs = mountsUsed.flatMap((m) => chain(m, parent, id));
  const dir = (c: string): string => `${mounts[c]}/${parent}/${id}`;
  const cpusetDirs = mounts.cpuset ? chain(mounts.cpuset, parent, id) : [];
  const stat = (c: string, f: string): string | undefined => (mounts[c] ? `${dir(c)}/${f}` : undefined);
  const stats: CgroupStatFiles = { version: 1 };
  const set = (k: keyof Omit<CgroupStatFiles, 'version'>, v: string | undefined): void => {
    if (v) stats[k] = v;
  };
  set('cpu', stat('cpuacct', 'cpuacct.usage'));
  set('memory', stat('memory', 'memory.usage_in_bytes'));
  set('memoryLimit', stat('memory', 'memory.limit_in_bytes'));
  set('memoryStat', stat('memory', 'memory.stat'));
  set('io', stat('blkio', 'blkio.throttle.io_service_bytes_recursive'));
  set('pids', stat('pids', 'pids.current'));
  const plan: CgroupPlan = {
    dirs,
    leaves: mountsUsed.map((m) => `${m}/${parent}/${id}`),
    cpusetDirs,
    writes: v1Writes(dir, r),
    procs: mountsUsed.map((m) => `${m}/${parent}/${id}/cgroup.procs`),
    stats,
  };
  if (mounts.memory) plan.oomFile = `${dir('memory')}/memory.oom_control`;
  return plan;
}

/** cgroup v2's cpu.weight (1..10000) for Docker's cpu-shares (2..262144), as runc converts it. */
export function sharesToWeight(shares: number): number {
  return Math.round(1 + ((shares - 2) * 9999) / 262142);
}

function v2Writes(dir: string, r: Resources): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  const put = (f: string, v: string | number): number => w.push({ path: `${dir}/${f}`, value: String(v) });
  if (r.oomKillDisable) throw new UsageError('--oom-kill-disable is not supported on cgroup v2');
  if (r.memory !== undefined) put('memory.max', r.memory);
  if (r.memory !== undefined)
    put('memory.swap.max', r.memorySwap === -1 ? 'max' : (r.memorySwap ?? r.memory * 2) - r.memory);
  if (r.memoryReservation !== undefined) put('memory.low', r.memoryReservation);
  if (r.cpus !== undefined) put('cpu.max', `${Math.round(r.cpus * PERIOD_US)} ${PERIOD_US}`);
  if (r.cpuShares !== undefined) put('cpu.weight', sharesToWeight(r.cpuShares));
  if (r.cpusetCpus !== undefined) put('cpuset.cpus', r.cpusetCpus);
  if (r.pidsLimit !== undefined) put('pids.max', r.pidsLimit);
  return w;
}

function planV2(root: string, controllers: string[], parent: string, id: string, r: Resources): CgroupPlan {
  const dirs = chain(root, parent, id);
  const dir = dirs[dirs.length - 1]!;
  const enable = V2_CONTROLLERS.filter((c) => controllers.includes(c));
  // Controllers are handed down level by level: the root's subtree_control, then each parent's.
  const subtree = enable.length > 0 ? [root, ...dirs.slice(0, -1)] : [];
  const writes = [
    ...subtree.map((d) => ({ path: `${d}/cgroup.subtree_control`, value: enable.map((c) => `+${c}`).join(' ') })),
    ...v2Writes(dir, r),
  ];
  return {
    dirs,
    leaves: [dir],
    cpusetDirs: [],
    writes,
    procs: [`${dir}/cgroup.procs`],
    oomFile: `${dir}/memory.events`,
    stats: {
      version: 2,
      cpu: `${dir}/cpu.stat`,
      memory: `${dir}/memory.current`,
      memoryLimit: `${dir}/memory.max`,
      memoryStat: `${dir}/memory.stat`,
      io: `${dir}/io.stat`,
      pids: `${dir}/pids.current`,
    },
  };
}

/** The cgroup of container ID under PARENT (a path relative to each hierarchy's root). */
export function planCgroup(
  layout: CgroupLayout,
  parent: string,
  id: string,
  r: Resources,
  blkio: BlkioHost = { devices: {}, weight: false },
): CgroupPlan {
  const p = checkParent(parent);
  const plan =
    layout.version === 1 ? planV1(layout.mounts, p, id, r) : planV2(layout.root, layout.controllers, p, id, r);
  if (!r.blkio) return plan;
  const dir = layout.version === 1 ? `${layout.mounts.blkio}/${p}/${id}` : plan.leaves[0]!;
  const b = blkioWrites(layout.version, dir, r.blkio, blkio);
  plan.writes.push(...b.writes);
  if (b.notes.length > 0) plan.notes = b.notes;
  return plan;
}

/** The plan's effects, one line each, for `--dry-run`. */
export function describeCgroup(plan: CgroupPlan): string[] {
  return [
    ...plan.leaves.map((d) => `create cgroup ${d}`),
    ...plan.writes.map((w) => `write ${w.value} to ${w.path}`),
    ...(plan.notes ?? []),
  ];
}
