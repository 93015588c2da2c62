/**
 * `stats`: per container, CPU % over an interval, memory used and its limit, network and
 * block I/O, tasks. Two readings of each container's cgroup and namespace counters; a stream
 * keeps the last reading and shows the rate since.
 */
import { totalmem } from 'node:os';
import type { Container } from '../model/container.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import { cpuPercent, readSample, type StatSample } from '../runtime/cgroup-stats.js';
import type { CgroupStatFiles } from '../runtime/cgroup-plan.js';
import { liveStatus } from '../runtime/state.js';
import type { Host } from './host.js';
import { monitorState } from './read-containers.js';

/** One row of `stats`. Bytes; `memoryLimit` is the host's memory when the container has none. */
export interface StatsRow {
  id: string;
  name: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

interface Target {
  c: Container;
  files: CgroupStatFiles | null;
  pid: number;
}

/** The running containers (all of them with `all`), or those named; a name that does not exist throws. */
async function targets(host: Host, names: readonly string[], all: boolean): Promise<Target[]> {
  const store = host.store();
  const list = names.length > 0 ? names.map((n) => store.containers.require(n)) : store.containers.list({ all: true });
  const out: Target[] = [];
  for (const c of list) {
    const st = await monitorState(host, c.id);
    const running = st !== null && liveStatus(st) === 'running';
    if (!running && !all && names.length === 0) continue;
    out.push({ c, files: containerCgroup(c.id, undefined)?.stats ?? null, pid: running ? st.pid : 0 });
  }
  return out;
}

const EMPTY = (): StatSample => ({
  at: performance.now(),
  cpuNs: 0,
  memory: 0,
  memoryLimit: null,
  rxBytes: 0,
  txBytes: 0,
  blkRead: 0,
  blkWrite: 0,
  pids: 0,
});

function sample(t: Target): Promise<StatSample> {
  return t.files ? readSample(t.files, t.pid) : Promise.resolve(EMPTY());
}

function row(t: Target, a: StatSample, b: StatSample): StatsRow {
  const limit = b.memoryLimit ?? totalmem();
  return {
    id: t.c.id,
    name: t.c.name,
    cpuPercent: Math.round(cpuPercent(a, b) * 100) / 100,
    memoryUsage: b.memory,
    memoryLimit: limit,
    memoryPercent: limit > 0 ? Math.round((b.memory / limit) * 10000) / 100 : 0,
    netRx: b.rxBytes,
    netTx: b.txBytes,
    blockRead: b.blkRead,
    blockWrite: b.blkWrite,
    pids: b.pids,
  };
}

/** Options of `stats`. */
export interface StatsOptions {
  /** Between the two readings (ms). */
  intervalMs: number;
  /** Stopped containers too (all zeros). */
  all?: boolean;
}

/**
 * Rows of `stats`, one batch per interval, until `stop()` says so (`--no-stream`: after the
 * first). Containers that start or stop meanwhile come and go with the next batch.
 */
export async function* statsStream(
  host: Host,
  names: readonly string[],
  o: StatsOptions & { stop?: () => boolean },
): AsyncGenerator<StatsRow[]> {
  const sleep = (): Promise<void> => new Promise((r) => setTimeout(r, o.intervalMs));
  let prev = new Map<string, StatSample>();
  for (let first = true; ; first = false) {
    const ts = await targets(host, names, Boolean(o.all));
    let now = await Promise.all(ts.map(sample));
    if (first) {
      // The first batch needs a second reading for its CPU %; later newcomers show 0 once.
      prev = new Map(ts.map((t, i) => [t.c.id, now[i]!]));
      await sleep();
      now = await Promise.all(ts.map(sample));
    }
    yield ts.map((t, i) => row(t, prev.get(t.c.id) ?? now[i]!, now[i]!));
    prev = new Map(ts.map((t, i) => [t.c.id, now[i]!]));
    if (o.stop?.() ?? false) return;
    await sleep();
  }
}

/** One batch (`stats --no-stream`). */
export async function statsOnce(host: Host, names: readonly string[], o: StatsOptions): Promise<StatsRow[]> {
  for await (const rows of statsStream(host, names, { ...o, stop: () => true })) return rows;
  return [];
}
