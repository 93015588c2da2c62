/**
 * Global setup: builds dist/ and the native parts once, before any test runs. Tests that
 * spawn the CLI or scripts use dist/; building inside a test file would rewrite dist/ under
 * the feet of the others, which run at the same time.
 */
import { fileURLToPath } from 'node:url';
import { run } from '../src/sys/exec.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export default async function build(): Promise<void> {
  const tsc = await run([`${root}node_modules/.bin/tsc`, '-p', 'src'], { cwd: root, timeoutMs: 300_000 });
  if (tsc.code !== 0) throw new Error(`TypeScript build failed:\n${tsc.stdout}${tsc.stderr}`);
  const bundle = await run([process.execPath, 'native/bundle.mjs'], { cwd: root, timeoutMs: 120_000 });
  if (bundle.code !== 0) throw new Error(`bundle failed:\n${bundle.stdout}${bundle.stderr}`);
  const native = await run([process.execPath, 'native/build.mjs'], { cwd: root, timeoutMs: 600_000 });
  if (native.code !== 0) throw new Error(`native build failed:\n${native.stdout}${native.stderr}`);
}
