#!/usr/bin/env node
/**
 * Builds netctl's native parts from source, each only when its output is missing or older
 * than its sources: the N-API addon (native/build/Release/netctl_native.node, by node-gyp)
 * and then the launcher and the CNI shim (native/build-launcher.mjs). The addon goes first because
 * `node-gyp rebuild` empties native/build.
 *
 *   node native/build.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLauncher, buildShim } from './build-launcher.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

/** Path of the built addon. */
export const ADDON = join(here, 'build', 'Release', 'netctl_native.node');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function addonSources() {
  const src = join(here, 'src');
  const files = readdirSync(src)
    .filter((f) => /\.(cc|h)$/.test(f))
    .map((f) => join(src, f));
  return [join(here, 'binding.gyp'), ...files];
}

// node-gyp only reads npm's `nodedir` when npm runs it; outside npm, point it at the
// headers of the running node (Debian's /usr/include/node) instead of downloading any.
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return ['--nodedir', process.env.npm_config_nodedir];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? ['--nodedir', prefix] : [];
}

/** Runs node-gyp when the addon is missing or stale; returns true when it was (re)built. */
export function buildAddon({ force = false } = {}) {
  const built = mtime(ADDON);
  if (!force && built > 0 && addonSources().every((f) => mtime(f) <= built)) return false;
  const gyp = join(root, 'node_modules', '.bin', 'node-gyp');
  if (!existsSync(gyp)) {
    throw new Error(`build addon: ${gyp} is missing; run "npm ci" first`);
  }
  const argv = ['rebuild', '--directory', here, ...nodedirArgs()];
  const r = spawnSync(gyp, argv, { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw new Error(`build addon: cannot run node-gyp: ${r.error.message}`);
  if (r.status !== 0 || !existsSync(ADDON)) {
    const log = `${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n');
    throw new Error(
      `build addon: node-gyp rebuild failed (exit ${r.status ?? r.signal}).\n${log}\n` +
        'It needs g++, make, python3 and the Node headers (Debian: nodejs-dev / libnode-dev).',
    );
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  try {
    if (buildAddon({ force })) process.stderr.write(`built ${ADDON}\n`);
    if (buildLauncher({ force })) process.stderr.write('built native/build/netctl-launcher\n');
    if (buildShim({ force })) process.stderr.write('built native/build/netctl-cni-shim\n');
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
