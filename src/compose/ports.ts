/**
 * A service's `ports` in every form compose takes: the short form (`80`, `8080:80`,
 * `127.0.0.1:8080:80`, `127.0.0.1::80`, `8000-8001:80-81`, `53/udp`, `[::1]:8080:80`, a bare
 * number) and the long one (`target`, `published`, `host_ip`, `protocol`, `mode`), and
 * `expose`. Pure; errors name the file, line and value.
 */
import { expandPortSpec, parsePortSpec } from '../model/port-spec.js';
import type { PortRequest } from '../store/index.js';
import type { KeyPath, Value } from './types.js';
import { asList } from './parse.js';
import type { Where } from './where.js';

function requests(spec: string): PortRequest[] {
  return expandPortSpec(parsePortSpec(spec)).map((r) => {
    const req: PortRequest = { containerPort: r.containerPort, proto: r.proto };
    if (r.hostIp !== undefined) req.hostIp = r.hostIp;
    // A host range for one container port takes its first port, as `run -p` does.
    if (r.hostPort !== undefined || r.hostRange) req.hostPort = r.hostPort ?? r.hostRange!.start;
    return req;
  });
}

/** The long form as the short form it means. */
export function longToShort(w: Where, path: KeyPath, m: { [k: string]: Value }): string {
  const target = m.target;
  if (typeof target !== 'number' && typeof target !== 'string')
    throw w.error([...path, 'target'], 'the container port (target) is required');
  if (m.mode !== undefined && m.mode !== 'host' && m.mode !== 'ingress')
    throw w.error([...path, 'mode'], `mode "${String(m.mode)}" is not host or ingress`);
  const proto = m.protocol === undefined || m.protocol === null ? 'tcp' : String(m.protocol);
  const published = m.published === undefined || m.published === null ? '' : String(m.published);
  const ip = m.host_ip === undefined || m.host_ip === null ? '' : String(m.host_ip);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  if (host !== '') return `${host}:${published}:${target}/${proto}`;
  return published !== '' ? `${published}:${target}/${proto}` : `${target}/${proto}`;
}

const wrapAt = (w: Where, path: KeyPath, fn: () => PortRequest[]): PortRequest[] => w.at(path, fn);

/** Every port request of a service's `ports`. */
export function servicePorts(w: Where, path: KeyPath, v: Value | undefined): PortRequest[] {
  if (v === undefined) return [];
  return asList(w, path, v).flatMap((item, i) => {
    const p = [...path, i];
    if (typeof item === 'number') return wrapAt(w, p, () => requests(String(item)));
    if (typeof item === 'string') return wrapAt(w, p, () => requests(item));
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const short = longToShort(w, p, item);
      return wrapAt(w, p, () => requests(short));
    }
    throw w.error(p, 'must be a port spec or a mapping');
  });
}

/** `expose` as `PORT/PROTO` strings (ranges expanded). */
export function serviceExpose(w: Where, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined) return [];
  return asList(w, path, v).flatMap((item, i) => {
    if (typeof item !== 'number' && typeof item !== 'string') throw w.error([...path, i], 'must be PORT or PORT/PROTO');
    const reqs = wrapAt(w, [...path, i], () => requests(String(item)));
    return reqs.map((r) => `${r.containerPort}/${r.proto ?? 'tcp'}`);
  });
}
