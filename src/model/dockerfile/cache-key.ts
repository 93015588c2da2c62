/** The layer cache key: parent, normalized step text with the args it uses, the files' checksum. Pure. */
import type { FileMeta, Step } from './types.js';

/** Inputs of one step's cache key. */
export interface CacheKeyInput {
  /** Id of the image the step runs on (`sha256:...`), or `scratch`. */
  parent: string;
  /** The resolved step. */
  step: Step;
  /** For COPY/ADD: {@link filesChecksum} of the files copied. */
  files?: string;
}

/** `sha256:<hex>` over the files' paths, modes, owners, sizes and contents, in path order. */
export function filesChecksum(_files: FileMeta[]): string {
  throw new Error('not yet');
}

/** `sha256:<hex>`: the same input gives the same key; any change of parent, step, args or files a new one. */
export function cacheKey(_input: CacheKeyInput): string {
  throw new Error('not yet');
}
