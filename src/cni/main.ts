#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * The CNI plugin's entry point (type `netctl`; `netctl cni install` puts it into the CNI
 * bin dir): the configuration on stdin, the `CNI_*` environment, the answer on stdout.
 * Started without NODE_EXTRA_CA_CERTS for the reason the CLI's first line gives. The work is
 * in the bundle beside it (netctl-cni-body.cjs, see body.ts), compiled with V8's code cache
 * (code-cache.ts); unbundled (dist/cni/main.js) it imports body.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cacheFileFor, loadBundle, runRootOf } from './code-cache.js';

type Body = typeof import('./body.js');

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

const stdin = readStdin();
const bundle = fileURLToPath(new URL('./netctl-cni-body.cjs', import.meta.url));
let body: Body;
let save = (): void => undefined;
if (existsSync(bundle)) {
  const runRoot = runRootOf(process.env, stdin);
  const loaded = loadBundle<Body>(bundle, (st) => cacheFileFor(runRoot, process.env.CNI_COMMAND, st));
  body = loaded.exports;
  save = loaded.save;
} else {
  // The same path from dist/cni/ and dist/bin/; not a literal, so that the loader's bundle leaves it out.
  body = (await import(new URL('../cni/body.js', import.meta.url).href)) as Body;
}
const answer = await body.handle(process.env, stdin);
process.stdout.write(answer.stdout);
process.exitCode = answer.exitCode;
if (answer.exitCode === 0) save();
