/**
 * `extends` as the Compose Specification has it: a service built on another one of the same
 * document or of another file, merged as an override merges (the service's own keys on top,
 * sequences appended), bases first, cycles refused. A base from another directory has its
 * relative paths made absolute first, so they keep meaning what they meant there. Pure:
 * other files come in through `load`.
 */
import { isAbsolute, resolve } from 'node:path';
import { mergeService } from './merge.js';
import type { KeyPath, Mapping, Value } from './types.js';
import type { Where } from './where.js';

/** One loaded document and the directory its relative paths are relative to. */
export interface DocSource {
  file: string;
  dir: string;
  doc: Mapping;
}

function isMapping(v: Value | undefined): v is Mapping {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

// A named volume's source is a name; a bind's relative source starts with a dot.
const relative = (p: string): boolean => p.startsWith('.');

function rebaseVolume(v: Value, dir: string): Value {
  if (typeof v === 'string') {
    const [src = '', ...rest] = v.split(':');
    return rest.length > 0 && relative(src) ? [resolve(dir, src), ...rest].join(':') : v;
  }
  if (isMapping(v) && v.type === 'bind' && typeof v.source === 'string' && !isAbsolute(v.source))
    return { ...v, source: resolve(dir, v.source) };
  return v;
}

/** A service's relative paths (binds, env_file, label_file) made absolute against `dir`. */
export function rebaseService(s: Mapping, dir: string): Mapping {
  const out: Mapping = { ...s };
  if (Array.isArray(s.volumes)) out.volumes = s.volumes.map((v) => rebaseVolume(v, dir));
  const file = (x: Value): Value =>
    typeof x === 'string'
      ? resolve(dir, x)
      : isMapping(x) && typeof x.path === 'string'
        ? { ...x, path: resolve(dir, x.path) }
        : x;
  if (s.env_file !== undefined) out.env_file = Array.isArray(s.env_file) ? s.env_file.map(file) : file(s.env_file);
  if (isMapping(s.extends) && typeof s.extends.file === 'string')
    out.extends = { ...s.extends, file: resolve(dir, s.extends.file) };
  return out;
}

/** Every service of `src` with its `extends` resolved. */
export function resolveExtends(w: Where, src: DocSource, load: (file: string) => DocSource): Mapping {
  const services = (src.doc.services ?? {}) as Mapping;
  const done = new Map<string, Mapping>();
  const one = (from: DocSource, name: string, chain: readonly string[], at: KeyPath): Mapping => {
    const id = `${from.file}#${name}`;
    const cached = from === src ? done.get(name) : undefined;
    if (cached) return cached;
    if (chain.includes(id))
      throw w.error(at, `extends cycle: ${[...chain, id].map((x) => x.split('#')[1]).join(' -> ')}`);
    const own = ((from.doc.services ?? {}) as Mapping)[name];
    if (!isMapping(own)) throw w.error(at, `extends service "${name}", which ${from.file} does not define`);
    if (!isMapping(own.extends)) return own;
    const { extends: ext, ...rest } = own;
    const file = typeof ext.file === 'string' ? resolve(from.dir, ext.file) : undefined;
    const base = file === undefined ? from : load(file);
    let b = one(base, String(ext.service ?? ''), [...chain, id], [...at, 'extends', 'service']);
    if (base.dir !== from.dir) b = rebaseService(b, base.dir);
    const merged = mergeService(b, rest);
    if (from === src) done.set(name, merged);
    return merged;
  };
  const out: Mapping = {};
  for (const name of Object.keys(services)) out[name] = one(src, name, [], ['services', name, 'extends']);
  return { ...src.doc, services: out };
}
