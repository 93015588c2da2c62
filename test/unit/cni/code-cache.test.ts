import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheFileFor, loadBundle, runRootOf } from '../../../src/cni/code-cache.js';

const ST = { size: 10, mtimeMs: 1234.7, ino: 99 };

describe('CNI code cache naming', () => {
  it('takes the run root as the plugin does', () => {
    expect(runRootOf({}, '{"runRoot":"/x/run"}')).toBe('/x/run');
    expect(runRootOf({ NETCTL_RUN_ROOT: '/e' }, '{"name":"n"}')).toBe('/e');
    expect(runRootOf({}, '{"name":"n"}')).toBe('/run/netctl');
    expect(runRootOf({}, 'not json')).toBeUndefined();
    expect(runRootOf({}, '[1]')).toBe('/run/netctl');
  });

  it('names one file per bundle build and command, none for VERSION or odd commands', () => {
    expect(cacheFileFor('/r', 'ADD', ST)).toBe('/r/cni-code-cache/10-1234-99-ADD.v8');
    expect(cacheFileFor('/r', 'DEL', { ...ST, ino: 100 })).toBe('/r/cni-code-cache/10-1234-100-DEL.v8');
    expect(cacheFileFor('/r', 'VERSION', ST)).toBeUndefined();
    expect(cacheFileFor('/r', '../x', ST)).toBeUndefined();
    expect(cacheFileFor(undefined, 'ADD', ST)).toBeUndefined();
  });
});

describe('loadBundle', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the CommonJS file, writes the cache once, uses it, and rewrites it when the build changes', () => {
    dir = mkdtempSync(join(tmpdir(), 'netctl-cc-'));
    const file = join(dir, 'b.cjs');
    writeFileSync(
      file,
      'const p = require("node:path"); exports.name = p.basename(__filename); exports.add = (a, b) => a + b;\n',
    );
    const cacheDir = join(dir, 'cache');
    const name = (st: { size: number; mtimeMs: number; ino: number }): string =>
      join(cacheDir, `${st.size}-${Math.trunc(st.mtimeMs)}.v8`);
    const first = loadBundle<{ name: string; add(a: number, b: number): number }>(file, name);
    expect(first.exports.name).toBe('b.cjs');
    expect(first.exports.add(2, 3)).toBe(5);
    first.save();
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(1);
    const written = statSync(join(cacheDir, cached[0]!)).mtimeMs;
    // With the cache: same behaviour, nothing rewritten.
    const second = loadBundle<{ add(a: number, b: number): number }>(file, name);
    expect(second.exports.add(4, 5)).toBe(9);
    second.save();
    expect(statSync(join(cacheDir, cached[0]!)).mtimeMs).toBe(written);
    // A new build (other mtime) gets its own file, and runs its own code.
    writeFileSync(file, 'exports.add = (a, b) => a * b;\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const third = loadBundle<{ add(a: number, b: number): number }>(file, name);
    expect(third.exports.add(4, 5)).toBe(20);
    third.save();
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('without a cache file name compiles and saves nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'netctl-cc-'));
    const file = join(dir, 'b.cjs');
    writeFileSync(file, 'exports.v = 1;\n');
    const b = loadBundle<{ v: number }>(file, () => undefined);
    expect(b.exports.v).toBe(1);
    b.save();
    expect(readdirSync(dir)).toEqual(['b.cjs']);
  });
});
