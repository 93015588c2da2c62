/**
 * Reading a project's documents: each file parsed and checked, its `include`s read as
 * projects of their own (their relative paths kept relative to their own directory, their
 * own `.env`) and added, a resource defined twice refused as compose refuses it; then the
 * files merged and `extends` resolved, bases from other files read the same way.
 */
import { dirname, resolve } from 'node:path';
import { parseYaml, type Lines } from './yaml-tree.js';
import { asList, asMapping, checkKeys, parseFile } from './parse.js';
import { mergeFiles } from './merge.js';
import { rebaseService, resolveExtends, type DocSource } from './extends.js';
import { INCLUDE } from './schema.js';
import { Where } from './where.js';
import type { Vars } from './interpolate.js';
import type { Mapping, Value } from './types.js';
import { UsageError } from '../errors.js';

/** What reading needs: the file reader, the environment, and what it collects. */
export interface Reader {
  readFile: (path: string) => string | undefined;
  /** The variables of a project directory: its `.env` (or `envFiles`) under the environment. */
  varsOf: (dir: string, envFiles?: readonly string[]) => Vars;
  warnings: string[];
  lines: Lines[];
}

const KINDS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

function parsed(r: Reader, file: string, vars: Vars, stack: readonly string[]): { doc: Mapping; raw: Mapping } {
  if (stack.includes(file)) throw new UsageError(`include cycle: ${[...stack, file].join(' -> ')}`);
  const text = r.readFile(file);
  if (text === undefined) throw new UsageError(`cannot read compose file ${file}`);
  const { value, lines } = parseYaml(file, text, vars);
  r.lines.push(lines);
  const w = new Where([lines]);
  const doc = parseFile(w, value, r.warnings);
  const raw = asMapping(w, [], value);
  if (raw.include !== undefined) addIncludes(r, w, file, doc, raw.include, [...stack, file]);
  return { doc, raw };
}

function rebaseTop(m: Mapping, dir: string): Mapping {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => {
      const x = v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
      return [k, typeof x.file === 'string' ? { ...x, file: resolve(dir, x.file) } : v];
    }),
  );
}

function addIncludes(r: Reader, w: Where, file: string, doc: Mapping, v: Value, stack: readonly string[]): void {
  asList(w, ['include'], v).forEach((item, i) => {
    const m: Mapping = typeof item === 'string' ? { path: item } : asMapping(w, ['include', i], item);
    checkKeys(w, ['include', i], m, INCLUDE, r.warnings);
    const base = dirname(file);
    const paths = (Array.isArray(m.path) ? m.path : [m.path ?? '']).map((p) => resolve(base, String(p)));
    const dir = typeof m.project_directory === 'string' ? resolve(base, m.project_directory) : dirname(paths[0]!);
    const envFiles = m.env_file === undefined ? undefined : [m.env_file].flat().map((f) => resolve(base, String(f)));
    const inc = readProject(r, paths, dir, r.varsOf(dir, envFiles), stack);
    for (const kind of KINDS) {
      const into = (doc[kind] ?? {}) as Mapping;
      let add = (inc[kind] ?? {}) as Mapping;
      if (kind === 'services')
        add = Object.fromEntries(Object.entries(add).map(([k, s]) => [k, rebaseService(s as Mapping, dir)]));
      if (kind === 'secrets' || kind === 'configs') add = rebaseTop(add, dir);
      for (const [k, x] of Object.entries(add)) {
        if (k in into)
          throw w.error([kind, k], `${kind.slice(0, -1)} "${k}" is also defined by the included ${paths.join(', ')}`);
        into[k] = x;
      }
      doc[kind] = into;
    }
  });
}

/** The files of one project (or include) read, merged, and their `extends` resolved. */
export function readProject(
  r: Reader,
  files: readonly string[],
  dir: string,
  vars: Vars,
  stack: readonly string[] = [],
): Mapping {
  const merged = mergeFiles(files.map((f) => parsed(r, f, vars, stack).doc));
  const cache = new Map<string, DocSource>();
  const load = (file: string): DocSource => {
    let d = cache.get(file);
    if (!d) {
      d = { file, dir: dirname(file), doc: parsed(r, file, vars, stack).doc };
      cache.set(file, d);
    }
    return d;
  };
  return resolveExtends(new Where(r.lines), { file: files[0]!, dir, doc: merged }, load);
}
