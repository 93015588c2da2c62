#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS NETCTL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
/**
 * The installed command (dist/bin/netctl.js): a small loader that compiles the CLI's one
 * CommonJS bundle (netctl-body.cjs, cli/main.ts and what it imports) with V8's code cache
 * (sys/code-cache.ts), kept beside it in `code-cache/`, one file per verb, written after a
 * command that had none. Compiling the bundle was most of every command's start; with the
 * cache `--version` costs about half. NETCTL_CODE_CACHE=off, or a directory nobody may write
 * to, gives plain compiling. A command line naming `tui` loads the ES module build instead:
 * Ink cannot be loaded from CommonJS. The first line: see cli/main.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCachePath, loadScript } from '../sys/code-cache.js';

const argv = process.argv.slice(2);
if (argv.includes('tui')) {
  await import(new URL('./netctl-esm.js', import.meta.url).href);
} else {
  const body = fileURLToPath(new URL('./netctl-body.cjs', import.meta.url));
  const off = process.env.NETCTL_CODE_CACHE === 'off';
  const cache = off ? undefined : cliCachePath(join(dirname(body), 'code-cache'), argv);
  // Bare names resolve from here as from the body: both are in dist/bin.
  const loaded = loadScript(body, cache, (specifier) => import(specifier));
  if (loaded.cache !== 'used' && loaded.cache !== 'off') process.once('exit', () => loaded.save());
}
