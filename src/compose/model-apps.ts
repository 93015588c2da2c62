/**
 * Service keys of real apps that netctl runs as Docker Compose does (issue 25):
 * `label_file` (KEY=VALUE files under `labels`), `blkio_config` (block I/O weight and
 * throttles), and per-network `interface_name`, `link_local_ips` and `driver_opts`
 * (compose turns interface_name into the endpoint option com.docker.network.endpoint.ifname;
 * Docker's bridge driver ignores options it does not know, netctl warns about those). Pure
 * but for reading label files, which comes in as a function.
 */
import { resolve } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import type { KeyPath, Mapping, ServiceNetwork, Value } from './types.js';
import { asList, asMapping, checkKeys, keyValues } from './parse.js';
import { asString } from './model-network.js';
import { BLKIO, BLKIO_DEVICE } from './schema.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import type { Where } from './where.js';
import { type Blkio, type BlkioDevice, blkioPath, blkioRate, blkioWeight, hasBlkio } from '../model/blkio.js';

interface Ctx {
  w: Where;
  workingDir: string;
  readFile: (path: string) => string | undefined;
  warnings: string[];
}

const at = <T>(c: Ctx, path: KeyPath, fn: () => T): T => c.w.at(path, fn);

/** `label_file`: one file or a list, read in order; `labels` wins over them (the caller merges). */
export function labelFiles(c: Ctx, path: KeyPath, v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  const items = typeof v === 'string' ? [v] : asList(c.w, path, v);
  items.forEach((item, i) => {
    const p = typeof v === 'string' ? path : [...path, i];
    const file = resolve(c.workingDir, String(item));
    const text = c.readFile(file);
    if (text === undefined) throw c.w.error(p, `label file ${file} not found`);
    try {
      for (const [k, x] of parseDotenv(text)) out[k] = x ?? '';
    } catch (err) {
      if (err instanceof DotenvError) throw c.w.error(p, `${file}:${err.line}: ${err.message}`);
      throw err;
    }
  });
  return out;
}

function devices(c: Ctx, path: KeyPath, v: Value | undefined, value: (x: Value) => number): BlkioDevice[] {
  return asList(c.w, path, v ?? null).map((item, i) => {
    const m = asMapping(c.w, [...path, i], item);
    checkKeys(c.w, [...path, i], m, BLKIO_DEVICE, c.warnings);
    const p = asString(c.w, [...path, i, 'path'], m.path);
    if (p === undefined) throw c.w.error([...path, i], 'needs a path');
    const key = m.weight !== undefined ? 'weight' : 'rate';
    if (m[key] === undefined || m[key] === null) throw c.w.error([...path, i], `needs a ${key}`);
    return at(c, [...path, i, key], () => ({ path: blkioPath(String(path.at(-1)), p), value: value(m[key]!) }));
  });
}

/** `blkio_config`; undefined when absent or empty. */
export function serviceBlkio(c: Ctx, path: KeyPath, v: Value | undefined): Blkio | undefined {
  if (v === undefined || v === null) return undefined;
  const m = asMapping(c.w, path, v);
  checkKeys(c.w, path, m, BLKIO, c.warnings);
  const num = (what: string, bytes: boolean) => (x: Value) => blkioRate(what, x as string | number, bytes);
  const b: Blkio = {
    weightDevice: devices(c, [...path, 'weight_device'], m.weight_device, (x) =>
      blkioWeight('weight', x as string | number),
    ),
    readBps: devices(c, [...path, 'device_read_bps'], m.device_read_bps, num('device_read_bps', true)),
    writeBps: devices(c, [...path, 'device_write_bps'], m.device_write_bps, num('device_write_bps', true)),
    readIops: devices(c, [...path, 'device_read_iops'], m.device_read_iops, num('device_read_iops', false)),
    writeIops: devices(c, [...path, 'device_write_iops'], m.device_write_iops, num('device_write_iops', false)),
  };
  if (m.weight !== undefined && m.weight !== null)
    b.weight = at(c, [...path, 'weight'], () => blkioWeight('blkio_config.weight', m.weight as string | number));
  return hasBlkio(b) ? b : undefined;
}

const IFNAME_OPT = 'com.docker.network.endpoint.ifname';

/** `interface_name`, `link_local_ips` and `driver_opts` of one service network, into N. */
export function networkExtras(c: Ctx, p: KeyPath, o: Mapping, n: ServiceNetwork): void {
  const opts = keyValues(c.w, [...p, 'driver_opts'], o.driver_opts ?? {});
  for (const k of Object.keys(opts)) {
    if (k === IFNAME_OPT) continue;
    if (k.startsWith('com.docker.network.endpoint.'))
      throw c.w.error([...p, 'driver_opts', k], `driver_opts "${k}" is not supported by netctl`);
    c.warnings.push(
      c.w.warning([...p, 'driver_opts', k], `"${k}" is no option of the bridge driver: ignored, as Docker ignores it`),
    );
  }
  const name = asString(c.w, [...p, 'interface_name'], o.interface_name);
  const optName = opts[IFNAME_OPT] === undefined || opts[IFNAME_OPT] === null ? undefined : String(opts[IFNAME_OPT]);
  if (name !== undefined && optName !== undefined && name !== optName)
    c.warnings.push(
      c.w.warning([...p, 'interface_name'], `ignored: driver_opts already sets ${IFNAME_OPT}, as compose warns`),
    );
  const ifname = optName ?? name;
  if (ifname !== undefined) {
    if (!/^[^\s/:]{1,15}$/.test(ifname))
      throw c.w.error(
        [...p, 'interface_name'],
        `interface name "${ifname}": 1 to 15 characters, no "/", ":" or blanks`,
      );
    n.ifname = ifname;
  }
  const ll = asList(c.w, [...p, 'link_local_ips'], o.link_local_ips ?? null).map((x, i) => {
    const ip = String(x);
    if (!isIPv4(ip) && !isIPv6(ip)) throw c.w.error([...p, 'link_local_ips', i], `"${ip}" is not an IP address`);
    return ip;
  });
  if (ll.length > 0) n.linkLocal = ll;
}

/** Refuses two networks of a service with one interface name (Docker refuses the second). */
export function checkIfnames(c: Ctx, path: KeyPath, nets: readonly ServiceNetwork[]): void {
  const seen = new Set<string>();
  for (const n of nets) {
    if (!n.ifname) continue;
    if (seen.has(n.ifname))
      throw c.w.error([...path, 'networks', n.key, 'interface_name'], `interface name "${n.ifname}" is used twice`);
    seen.add(n.ifname);
  }
}
