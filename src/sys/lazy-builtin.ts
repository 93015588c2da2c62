/**
 * A node built-in module (or a CommonJS package: tar-stream) loaded on its first use rather
 * than at start: some (child_process, fs/promises) bring several others along, and a command
 * that never needs them should not pay for them. By require, not import(): the CNI plugin's bundle runs in node:vm, which has
 * no import() (src/cni/code-cache.ts).
 */
import { createRequire } from 'node:module';

/** The loader of built-in `id` (e.g. `node:child_process`): loads it once, on the first call. */
export function lazyBuiltin<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(import.meta.url)(id) as T);
}
