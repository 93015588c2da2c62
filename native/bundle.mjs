#!/usr/bin/env node
/**
 * The build's last step: bundles the compiled CLI (dist/cli/main.js) and the sandbox's init
 * (dist/sys/sandbox-init.js) into dist/bin/, one file per entry plus shared chunks, each
 * command's code in its own chunk still loaded only when that command runs. Node 20 loads
 * ~100 small ES modules one by one (resolve, read, compile each); the bundle saves every
 * command ~25 ms of start. Packages stay in node_modules.
 *
 *   node native/bundle.mjs
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'bin');
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { netctl: 'dist/cli/main.js', 'sandbox-init': 'dist/sys/sandbox-init.js' },
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
chmodSync(join(out, 'netctl.js'), 0o755);
console.log(`bundled ${out}/netctl.js`);
