/** Loading a one-file compose project from YAML text, for the compose unit tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { loadProject } from '../../../src/compose/load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Loads `yaml` as compose.yaml of a fresh project directory (removed after the test). */
export function loadYaml(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-compose-unit-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), yaml);
  return loadProject({ cwd: dir, env: {} });
}

/** The message `loadYaml` refuses `yaml` with; throws when it is accepted. */
export function refusedYaml(yaml: string): string {
  try {
    loadYaml(yaml);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('not refused');
}

type LoadOptions = Parameters<typeof loadProject>[0];

/** Writes `files` (path → text, directories made) into a fresh project directory. */
export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-compose-unit-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

/** Loads a project of several files as project `p`. */
export function loadFiles(files: Record<string, string>, opts: LoadOptions = {}) {
  return loadProject({ cwd: projectDir(files), env: {}, project: 'p', ...opts });
}

/** The message `loadFiles` refuses `files` with; throws when they are accepted. */
export function refusedFiles(files: Record<string, string>, opts: LoadOptions = {}): string {
  try {
    loadFiles(files, opts);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('not refused');
}

/** An imported image record with the given config extras, for serviceRequest. */
export function fakeImage(config: Record<string, unknown> = {}) {
  return {
    id: 'i'.repeat(64),
    created: '',
    source: 'import' as const,
    config: { env: [], exposedPorts: [], labels: {}, ...config },
  };
}
