/**
 * Resource limits of a container (`--memory`, `--cpus`, `--pids-limit`...), as Docker
 * spells and checks them. Plain data and pure parsing; runtime/cgroup-plan.ts turns them into
 * cgroup files.
 */
import { UsageError } from '../errors.js';
import type { Blkio } from './blkio.js';

/** What `run` (or compose) asks the cgroup to enforce. Sizes in bytes. */
export interface Resources {
  memory?: number;
  /** Memory plus swap; -1: unlimited swap. Default with `memory`: twice `memory`, as Docker. */
  memorySwap?: number;
  /** A soft limit, enforced when the host is short of memory. */
  memoryReservation?: number;
  /** CPUs' worth of time per period (0.5: half of one CPU). */
  cpus?: number;
  /** Relative weight under contention (Docker's default 1024). */
  cpuShares?: number;
  /** CPUs it may run on, `0-3,5`. */
  cpusetCpus?: string;
  /** At most this many tasks (processes and threads); absent: no limit. */
  pidsLimit?: number;
  /** cgroup v1: freeze rather than kill when the memory limit is hit. */
  oomKillDisable?: boolean;
  /** Issue 25: block I/O weight and throttles (model/blkio.ts). */
  blkio?: Blkio;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512m`, `1g`, `1.5g`, `65536`, `64mb` (binary units, as Docker's RAMInBytes). */
export function parseBytes(what: string, v: string | number): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(String(v).trim());
  if (!m) throw new UsageError(`invalid ${what} "${v}": expected a size such as 512m or 1g`);
  const n = Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(n)) throw new UsageError(`invalid ${what} "${v}": too large`);
  return n;
}

function int(what: string, v: string | number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`invalid ${what} "${v}": expected an integer from ${min} to ${max}`);
  return n;
}

/** The raw values of the options, as the CLI or a compose file gives them. */
export interface ResourceInput {
  memory?: string | number;
  memorySwap?: string | number;
  memoryReservation?: string | number;
  cpus?: string | number;
  cpuShares?: string | number;
  cpusetCpus?: string;
  pidsLimit?: string | number;
  oomKillDisable?: boolean;
}

function cpusOf(v: string | number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || String(v).trim() === '' || n > 1024)
    throw new UsageError(`invalid --cpus "${v}": expected a number of CPUs above 0, such as 0.5 or 2`);
  return n;
}

function swapOf(v: string | number, memory: number | undefined): number {
  if (String(v).trim() === '-1') return -1;
  const n = parseBytes('--memory-swap', v);
  if (memory === undefined) throw new UsageError('--memory-swap needs --memory', 'give --memory as well');
  if (n < memory) throw new UsageError(`invalid --memory-swap "${v}": less than --memory`);
  return n;
}

/** Checks and converts the options; refuses what Docker refuses, naming the value. */
export function parseResources(i: ResourceInput): Resources {
  const r: Resources = {};
  // Docker's minimum: below it the container cannot even start its process.
  if (i.memory !== undefined) r.memory = parseBytes('--memory', i.memory);
  if (r.memory !== undefined && r.memory < 6 * 1024 * 1024)
    throw new UsageError(`invalid --memory "${i.memory}": the minimum is 6m`);
  if (i.memorySwap !== undefined) r.memorySwap = swapOf(i.memorySwap, r.memory);
  if (i.memoryReservation !== undefined) {
    r.memoryReservation = parseBytes('--memory-reservation', i.memoryReservation);
    if (r.memory !== undefined && r.memoryReservation > r.memory)
      throw new UsageError(`invalid --memory-reservation "${i.memoryReservation}": more than --memory`);
  }
  if (i.cpus !== undefined) r.cpus = cpusOf(i.cpus);
  if (i.cpuShares !== undefined) r.cpuShares = int('--cpu-shares', i.cpuShares, 2, 262144);
  if (i.cpusetCpus !== undefined) {
    if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(i.cpusetCpus))
      throw new UsageError(`invalid --cpuset-cpus "${i.cpusetCpus}": expected a list such as 0-2,4`);
    r.cpusetCpus = i.cpusetCpus;
  }
  if (i.pidsLimit !== undefined) {
    const n = int('--pids-limit', i.pidsLimit, -1);
    // Docker: 0 and -1 mean no limit.
    if (n > 0) r.pidsLimit = n;
  }
  if (i.oomKillDisable) r.oomKillDisable = true;
  return r;
}

/** Whether any limit is set. */
export function hasLimits(r: Resources | undefined): boolean {
  return r !== undefined && Object.keys(r).length > 0;
}

/** The CPUs a `--cpuset-cpus` list names. Pure. */
export function cpusetList(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b = a] = part.split('-').map(Number) as [number, number?];
    for (let c = a; c <= b!; c++) out.push(c);
  }
  return out;
}
