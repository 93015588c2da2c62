#!/usr/bin/env node
/**
 * Builds native/build/netctl-launcher from native/launcher/*.c, and the CNI plugin's shim
 * native/build/netctl-cni-shim from native/cni-shim/*.c, with the system C compiler (cc,
 * plain C, no libraries), each only when a source is newer than its binary.
 * `node native/build-launcher.mjs [--force]`, or `buildLauncher()` / `buildShim()` from native/build.mjs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = `${here}build/`;

/** Path of the built launcher. */
export const LAUNCHER = `${outDir}netctl-launcher`;
/** Path of the built CNI shim. */
export const SHIM = `${outDir}netctl-cni-shim`;

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Compiles the C files of `srcDir` into `out` if needed; returns true when it was (re)built. Throws on a compiler error. */
function buildC(srcDir, out, force) {
  const files = readdirSync(srcDir)
    .filter((f) => /\.[ch]$/.test(f))
    .map((f) => srcDir + f);
  const built = mtime(out);
  if (!force && built > 0 && files.every((f) => mtime(f) <= built)) return false;
  mkdirSync(outDir, { recursive: true });
  const cc = process.env.CC || 'cc';
  const tmp = `${out}.tmp`;
  const argv = [
    '-std=gnu11',
    '-O2',
    '-Wall',
    '-Wextra',
    '-D_FORTIFY_SOURCE=2',
    '-o',
    tmp,
    ...files.filter((f) => f.endsWith('.c')),
  ];
  const r = spawnSync(cc, argv, { encoding: 'utf8', timeout: 120_000 });
  const what = out.slice(outDir.length);
  if (r.error) throw new Error(`build ${what}: cannot run ${cc}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`build ${what}: ${cc} failed:\n${r.stderr}`);
  renameSync(tmp, out);
  return true;
}

/** Compiles the launcher if needed; returns true when it was (re)built. Throws on a compiler error. */
export function buildLauncher({ force = false } = {}) {
  return buildC(`${here}launcher/`, LAUNCHER, force);
}

/** Compiles the CNI shim if needed; returns true when it was (re)built. Throws on a compiler error. */
export function buildShim({ force = false } = {}) {
  return buildC(`${here}cni-shim/`, SHIM, force);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    if (buildLauncher({ force: process.argv.includes('--force') })) process.stderr.write(`built ${LAUNCHER}\n`);
    if (buildShim({ force: process.argv.includes('--force') })) process.stderr.write(`built ${SHIM}\n`);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
