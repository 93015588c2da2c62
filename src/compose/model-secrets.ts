/**
 * Compose's `secrets` and `configs` without a swarm: each a file the service sees read-only,
 * secrets at `/run/secrets/NAME`, configs at `/NAME` (or their `target`). A top-level entry
 * comes from a host `file:`, an `environment:` variable or (configs) inline `content:`;
 * `external` ones live in a swarm's store, which a single host does not have. Pure.
 */
import { isAbsolute, posix, resolve } from 'node:path';
import type { ComposeFileMount, KeyPath, Mapping, Value } from './types.js';
import { asList, asMapping } from './parse.js';
import type { Vars } from './interpolate.js';
import type { Where } from './where.js';

/** A top-level secret or config: where its text comes from. */
export interface TopFile {
  file?: string;
  /** `environment:` or `content:`. */
  content?: string;
}

type Kind = ComposeFileMount['kind'];

/** The top-level `secrets:` or `configs:` of the merged document. */
export function topFiles(
  w: Where,
  kind: Kind,
  raw: Value | undefined,
  workingDir: string,
  vars: Vars,
): Map<string, TopFile> {
  const out = new Map<string, TopFile>();
  const top = `${kind}s`;
  for (const [key, x] of Object.entries(asMapping(w, [top], raw ?? null))) {
    const path = [top, key];
    const m = asMapping(w, path, x);
    if (m.external === true || (m.external !== null && typeof m.external === 'object'))
      throw w.error(
        [...path, 'external'],
        `an external ${kind} lives in a swarm's store, which a single host has not: give it with file: or environment:`,
      );
    const sources = (['file', 'environment', 'content'] as const).filter((k) => m[k] !== undefined && m[k] !== null);
    if (sources.length !== 1 || (kind === 'secret' && sources[0] === 'content'))
      throw w.error(
        path,
        `a ${kind} needs exactly one of file, environment${kind === 'config' ? ', content' : ''} (got ${sources.join(', ') || 'none'})`,
      );
    const src = sources[0]!;
    const v = String(m[src]);
    if (src === 'file') out.set(key, { file: resolve(workingDir, v) });
    else if (src === 'content') out.set(key, { content: v });
    else {
      const value = vars[v];
      if (value === undefined) throw w.error([...path, 'environment'], `variable ${v} is not set`);
      out.set(key, { content: value });
    }
  }
  return out;
}

function octal(w: Where, path: KeyPath, v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  // YAML 1.2 reads `0440` as the number 440: its digits are the octal mode compose means.
  const text = String(v);
  const m = /^(?:0o?)?([0-7]{1,4})$/.exec(text);
  if (!m) throw w.error(path, `mode "${text}": expected an octal mode such as 0440`);
  return Number.parseInt(m[1]!, 8);
}

function id(w: Where, path: KeyPath, v: Value | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw w.error(path, `"${String(v)}": expected a numeric id`);
  return n;
}

function targetOf(w: Where, path: KeyPath, kind: Kind, key: string, t: Value | undefined): string {
  const given = t === undefined || t === null ? key : String(t);
  const abs = isAbsolute(given) ? given : kind === 'secret' ? posix.join('/run/secrets', given) : `/${given}`;
  const norm = posix.normalize(abs);
  if (norm === '/' || given.split('/').includes('..')) throw w.error(path, `target "${given}": not a file path`);
  return norm;
}

/** A service's `secrets:` or `configs:` (short `NAME` or long `{source, target, uid, gid, mode}`). */
export function serviceFiles(
  w: Where,
  path: KeyPath,
  kind: Kind,
  s: Mapping,
  tops: ReadonlyMap<string, TopFile>,
): ComposeFileMount[] {
  const p = [...path, `${kind}s`];
  return asList(w, p, s[`${kind}s`] ?? null).map((item, i) => {
    const ip = [...p, i];
    const m: Mapping = typeof item === 'string' ? { source: item } : asMapping(w, ip, item, 'a name or a mapping');
    const key = String(m.source ?? '');
    const top = tops.get(key);
    if (!top) throw w.error(ip, `${kind} "${key}" is not defined under the top-level ${kind}s`);
    const out: ComposeFileMount = { kind, key, target: targetOf(w, [...ip, 'target'], kind, key, m.target), ...top };
    const mode = octal(w, [...ip, 'mode'], m.mode);
    const uid = id(w, [...ip, 'uid'], m.uid);
    const gid = id(w, [...ip, 'gid'], m.gid);
    if (mode !== undefined) out.mode = mode;
    if (uid !== undefined) out.uid = uid;
    if (gid !== undefined) out.gid = gid;
    return out;
  });
}
