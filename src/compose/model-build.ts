/**
 * A service's `build:` (the Compose Specification's build section): the context and the
 * Dockerfile resolved against the project directory, args, target, labels, the network its
 * RUN steps use. The image it makes is `image:` when given, else `PROJECT-SERVICE` (compose v2's
 * name). Pure: the context is not read here (compose reads it only when it builds).
 */
import { isAbsolute, join } from 'node:path';
import { asMapping, checkKeys, keyValues } from './parse.js';
import type { KeySet } from './schema.js';
import type { ComposeBuild, KeyPath, Mapping, Value } from './types.js';
import type { Where } from './where.js';

/** The build keys netctl runs; `cache_from`/`cache_to` are BuildKit's caches, taken as hints. */
export const BUILD: KeySet = {
  what: 'build',
  keys: ['context', 'dockerfile', 'args', 'target', 'labels', 'network', 'no_cache', 'pull', 'tags', 'platforms'],
  warn: {
    cache_from: 'BuildKit cache imports are not read: netctl builds from its own layer cache',
    cache_to: 'BuildKit cache exports are not written: netctl builds from its own layer cache',
  },
  extensions: true,
};

/** What reading a build section needs. */
export interface BuildContext {
  w: Where;
  workingDir: string;
  warnings: string[];
}

function strings(c: BuildContext, path: KeyPath, v: Value | undefined): Record<string, string> {
  if (v === undefined || v === null) return {};
  const m = keyValues(c.w, path, v);
  // A bare `KEY` (no value) takes the value from the environment in compose; netctl's builds
  // see no environment of the caller: it is left unset, as an ARG without a default.
  return Object.fromEntries(Object.entries(m).flatMap(([k, x]) => (x === null ? [] : [[k, String(x)]])));
}

function flag(c: BuildContext, path: KeyPath, v: Value | undefined): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw c.w.error(path, `"${String(v)}": expected true or false`);
  return v;
}

/** The build of service `name` from its `build:` value (a context path, or the long form). */
export function composeBuild(c: BuildContext, name: string, v: Value): ComposeBuild {
  const path = ['services', name, 'build'];
  const m: Mapping = typeof v === 'string' ? { context: v } : asMapping(c.w, path, v, 'a path or a mapping');
  checkKeys(c.w, path, m, BUILD, c.warnings);
  const ctx = m.context === undefined || m.context === null ? '.' : String(m.context);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@'))
    throw c.w.error([...path, 'context'], `"${ctx}": a remote build context is not supported (give a directory)`);
  const context = isAbsolute(ctx) ? ctx : join(c.workingDir, ctx);
  const file = m.dockerfile === undefined || m.dockerfile === null ? undefined : String(m.dockerfile);
  const out: ComposeBuild = {
    context,
    args: strings(c, [...path, 'args'], m.args),
    labels: strings(c, [...path, 'labels'], m.labels),
    tags: m.tags === undefined ? [] : (m.tags as Value[]).map(String),
  };
  if (file !== undefined) out.dockerfile = isAbsolute(file) ? file : join(context, file);
  if (m.target !== undefined && m.target !== null) out.target = String(m.target);
  if (m.network !== undefined && m.network !== null) out.network = String(m.network);
  const noCache = flag(c, [...path, 'no_cache'], m.no_cache);
  if (noCache !== undefined) out.noCache = noCache;
  const pull = flag(c, [...path, 'pull'], m.pull);
  if (pull !== undefined) out.pull = pull;
  if (m.tags !== undefined && !Array.isArray(m.tags)) throw c.w.error([...path, 'tags'], 'must be a list');
  return out;
}
