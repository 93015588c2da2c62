/**
 * The plugin's start, shared by its two entry files: the configuration on stdin, the
 * `CNI_*` environment, the answer on stdout. The work is in the bundle beside the entry
 * (netctl-cni-body.cjs, see body.ts), compiled with V8's code cache (code-cache.ts);
 * without the bundle (dist/ unbundled) body.js is imported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheFileFor, loadBundle, runRootOf } from './code-cache.js';

type Body = typeof import('./body.js');

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

/** Runs one invocation; `binDir` is the directory of the entry file (dist/bin or dist/cni). */
export async function main(binDir: string): Promise<void> {
  const stdin = readStdin();
  const bundle = join(binDir, 'netctl-cni-body.cjs');
  let body: Body;
  let save = (): void => undefined;
  if (existsSync(bundle)) {
    const runRoot = runRootOf(process.env, stdin);
    const loaded = loadBundle<Body>(bundle, (st) => cacheFileFor(runRoot, process.env.CNI_COMMAND, st));
    body = loaded.exports;
    save = loaded.save;
  } else {
    // The same path from dist/cni/ and dist/bin/; not a literal, so that the bundles leave it out.
    body = (await import(pathToFileURL(join(binDir, '..', 'cni', 'body.js')).href)) as Body;
  }
  const answer = await body.handle(process.env, stdin);
  process.stdout.write(answer.stdout);
  process.exitCode = answer.exitCode;
  if (answer.exitCode === 0) save();
}
