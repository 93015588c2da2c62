/**
 * Block I/O limits as cgroup writes. v1: `blkio.weight`, `blkio.weight_device` and the four
 * `blkio.throttle.*_device` files, one `MAJ:MIN VALUE` line each; v2: `io.bfq.weight` and one
 * `io.max` line per device. A weight the kernel cannot take (no CFQ/BFQ scheduler: no weight
 * file) is dropped with a note, as Docker drops it with a warning; throttles are applied. Pure.
 */
import { type Blkio, hasBlkio, IO_MAX_KEYS, THROTTLES } from '../model/blkio.js';
import type { CgroupWrite } from './cgroup-plan.js';

/** What the engine found on the host for the limits: device numbers and whether weights work. */
export interface BlkioHost {
  /** Device path to `MAJ:MIN`. */
  devices: Readonly<Record<string, string>>;
  /** The weight files exist (a proportional scheduler is in use). */
  weight: boolean;
}

/** The writes into DIR (the container's blkio, or v2, directory) and the notes on what was dropped. */
export function blkioWrites(
  version: 1 | 2,
  dir: string,
  b: Blkio | undefined,
  host: BlkioHost,
): { writes: CgroupWrite[]; notes: string[] } {
  const writes: CgroupWrite[] = [];
  const notes: string[] = [];
  if (!hasBlkio(b)) return { writes, notes };
  const dev = (p: string): string => host.devices[p] ?? p;
  const weighted = Boolean(b.weight) || b.weightDevice.length > 0;
  if (weighted && !host.weight)
    notes.push('block I/O weight discarded: the kernel has no proportional I/O scheduler (as Docker warns)');
  else if (weighted) {
    const file = version === 1 ? 'blkio.weight' : 'io.bfq.weight';
    if (b.weight) writes.push({ path: `${dir}/${file}`, value: String(b.weight) });
    const devFile = version === 1 ? 'blkio.weight_device' : 'io.bfq.weight';
    for (const d of b.weightDevice) writes.push({ path: `${dir}/${devFile}`, value: `${dev(d.path)} ${d.value}` });
  }
  if (version === 1) {
    for (const [k, file] of Object.entries(THROTTLES))
      for (const d of b[k as keyof typeof THROTTLES])
        writes.push({ path: `${dir}/${file}`, value: `${dev(d.path)} ${d.value}` });
    return { writes, notes };
  }
  const lines = new Map<string, string[]>();
  for (const [k, key] of Object.entries(IO_MAX_KEYS))
    for (const d of b[k as keyof typeof IO_MAX_KEYS]) {
      const l = lines.get(dev(d.path)) ?? [];
      l.push(`${key}=${d.value}`);
      lines.set(dev(d.path), l);
    }
  for (const [d, l] of lines) writes.push({ path: `${dir}/io.max`, value: `${d} ${l.join(' ')}` });
  return { writes, notes };
}
