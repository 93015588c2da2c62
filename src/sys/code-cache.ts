/**
 * V8's code cache for a CommonJS bundle compiled through node:vm (Node 20 has no compile
 * cache of its own; 22's module.enableCompileCache does the same). The CLI pays for
 * compiling its bundle on every command otherwise: about 80 ms of CPU for `--version`, more
 * than the command's own work. The cache holds compiled code only, never results.
 *
 * A cache file per key (the CLI's verb: each command compiles the functions it ran) holds a
 * header naming the source it was made from (its SHA-1) and the payload's SHA-1, so that a
 * cache from another build, a truncated file or random bytes are never handed to V8; V8 itself
 * refuses a cache from another V8 or other flags. Any such cache is written anew, atomically
 * (a temporary file renamed), after the command ran; any failure to read or write it only
 * means compiling as without one.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const MAGIC = Buffer.from('NCC1');
const HEADER = MAGIC.length + 40;

/** How a load used its cache: `used` (V8 took it), `none` (no valid file), `rejected` (V8 refused it), `off`. */
export type CacheUse = 'used' | 'none' | 'rejected' | 'off';

/** A loaded bundle, how its cache was used, and how to save its compiled code once it has run. */
export interface LoadedScript<T> {
  exports: T;
  cache: CacheUse;
  /** Writes the cache when there was no usable one; failures are ignored. */
  save(): void;
}

const sha1 = (data: string | Buffer): Buffer => createHash('sha1').update(data).digest();

/** The payload of cache file `bytes` when it was made from the source hashing to `sourceHash`, else undefined. */
export function cachePayload(bytes: Buffer, sourceHash: Buffer): Buffer | undefined {
  if (bytes.length <= HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!bytes.subarray(MAGIC.length, MAGIC.length + 20).equals(sourceHash)) return undefined;
  const payload = bytes.subarray(HEADER);
  return bytes.subarray(MAGIC.length + 20, HEADER).equals(sha1(payload)) ? payload : undefined;
}

/** Cache file bytes for `payload` made from the source hashing to `sourceHash`. */
export function cacheFile(payload: Buffer, sourceHash: Buffer): Buffer {
  return Buffer.concat([MAGIC, sourceHash, sha1(payload), payload]);
}

function readCache(file: string | undefined, sourceHash: Buffer): Buffer | undefined {
  if (!file) return undefined;
  try {
    return cachePayload(readFileSync(file), sourceHash);
  } catch {
    return undefined;
  }
}

/**
 * Compiles and runs the CommonJS file at `path` (a first `#!` line allowed) with the cache
 * file `cachePath` (undefined: none). Node 20 runs `import()` in a script only behind an
 * experimental flag: the file calls `__import(specifier)` instead, which is `importer`.
 */
export function loadScript<T>(
  path: string,
  cachePath: string | undefined,
  importer: (specifier: string) => Promise<unknown> = (s) => import(s),
): LoadedScript<T> {
  let source = readFileSync(path, 'utf8');
  if (source.startsWith('#!')) source = `//${source}`;
  const sourceHash = cachePath ? sha1(source) : Buffer.alloc(0);
  const cachedData = readCache(cachePath, sourceHash);
  // CommonJS's wrapper, as node's loader puts it around a file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __import) { ${source}\n})`, {
    filename: path,
    ...(cachedData ? { cachedData } : {}),
  });
  const cache: CacheUse = !cachePath
    ? 'off'
    : !cachedData
      ? 'none'
      : script.cachedDataRejected === true
        ? 'rejected'
        : 'used';
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...a: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path), importer);
  return {
    exports: module.exports,
    cache,
    save() {
      if (!cachePath || cache === 'used') return;
      try {
        mkdirSync(dirname(cachePath), { recursive: true, mode: 0o755 });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, cacheFile(script.createCachedData(), sourceHash), { mode: 0o644 });
        renameSync(tmp, cachePath);
      } catch {
        // No cache this time: the next command compiles again.
      }
    },
  };
}

/** The cache file for the CLI's `argv` (its first word that is no option names it) in `dir`. */
export function cliCachePath(dir: string, argv: readonly string[]): string {
  const verb = argv.find((a) => !a.startsWith('-'));
  return join(dir, `${verb && /^[a-z][a-z0-9-]{0,31}$/.test(verb) ? verb : '_'}.v8`);
}
