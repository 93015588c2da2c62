/**
 * The Debian package in the tests: built from this tree by pkg/build-deb.mjs, under
 * package.json's version or another one (the previous release's stand-in), and the cached
 * Debian userland it installs into (test/platforms/userland.sh SUITE-pkg).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { run } from '../../../src/sys/exec.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** package.json's version. */
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The previous release: no earlier version was ever published, so it is this tree built under
 * the version just before this one (dpkg orders `X~prev1` below X).
 */
export const PREVIOUS = `${VERSION}~prev1`;

/** Builds the package of this tree under VERSION (default package.json's) into OUT; its path. */
export async function buildDeb(out: string, version?: string): Promise<string> {
  const argv = [
    process.execPath,
    join(ROOT, 'pkg/build-deb.mjs'),
    '--out',
    out,
    ...(version ? ['--version', version] : []),
  ];
  const built = await run(argv, { timeoutMs: 300_000 });
  expect(built.code, built.stderr).toBe(0);
  return built.stdout.trim();
}

/** The cached userland NAME (built once per machine, minutes the first time); its path. */
export async function userland(name: string): Promise<string> {
  const r = await run(['sh', join(ROOT, 'test/platforms/userland.sh'), name], { timeoutMs: 900_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}
