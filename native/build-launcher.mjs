#!/usr/bin/env node
/**
 * Builds native/build/netctl-launcher from native/launcher/*.c with the system C compiler
 * (cc, plain C, no libraries), only when a source is newer than the binary.
 * `node native/build-launcher.mjs [--force]`, or `buildLauncher()` from native/build.mjs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const srcDir = `${here}launcher/`;
const outDir = `${here}build/`;

/** Path of the built launcher. */
export const LAUNCHER = `${outDir}netctl-launcher`;

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Compiles the launcher if needed; returns true when it was (re)built. Throws on a compiler error. */
export function buildLauncher({ force = false } = {}) {
  const files = readdirSync(srcDir).filter((f) => /\.[ch]$/.test(f)).map((f) => srcDir + f);
  const built = mtime(LAUNCHER);
  if (!force && built > 0 && files.every((f) => mtime(f) <= built)) return false;
  mkdirSync(outDir, { recursive: true });
  const cc = process.env.CC || 'cc';
  const tmp = `${LAUNCHER}.tmp`;
  const argv = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-D_FORTIFY_SOURCE=2', '-o', tmp, ...files.filter((f) => f.endsWith('.c'))];
  const r = spawnSync(cc, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`build launcher: cannot run ${cc}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`build launcher: ${cc} failed:\n${r.stderr}`);
  renameSync(tmp, LAUNCHER);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    if (buildLauncher({ force: process.argv.includes('--force') })) process.stderr.write(`built ${LAUNCHER}\n`);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
