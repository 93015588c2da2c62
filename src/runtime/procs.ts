/**
 * A container's processes as `top` shows them: read from its cgroup's `cgroup.procs` (or,
 * without cgroups, its init and that init's descendants), each from /proc.
 */
import { readdir, readFile } from 'node:fs/promises';

/** One process of a container. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  uid: number;
  /** `R`, `S`, `D`, `T` (stopped: a frozen one shows `D` or `S` with the freezer). */
  state: string;
  /** CPU time in seconds. */
  cpuSeconds: number;
  /** When it started, ms since the epoch. */
  startedAt: number;
  cmd: string;
}

const TICKS = 100;

async function bootTime(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  return Number(/^btime (\d+)/m.exec(stat)?.[1] ?? 0) * 1000;
}

/** Parses /proc/PID/stat, status and cmdline into a ProcessInfo. Pure. */
export function parseProc(pid: number, stat: string, status: string, cmdline: string, boot: number): ProcessInfo {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const cmd = cmdline.split('\0').filter(Boolean).join(' ');
  return {
    pid,
    ppid: Number(rest[1]),
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0),
    state: rest[0] ?? '?',
    cpuSeconds: (Number(rest[11]) + Number(rest[12])) / TICKS,
    startedAt: boot + (Number(rest[19]) / TICKS) * 1000,
    cmd: cmd || `[${comm}]`,
  };
}

async function info(pid: number, boot: number): Promise<ProcessInfo | null> {
  try {
    const [stat, status, cmdline] = await Promise.all(
      ['stat', 'status', 'cmdline'].map((f) => readFile(`/proc/${pid}/${f}`, 'utf8')),
    );
    return parseProc(pid, stat!, status!, cmdline!, boot);
  } catch {
    return null; // gone meanwhile
  }
}

/** The processes in `procsFile` (a cgroup.procs), or else `init` and its descendants. */
export async function containerProcesses(procsFile: string | undefined, init: number): Promise<ProcessInfo[]> {
  const boot = await bootTime();
  const listed = procsFile
    ? (await readFile(procsFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number)
    : [];
  if (listed.length > 0) {
    const all = await Promise.all(listed.map((p) => info(p, boot)));
    return all.filter((p): p is ProcessInfo => p !== null).sort((a, b) => a.pid - b.pid);
  }
  const every = (
    await Promise.all((await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map((d) => info(Number(d), boot)))
  ).filter((p): p is ProcessInfo => p !== null);
  const mine = new Set([init]);
  // Parents before children in pid order is not guaranteed (pid wrap): repeat until stable.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of every) if (!mine.has(p.pid) && mine.has(p.ppid)) grew = Boolean(mine.add(p.pid));
  }
  return every.filter((p) => mine.has(p.pid)).sort((a, b) => a.pid - b.pid);
}
