/**
 * What block I/O limits need from the host: each named device's major:minor numbers (a
 * missing device or one that is no block device refused, as Docker refuses it at create)
 * and whether the cgroup takes weights (a proportional scheduler: CFQ on v1, BFQ on v2).
 */
import { type BigIntStats, existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { type Blkio, blkioDevices } from '../model/blkio.js';
import type { BlkioHost } from './cgroup-blkio.js';
import type { CgroupLayout } from './cgroup-plan.js';

/** glibc's gnu_dev_major / gnu_dev_minor on a 64-bit dev_t. */
function majorMinor(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The host's side of B's limits under LAYOUT. */
export function blkioHost(layout: CgroupLayout, b: Blkio | undefined): BlkioHost {
  const devices: Record<string, string> = {};
  if (!b) return { devices, weight: false };
  for (const p of blkioDevices(b)) {
    let st: BigIntStats | undefined;
    try {
      st = statSync(p, { bigint: true });
    } catch {
      throw new UsageError(`blkio device "${p}": no such device on this host`);
    }
    if (!st?.isBlockDevice()) throw new UsageError(`blkio device "${p}": not a block device`);
    devices[p] = majorMinor(st.rdev);
  }
  // v1: the root has blkio.weight only under CFQ/BFQ. v2's io.bfq.weight is not in the root
  // group: netctl does not probe further there and drops weights (throttles still apply).
  const weight =
    layout.version === 1 && layout.mounts.blkio !== undefined && existsSync(`${layout.mounts.blkio}/blkio.weight`);
  return { devices, weight };
}
