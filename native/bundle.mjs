#!/usr/bin/env node
/**
 * The build's last step: bundles the compiled CLI (dist/cli/main.js) into dist/bin/netctl.js
 * (a loader), dist/bin/netctl-body.cjs (the CLI, compiled with V8's code cache) and
 * dist/bin/netctl-esm.js plus chunks (the same as ES modules, for the TUI), and the sandbox's init
 * (dist/sys/sandbox-init.js) on its own. Node 20 loads ES modules one by one (resolve, read,
 * compile each) and has no compile cache: a command used to load ~100 modules; now about ten
 * files, ~35 ms less start. Packages stay in node_modules.
 *
 *   node native/bundle.mjs
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'bin');
rmSync(out, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
// The CLI: one CommonJS file (netctl-body.cjs; packages stay in node_modules) that netctl.js,
// a small ES module, compiles with V8's code cache (src/sys/code-cache.ts): compiling it was
// most of a command's start. The lazily imported parts (netlink, compose loader) become
// functions of the one file that run when first needed. `tui` alone loads the ES module build
// (netctl-esm.js and its chunks), since Ink is an ES module with top-level await that no
// CommonJS file can load.
await build({
  ...common,
  format: 'cjs',
  entryPoints: ['dist/cli/main.js'],
  outfile: join(out, 'netctl-body.cjs'),
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'var __bundleUrl = require("url").pathToFileURL(__filename).href;' },
});
// node:vm runs import() in a script only behind an experimental flag: the loader passes its own.
// Its first line, main.ts's #!, goes: the body is no program.
const bodyText = (await readFile(join(out, 'netctl-body.cjs'), 'utf8'))
  .replace(/^#!.*\n/, '')
  .replace(/\bimport\((?=")/g, '__import(');
if (/\bimport\(/.test(bodyText)) throw new Error('bundle: netctl-body.cjs has an import() of no literal name');
writeFileSync(join(out, 'netctl-body.cjs'), bodyText, { mode: 0o644 });
chmodSync(join(out, 'netctl-body.cjs'), 0o644);
await build({
  ...common,
  entryPoints: { 'netctl-esm': 'dist/cli/main.js' },
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
});
await build({ ...common, entryPoints: ['dist/cli/entry.js'], outfile: join(out, 'netctl.js') });
// Apart, so that it shares no chunk with the CLI (which would split both finer).
await build({ ...common, entryPoints: ['dist/sys/sandbox-init.js'], outfile: join(out, 'sandbox-init.js') });
// The CNI plugin, exec'd by runtimes once per operation: a small loader (netctl-cni.cjs, the
// one `netctl cni install` installs, and netctl-cni.js, the same as an ES module) and
// one CommonJS file with everything else, its packages included, which the loader compiles
// with V8's code cache (src/cni/code-cache.ts): CommonJS, because node:vm caches scripts,
// not ES modules. The packages' own ways of finding themselves are kept working: the
// createRequire(import.meta.url) that the ESM build needs becomes the bundle's require, so
// that esbuild inlines what it loads; import.meta.url is the bundle's URL; netlink finds its
// addon from its package directory; better-sqlite3's addon path (require.resolve) and the
// native addon stay lookups at run time.
await build({ ...common, entryPoints: ['dist/cni/main.js'], outfile: join(out, 'netctl-cni.js') });
// The netavark plugin (Podman 5), exec'd by netavark once per setup and teardown.
await build({ ...common, entryPoints: ['dist/podman/main.js'], outfile: join(out, 'netctl-podman.js') });
await build({
  ...common,
  format: 'cjs',
  entryPoints: ['dist/cni/main-cjs.js'],
  outfile: join(out, 'netctl-cni.cjs'),
  banner: { js: '#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node' },
});
const rewrites = {
  'dist/netlink/client.js': [['const require = createRequire(import.meta.url);', '']],
  'dist/store/db.js': [['const require = createRequire(import.meta.url);', '']],
  'node_modules/netlink/dist/raw.js': [
    [
      "require('node-gyp-build')(__dirname + '/..')",
      "require('node-gyp-build')(require('path').dirname(require.resolve('netlink/package.json')))",
    ],
  ],
};
const rewrite = {
  name: 'cni-body-rewrites',
  setup(b) {
    b.onLoad({ filter: /(dist[/](netlink[/]client|store[/]db)|netlink[/]dist[/]raw)\.js$/ }, async (args) => {
      const rel = relative(root, args.path);
      let text = await readFile(args.path, 'utf8');
      for (const [from, to] of rewrites[rel] ?? []) {
        if (!text.includes(from)) throw new Error(`bundle: "${from}" not found in ${rel}`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};
await build({
  ...common,
  format: 'cjs',
  packages: undefined,
  external: ['bindings', 'netlink/package.json', '*.node'],
  entryPoints: ['dist/cni/body.js'],
  outfile: join(out, 'netctl-cni-body.cjs'),
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'var __bundleUrl = require("url").pathToFileURL(__filename).href;' },
  plugins: [rewrite],
  logOverride: { 'require-resolve-not-external': 'silent' },
});
chmodSync(join(out, 'netctl.js'), 0o755);
chmodSync(join(out, 'netctl-cni.js'), 0o755);
chmodSync(join(out, 'netctl-podman.js'), 0o755);
chmodSync(join(out, 'netctl-cni.cjs'), 0o755);
console.log(`bundled ${out}/netctl.js`);
