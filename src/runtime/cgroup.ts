/**
 * The host's cgroups: which layout it has (from /proc/self/mountinfo), and a container's
 * cgroup made, limited and removed as cgroup-plan.ts planned it. The parent every container's
 * cgroup goes under is `netctl`, or NETCTL_CGROUP_PARENT (a sandbox sets its own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { SystemError, UsageError } from '../errors.js';
import type { CgroupLayout, CgroupPlan } from './cgroup-plan.js';
import { keptLayout } from './cgroup-cache.js';

/** The parent of every container's cgroup, relative to each hierarchy's root. */
export function cgroupParent(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETCTL_CGROUP_PARENT || 'netctl';
}

// The v1 controllers (a mount's options also hold rw, xattr, name=...).
const SUBSYSTEMS = 'cpu cpuacct cpuset memory devices freezer net_cls blkio perf_event net_prio hugetlb pids rdma misc';

/**
 * The cgroup mounts in a mountinfo text. Pure. A v1 controller mounted anywhere makes the
 * layout v1 (a "hybrid" host's v2 tree then has no controllers: systemd's only).
 */
export function parseCgroupMounts(mountinfo: string): { v1: Record<string, string>; v2?: string } {
  const v1: Record<string, string> = {};
  let v2: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const mountPoint = pre.split(' ')[4]!.replace(/\\040/g, ' ');
    // A read-only hierarchy (systemd-nspawn mounts a machine's controllers so) holds no
    // cgroup of netctl's: as on a host without it, containers run unless they ask for limits.
    if ((pre.split(' ')[5] ?? '').split(',').includes('ro')) continue;
    const [fstype, , superOpts = ''] = post.split(' ');
    if (fstype === 'cgroup2') v2 ??= mountPoint;
    if (fstype !== 'cgroup') continue;
    for (const opt of superOpts.split(','))
      if (SUBSYSTEMS.split(' ').includes(opt) && !(opt in v1)) v1[opt] = mountPoint;
  }
  return v2 ? { v1, v2 } : { v1 };
}

/** Where the host's layout is kept for the boot (cgroup-cache.ts); unset: read each time. */
let keptIn: string | undefined;

/**
 * Keeps the host's layout in FILE (the run root's `cgroup-layout.json`) from now on, for
 * {@link detectLayout} without an argument; undefined reads /proc/self/mountinfo each time.
 */
export function keepLayoutIn(file: string | undefined): void {
  keptIn = file;
}

/**
 * The host's layout; null without cgroups of either kind (say, a bare sandbox /sys). Without
 * `mountinfo`: the layout kept for this boot where {@link keepLayoutIn} named a file, else
 * /proc/self/mountinfo's.
 */
export function detectLayout(mountinfo?: string): CgroupLayout | null {
  if (mountinfo !== undefined) return layoutOf(mountinfo);
  return keptIn ? keptLayout(keptIn, readHostLayout) : readHostLayout();
}

/** The host's layout read now from /proc/self/mountinfo (and kept, where one is), as `doctor` wants it. */
export function freshLayout(): CgroupLayout | null {
  return keptIn ? keptLayout(keptIn, readHostLayout, { fresh: true }) : readHostLayout();
}

function readHostLayout(): CgroupLayout | null {
  return layoutOf(readFileSync('/proc/self/mountinfo', 'utf8'));
}

function layoutOf(text: string): CgroupLayout | null {
  const m = parseCgroupMounts(text);
  if (m.v1.memory || m.v1.cpu || m.v1.pids) return { version: 1, mounts: m.v1 };
  if (!m.v2) return null;
  const controllers = existsSync(`${m.v2}/cgroup.controllers`)
    ? readFileSync(`${m.v2}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter(Boolean)
    : [];
  return controllers.length > 0 ? { version: 2, root: m.v2, controllers } : null;
}

async function put(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const file = path.slice(path.lastIndexOf('/') + 1);
    // The kernel's EINVAL is the value's fault (a CPU the host lacks, a limit below usage).
    if (e.code === 'EINVAL' || e.code === 'EBUSY' || e.code === 'ERANGE')
      throw new UsageError(`cannot set ${file} to "${value}": the kernel refuses it (${e.code})`);
    throw new SystemError(`cannot write "${path}": ${e.message}`);
  }
}

/** v1 cpuset: a new group has no CPUs and no memory nodes, and takes no task until it has. */
async function inheritCpuset(dir: string): Promise<void> {
  const parent = dir.slice(0, dir.lastIndexOf('/'));
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const mine = await readFile(`${dir}/${f}`, 'utf8').catch(() => '');
    if (mine.trim() === '') await put(`${dir}/${f}`, (await readFile(`${parent}/${f}`, 'utf8')).trim());
  }
}

/**
 * Makes the directories and writes the limits; idempotent (a start after a stop rewrites
 * them). Returns the directories it made, deepest first, for an undo.
 */
export async function createCgroup(plan: CgroupPlan): Promise<string[]> {
  const made: string[] = [];
  try {
    for (const d of plan.dirs) {
      if (existsSync(d)) continue;
      await mkdir(d);
      made.unshift(d);
    }
    for (const d of plan.cpusetDirs) await inheritCpuset(d);
    for (const w of plan.writes) await put(w.path, w.value);
  } catch (err) {
    await removeDirs(made);
    throw err;
  }
  return made;
}

async function removeDirs(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) await rmdirRetry(d);
}

// A process killed a moment ago may still be leaving its cgroup: rmdir says EBUSY until then.
async function rmdirRetry(dir: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || i >= 50) throw new SystemError(`cannot remove cgroup "${dir}": ${code}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Removes the container's cgroup (its leaves; the shared parent stays). */
export async function removeCgroup(plan: Pick<CgroupPlan, 'leaves'>): Promise<void> {
  await removeDirs(plan.leaves);
}
