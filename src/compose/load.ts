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
import { parseYaml, type Lines } from './yaml-tree.js';
import { parseFile } from './parse.js';
import { mergeFiles } from './merge.js';
import { buildProject } from './model.js';
import { Where } from './where.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import type { ComposeProject, Mapping } from './types.js';
import { UsageError } from '../errors.js';

const NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** What the command line says about where the project is. */
export interface LoadOptions {
  files?: readonly string[];
  project?: string;
  projectDirectory?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
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

function dotenvVars(dir: string, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const path = join(dir, '.env');
  const text = readOrUndefined(path);
  const vars: Record<string, string | undefined> = {};
  if (text !== undefined) {
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
  const docs: Mapping[] = files.map((file) => {
    const text = readOrUndefined(file);
    if (text === undefined) throw new UsageError(`cannot read compose file ${file}`);
    const { value, lines } = parseYaml(file, text, vars);
    allLines.push(lines);
    return parseFile(new Where([lines]), value, warnings);
  });
  const merged = mergeFiles(docs);
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
  return buildProject({ w, name, workingDir, files, vars, readFile: readOrUndefined, warnings }, merged);
}
