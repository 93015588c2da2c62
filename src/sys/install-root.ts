/**
 * Where netctl is installed: the directory holding its package.json and native/, found by
 * walking up from this module. The same answer whether the code runs from the bundle
 * (dist/bin/), from the compiler's per-module output (dist/<dir>/) or from src/ under the
 * tests, so no path depends on how deep the running file happens to sit.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    if (dirname(dir) === dir) throw new Error(`netctl's install directory not found above ${start}`);
  }
}

/** The install directory. */
export const INSTALL_ROOT = find(dirname(fileURLToPath(import.meta.url)));

/** A path inside the install directory. */
export function installPath(...parts: string[]): string {
  return join(INSTALL_ROOT, ...parts);
}

/** The CLI as installed: the bundle `npm run build` writes. */
export const CLI_PATH = installPath('dist', 'bin', 'netctl.js');
