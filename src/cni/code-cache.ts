/**
 * V8's code cache for the plugin's bundle: a runtime execs the plugin once per ADD and DEL,
 * and compiling its ~0.5 MB of JavaScript (netctl, the netlink and SQLite packages) again on
 * every call is most of what it costs above node's own start (Node 20 has no compile cache
 * of its own; 22's module.enableCompileCache does the same). The cache holds compiled code
 * only, never results: one file per build of the bundle (its size, mtime and inode name it)
 * and command (each compiles the functions it ran), written after the first call that ran
 * without one, in the run root (`<runRoot>/cni-code-cache/`, root's, on tmpfs: gone at
 * boot). V8 refuses a cache from another V8 or other flags, and then it is written anew.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The run root an invocation names (the configuration's, else NETCTL_RUN_ROOT, else the default), as plugin.ts rootsFor; undefined when stdin is no configuration. */
export function runRootOf(env: Record<string, string | undefined>, stdin: string): string | undefined {
  try {
    const conf = JSON.parse(stdin) as { runRoot?: unknown };
    if (typeof conf !== 'object' || conf === null) return undefined;
    return typeof conf.runRoot === 'string' && conf.runRoot !== ''
      ? conf.runRoot
      : env.NETCTL_RUN_ROOT || '/run/netctl';
  } catch {
    return undefined;
  }
}

/** The cache file of `bundle` for `command` under `runRoot` (undefined: no cache for this call). */
export function cacheFileFor(
  runRoot: string | undefined,
  command: string | undefined,
  bundle: { size: number; mtimeMs: number; ino: number },
): string | undefined {
  if (!runRoot || !command || !/^[A-Z]+$/.test(command) || command === 'VERSION') return undefined;
  return join(runRoot, 'cni-code-cache', `${bundle.size}-${Math.trunc(bundle.mtimeMs)}-${bundle.ino}-${command}.v8`);
}

/** A loaded bundle, and how to save its compiled code once it has run. */
export interface LoadedBundle<T> {
  exports: T;
  /** Writes the cache when there was none (or V8 refused it); failures are ignored. */
  save(): void;
}

/** Compiles and runs the CommonJS bundle at `path`, with the cache named by `cacheFile(stat)`. */
export function loadBundle<T>(
  path: string,
  cacheFile: (st: { size: number; mtimeMs: number; ino: number }) => string | undefined,
): LoadedBundle<T> {
  const source = readFileSync(path, 'utf8');
  const file = cacheFile(statSync(path));
  let cachedData: Buffer | undefined;
  try {
    if (file) cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // CommonJS's wrapper, as node's loader puts it around a file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: path,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...a: unknown[]) => void).call(
    module.exports,
    module.exports,
    createRequire(path),
    module,
    path,
    join(path, '..'),
  );
  const stale = !cachedData || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    save() {
      if (!file || !stale) return;
      try {
        mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // No cache this time: the next call compiles again.
      }
    },
  };
}
