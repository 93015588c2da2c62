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

/**
 * The boot test's previous release: an older commit of this repository (main before the build
 * cache's migration: schema 6, where this tree's is higher), its package built by
 * test/platforms/previous-deb.sh under a version dpkg orders below VERSION, cached in
 * /var/cache/netctl/previous. Its package-lock.json must equal this tree's (checked there): to
 * move it forward, take a later commit with the same lock.
 */
export const PREVIOUS_RELEASE = { commit: '766dc9ad87b90fe52167210a4f5a91198ae92952', version: '0.1.0~766dc9a' };

/** The schema version this tree writes (the last of src/store/migrations.ts), as pkg/build-deb.mjs reads it. */
export const SCHEMA = Math.max(
  ...[...readFileSync(join(ROOT, 'src/store/migrations.ts'), 'utf8').matchAll(/\{ version: (\d+),/g)].map(
    (m) => +m[1]!,
  ),
);

/** The previous release's package (built once per machine, a minute or two the first time); its path. */
export async function previousDeb(): Promise<string> {
  const { commit, version } = PREVIOUS_RELEASE;
  const r = await run(['sh', join(ROOT, 'test/platforms/previous-deb.sh'), commit, version], { timeoutMs: 900_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

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
