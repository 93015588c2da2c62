/**
 * Finding and reading a project as compose does: `-f` files (or COMPOSE_FILE, or the first
 * of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in the directory
 * or a parent, with its `.override` file), the `.env` file of the project directory under
 * the shell's environment, and the project name from `-p`, COMPOSE_PROJECT_NAME, the
 * top-level `name:` or the directory. Nothing is changed; a bad file throws a UsageError
 * naming the file and line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Lines } from './yaml-tree.js';
import { buildProject } from './model.js';
import { readProject } from './load-docs.js';
import { platformOf } from './model-extra.js';
import { Where } from './where.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import type { ComposeProject } from './types.js';
import { UsageError } from '../errors.js';

const NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** What the command line says about where the project is. */
export interface LoadOptions {
  files?: readonly string[];
  project?: string;
  projectDirectory?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Issue 25: `--profile` (COMPOSE_PROFILES when not given). */
  profiles?: readonly string[];
  /** `up --scale SERVICE=N`. */
  scale?: Readonly<Record<string, number>>;
  /** Take `build:` alone as built (`PROJECT-SERVICE`), for measuring files before builds land. */
  assumeBuilt?: boolean;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The files to read, in merge order. */
export function findFiles(cwd: string, files: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const given =
    files.length > 0 ? files : (env.COMPOSE_FILE?.split(env.COMPOSE_PATH_SEPARATOR ?? ':').filter(Boolean) ?? []);
  if (given.length > 0) return given.map((f) => resolve(cwd, f));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = NAMES.find((n) => existsSync(join(dir, n)));
    if (found) {
      const stem = found.replace(/\.ya?ml$/, '');
      const over = ['.override.yaml', '.override.yml'].map((x) => join(dir, stem + x)).find((p) => existsSync(p));
      return [join(dir, found), ...(over ? [over] : [])];
    }
    if (dirname(dir) === dir) break;
  }
  throw new UsageError(`no compose file found in ${cwd} or its parents (${NAMES.join(', ')})`, 'give one with -f FILE');
}

/** Lowercase, only [a-z0-9_-], as compose makes a name from a directory. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/** `w`: the name is the files' own `name:`, so the error names the file and line. */
function checkProjectName(name: string, from: string, w?: Where): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    const msg = `invalid project name "${name}" (${from}): lowercase letters, digits, "_" and "-", starting with a letter or digit`;
    throw w ? w.error(['name'], msg) : new UsageError(msg);
  }
  return name;
}

function dotenvVars(
  dir: string,
  env: NodeJS.ProcessEnv,
  files: readonly string[] = [join(dir, '.env')],
): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {};
  for (const path of files) {
    const text = readOrUndefined(path);
    if (text === undefined) continue;
    try {
      for (const [k, v] of parseDotenv(text)) vars[k] = v ?? env[k];
    } catch (err) {
      if (err instanceof DotenvError) throw new UsageError(`${path}:${err.line}: ${err.message}`);
      throw err;
    }
  }
  return { ...vars, ...env };
}

/** Reads, checks and merges the project. */
export function loadProject(opts: LoadOptions = {}): ComposeProject {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const files = findFiles(cwd, opts.files ?? [], env);
  const workingDir = opts.projectDirectory ? resolve(cwd, opts.projectDirectory) : dirname(files[0]!);
  const vars = dotenvVars(workingDir, env);
  const warnings: string[] = [];
  const allLines: Lines[] = [];
  const reader = {
    readFile: readOrUndefined,
    varsOf: (dir: string, envFiles?: readonly string[]) => dotenvVars(dir, env, envFiles),
    warnings,
    lines: allLines,
  };
  const merged = readProject(reader, files, workingDir, vars);
  const w = new Where(allLines);
  const name =
    opts.project !== undefined
      ? checkProjectName(opts.project, '-p')
      : vars.COMPOSE_PROJECT_NAME
        ? checkProjectName(vars.COMPOSE_PROJECT_NAME, 'COMPOSE_PROJECT_NAME')
        : typeof merged.name === 'string'
          ? checkProjectName(merged.name, 'the top-level name', w)
          : normalizeProjectName(basename(workingDir));
  if (name === '')
    throw new UsageError(`cannot make a project name from the directory "${workingDir}"`, 'give one with -p NAME');
  const profiles = opts.profiles ?? vars.COMPOSE_PROFILES?.split(',').filter(Boolean) ?? [];
  const extra = {
    profiles,
    scale: opts.scale ?? {},
    platform: platformOf(process.arch),
    assumeBuilt: opts.assumeBuilt,
  };
  const p = buildProject({ w, name, workingDir, files, vars, readFile: readOrUndefined, warnings, ...extra }, merged);
  for (const s of Object.keys(extra.scale))
    if (!p.services.some((x) => x.name === s)) throw new UsageError(`--scale: no such service: "${s}"`);
  return p;
}
