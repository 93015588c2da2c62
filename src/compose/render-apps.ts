/**
 * The real-app keys as `compose config` prints them: blkio_config (rates in bytes or
 * operations per second) and the lifecycle hooks. Pure.
 */
import type { ComposeHook, ComposeService, Mapping, Value } from './types.js';
import type { BlkioDevice } from '../model/blkio.js';

function devices(list: readonly BlkioDevice[], key: 'weight' | 'rate'): Value[] {
  return list.map((d) => ({ path: d.path, [key]: d.value }));
}

function hook(h: ComposeHook): Mapping {
  const m: Mapping = {};
  if (h.image) m.image = h.image;
  if (h.command) m.command = h.command;
  if (h.user) m.user = h.user;
  if (h.privileged) m.privileged = true;
  if (h.workingDir) m.working_dir = h.workingDir;
  if (h.environment.length)
    m.environment = Object.fromEntries(
      h.environment.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  return m;
}

/** The service's blkio_config and hooks, compose's spelling. */
export function renderApps(s: ComposeService): Mapping {
  const m: Mapping = {};
  const b = s.limits?.resources?.blkio;
  if (b) {
    const o: Mapping = {};
    if (b.weight) o.weight = b.weight;
    const lists = [
      ['weight_device', b.weightDevice, 'weight'],
      ['device_read_bps', b.readBps, 'rate'],
      ['device_write_bps', b.writeBps, 'rate'],
      ['device_read_iops', b.readIops, 'rate'],
      ['device_write_iops', b.writeIops, 'rate'],
    ] as const;
    for (const [k, list, key] of lists) if (list.length) o[k] = devices(list, key);
    m.blkio_config = o;
  }
  const h = s.hooks;
  if (h?.postStart) m.post_start = h.postStart.map(hook);
  if (h?.preStop) m.pre_stop = h.preStop.map(hook);
  if (h?.preStart) m.pre_start = h.preStart.map(hook);
  return m;
}
