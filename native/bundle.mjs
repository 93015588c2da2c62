#!/usr/bin/env node
/**
 * The build's last step: bundles the compiled CLI (dist/cli/main.js) into dist/bin/netctl.js
 * plus a few chunks (the engine's netlink client and the TUI with Ink and React stay dynamic
 * imports, loaded only by the commands that need them), and the sandbox's init
 * (dist/sys/sandbox-init.js) on its own. Node 20 loads ES modules one by one (resolve, read,
 * compile each) and has no compile cache: a command used to load ~100 modules; now about ten
 * files, ~35 ms less start. Packages stay in node_modules.
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
const common = { absWorkingDir: root, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };
await build({ ...common, entryPoints: { netctl: 'dist/cli/main.js' }, outdir: out, chunkNames: 'chunks/[name]-[hash]', splitting: true });
// Apart, so that it shares no chunk with the CLI (which would split both finer).
await build({ ...common, entryPoints: ['dist/sys/sandbox-init.js'], outfile: join(out, 'sandbox-init.js') });
// The CNI plugin, exec'd by runtimes once per operation: one file, nothing shared.
await build({ ...common, entryPoints: ['dist/cni/main.js'], outfile: join(out, 'netctl-cni.js') });
chmodSync(join(out, 'netctl.js'), 0o755);
chmodSync(join(out, 'netctl-cni.js'), 0o755);
console.log(`bundled ${out}/netctl.js`);
