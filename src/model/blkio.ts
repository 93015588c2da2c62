/**
 * Block I/O limits as Docker takes them (`--blkio-weight`, `--device-read-bps`..., compose's
 * `blkio_config`): a weight, weights per device, and throttles per device in bytes or
 * operations per second. Devices are named by path; the engine turns them into major:minor
 * numbers when it writes the cgroup. Pure.
 */
import { UsageError } from '../errors.js';
import { parseBytes } from './resources.js';

/** One device's weight or rate. */
export interface BlkioDevice {
  path: string;
  value: number;
}

/** Block I/O limits; every list may be empty. */
export interface Blkio {
  /** 10..1000 (Docker's range; 0 means none). */
  weight?: number;
  weightDevice: BlkioDevice[];
  readBps: BlkioDevice[];
  writeBps: BlkioDevice[];
  readIops: BlkioDevice[];
  writeIops: BlkioDevice[];
}

/** The throttle lists and the cgroup v1 file each is written to. */
export const THROTTLES = {
  readBps: 'blkio.throttle.read_bps_device',
  writeBps: 'blkio.throttle.write_bps_device',
  readIops: 'blkio.throttle.read_iops_device',
  writeIops: 'blkio.throttle.write_iops_device',
} as const;

/** The cgroup v2 `io.max` key of each throttle list. */
export const IO_MAX_KEYS = { readBps: 'rbps', writeBps: 'wbps', readIops: 'riops', writeIops: 'wiops' } as const;

/** A weight: 10..1000, or 0 for none (Docker's rule). */
export function blkioWeight(what: string, v: string | number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || (n !== 0 && (n < 10 || n > 1000)))
    throw new UsageError(`invalid ${what} "${v}": expected 10 to 1000 (or 0 for none)`);
  return n;
}

/** A device path: absolute, under /dev as Docker requires. */
export function blkioPath(what: string, p: string): string {
  if (!/^\/dev\/[^\s:]+$/.test(p) || p.split('/').includes('..'))
    throw new UsageError(`invalid ${what} device "${p}": expected a path under /dev`);
  return p;
}

/** A rate: bytes per second (`12mb`, `1024k`) or operations per second (an integer). */
export function blkioRate(what: string, v: string | number, bytes: boolean): number {
  if (bytes) return parseBytes(what, typeof v === 'string' ? v.replace(/\/s$/, '') : v);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`invalid ${what} "${v}": expected a whole number`);
  return n;
}

/** Whether any limit is set. */
export function hasBlkio(b: Blkio | undefined): b is Blkio {
  if (!b) return false;
  return Boolean(b.weight) || Object.entries(b).some(([, v]) => Array.isArray(v) && v.length > 0);
}

/** The device paths the limits name, each once. */
export function blkioDevices(b: Blkio): string[] {
  return [...new Set([b.weightDevice, b.readBps, b.writeBps, b.readIops, b.writeIops].flat().map((d) => d.path))];
}
