/**
 * The layer cache key, as Docker's is made of (parent, instruction, files' checksums): a sha256 over
 * the parent image id, the resolved step without its position (line, text as written) and without
 * the proxy args, and for COPY/ADD the checksum of the files it copies. Pure.
 */
import { createHash } from 'node:crypto';
import type { FileMeta, Step } from './types.js';

/** Inputs of one step's cache key. */
export interface CacheKeyInput {
  /** Id of the image the step runs on (`sha256:...`), or `scratch`. */
  parent: string;
  /** The resolved step (resolveStage's output). */
  step: Step;
  /** For COPY/ADD: {@link filesChecksum} of the files copied (and each URL's digest for ADD). */
  files?: string;
  /** Anything else the result depends on that the step does not show (e.g. the platform). */
  extra?: Record<string, string>;
}

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** JSON with object keys sorted, so equal values always give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * `sha256:<hex>` over the files' paths, types and modes, owners, sizes, contents and link targets,
 * in path order: any change of one of them (or a file added or removed) gives a new checksum;
 * times are left out, as Docker leaves them out, so a `touch` alone rebuilds nothing.
 */
export function filesChecksum(files: FileMeta[]): string {
  const rows = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => canonical([f.path, f.mode, f.uid, f.gid, f.size, f.contentDigest, f.linkTarget ?? '']));
  return sha256(rows.join('\n'));
}

/** The step as it matters to its result: no line, no text as written, no proxies, no ONBUILD marker. */
export function normalizedStep(step: Step): Record<string, unknown> {
  const { line: _l, original: _o, onbuild: _t, ...rest } = step as Step & { onbuild?: string };
  if (rest.kind === 'RUN') {
    const { proxyEnv: _p, ...run } = rest as Extract<Step, { kind: 'RUN' }>;
    return run as unknown as Record<string, unknown>;
  }
  return rest as unknown as Record<string, unknown>;
}

/** `sha256:<hex>`: the same input gives the same key; any change of parent, step, args or files a new one. */
export function cacheKey(input: CacheKeyInput): string {
  return sha256(
    canonical({
      v: 1,
      parent: input.parent,
      step: normalizedStep(input.step),
      files: input.files ?? '',
      extra: input.extra ?? {},
    }),
  );
}
