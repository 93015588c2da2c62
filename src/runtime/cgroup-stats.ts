/**
 * One reading of a container's counters: CPU time, memory, block I/O and tasks from its
 * cgroup, network bytes from its namespace (/proc/PID/net/dev). `stats` takes two readings
 * and shows the rate between them. Parsing is pure; reading is a handful of small files.
 */
import { readFile } from 'node:fs/promises';
import type { CgroupStatFiles } from './cgroup-plan.js';

/** Counters at one moment. Bytes and nanoseconds. */
export interface StatSample {
  /** When it was read (ms, monotonic). */
  at: number;
  cpuNs: number;
  memory: number;
  /** The limit, or null when there is none (the host's memory bounds it). */
  memoryLimit: number | null;
  rxBytes: number;
  txBytes: number;
  blkRead: number;
  blkWrite: number;
  pids: number;
}

/** `key value` lines to a map (memory.stat, cpu.stat). Pure. */
export function keyValues(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) m.set(k, Number(v));
  }
  return m;
}

/** Read and write bytes from v1 blkio.throttle.io_service_bytes or v2 io.stat. Pure. */
export function parseBlkio(text: string, version: 1 | 2): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    if (version === 1) {
      const [, op, n] = line.trim().split(/\s+/);
      if (op === 'Read') read += Number(n);
      if (op === 'Write') write += Number(n);
    } else {
      read += Number(/\brbytes=(\d+)/.exec(line)?.[1] ?? 0);
      write += Number(/\bwbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
  }
  return { read, write };
}

/** Received and sent bytes over every interface but lo, from /proc/net/dev. Pure. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

const read = (p: string | undefined): Promise<string> =>
  p ? readFile(p, 'utf8').catch(() => '') : Promise.resolve('');

// v1 says "no limit" with the largest page-aligned value; v2 with "max".
function limitOf(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === 'max') return null;
  const n = Number(t);
  return n >= 2 ** 62 ? null : n;
}

/** Reads a container's counters (zeros for what is missing); PID for its network, 0 when stopped. */
export async function readSample(f: CgroupStatFiles, pid: number): Promise<StatSample> {
  const [cpu, mem, limit, stat, io, pids, net] = await Promise.all([
    read(f.cpu),
    read(f.memory),
    read(f.memoryLimit),
    read(f.memoryStat),
    read(f.io),
    read(f.pids),
    pid > 0 ? read(`/proc/${pid}/net/dev`) : Promise.resolve(''),
  ]);
  const ms = keyValues(stat);
  // As Docker: the page cache that could be dropped at once does not count as used.
  const inactive = f.version === 1 ? (ms.get('total_inactive_file') ?? 0) : (ms.get('inactive_file') ?? 0);
  const cpuNs = f.version === 1 ? Number(cpu.trim() || 0) : (keyValues(cpu).get('usage_usec') ?? 0) * 1000;
  const used = Number(mem.trim() || 0);
  const blk = parseBlkio(io, f.version);
  const n = parseNetDev(net);
  return {
    at: performance.now(),
    cpuNs,
    memory: Math.max(0, used - inactive),
    memoryLimit: limitOf(limit),
    rxBytes: n.rx,
    txBytes: n.tx,
    blkRead: blk.read,
    blkWrite: blk.write,
    pids: Number(pids.trim() || 0),
  };
}

/** CPU % between two readings (100 is one whole CPU, as Docker shows it). Pure. */
export function cpuPercent(a: StatSample, b: StatSample): number {
  const wallNs = (b.at - a.at) * 1e6;
  return wallNs > 0 ? Math.max(0, ((b.cpuNs - a.cpuNs) / wallNs) * 100) : 0;
}
