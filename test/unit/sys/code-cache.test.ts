import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFile, cachePayload, cliCachePath, loadScript } from '../../../src/sys/code-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'netctl-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = 'module.exports = { sum: (n) => { let s = 0; for (let i = 1; i <= n; i++) s += i; return s; } };';
type Sum = { sum(n: number): number };

function body(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/usr/bin/env node\n${text}`);
  return path;
}

describe('loadScript', () => {
  it('compiles without a cache, writes one, and the next load uses it', () => {
    const path = body('a.cjs', SOURCE);
    const cache = join(dir, 'cache', 'a.v8');
    const first = loadScript<Sum>(path, cache);
    expect(first.cache).toBe('none');
    expect(first.exports.sum(4)).toBe(10);
    first.save();
    const second = loadScript<Sum>(path, cache);
    expect(second.cache).toBe('used');
    expect(second.exports.sum(5)).toBe(15);
  });

  it('ignores a cache made from another source, then replaces it', () => {
    const path = body('b.cjs', SOURCE);
    const cache = join(dir, 'b.v8');
    loadScript(path, cache).save();
    writeFileSync(path, `${SOURCE}\nmodule.exports.changed = true;`);
    const stale = loadScript<{ changed?: boolean }>(path, cache);
    expect(stale.cache).toBe('none');
    expect(stale.exports.changed).toBe(true);
    stale.save();
    expect(loadScript(path, cache).cache).toBe('used');
  });

  it.each([
    ['flipped bytes', (b: Buffer) => Buffer.from(b.map((x, i) => (i > 60 ? x ^ 0x5a : x)))],
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['an empty file', () => Buffer.alloc(0)],
  ])('falls back to plain compiling on %s', (_what, spoil) => {
    const path = body('c.cjs', SOURCE);
    const cache = join(dir, 'c.v8');
    loadScript(path, cache).save();
    writeFileSync(cache, spoil(readFileSync(cache)));
    const r = loadScript<Sum>(path, cache);
    expect(r.cache).toBe('none');
    expect(r.exports.sum(3)).toBe(6);
  });

  it('tells when V8 refuses a well-formed cache, and never caches without a path', () => {
    const path = body('d.cjs', SOURCE);
    const cache = join(dir, 'd.v8');
    // A payload V8 did not make, under a header naming this very source.
    const sourceHash = createHash('sha1')
      .update(`//${readFileSync(path, 'utf8')}`)
      .digest();
    writeFileSync(cache, cacheFile(Buffer.from('not V8 code'.repeat(10)), sourceHash));
    const r = loadScript<Sum>(path, cache);
    expect(r.cache).toBe('rejected');
    expect(r.exports.sum(2)).toBe(3);
    expect(loadScript(path, undefined).cache).toBe('off');
  });
});

describe('cache files', () => {
  it('checks the source hash and the payload', () => {
    const h = Buffer.alloc(20, 1);
    const file = cacheFile(Buffer.from('payload'), h);
    expect(cachePayload(file, h)?.toString()).toBe('payload');
    expect(cachePayload(file, Buffer.alloc(20, 2))).toBeUndefined();
    expect(cachePayload(Buffer.concat([file, Buffer.from('x')]), h)).toBeUndefined();
  });

  it('names one file per verb', () => {
    expect(cliCachePath('/c', ['--json', 'ps', '-a'])).toBe('/c/ps.v8');
    expect(cliCachePath('/c', ['--version'])).toBe('/c/_.v8');
    expect(cliCachePath('/c', ['../x'])).toBe('/c/_.v8');
  });
});
