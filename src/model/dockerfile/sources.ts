/** COPY/ADD sources against a list of files: globs, directories, destination rules. Pure. */
import type { CopyStep } from './types.js';

/** One entry of the source tree (context after .dockerignore, or a stage/image root). */
export interface SourceFile {
  /** Relative, `/`-separated, no leading `./`. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
}

/** What to copy where: each source path and the destination path it lands at (relative to the image root). */
export interface CopyPlan {
  items: { source: string; dest: string; type: SourceFile['type'] }[];
}

/** Resolves STEP's sources against FILES; WORKDIR resolves a relative dest. Throws naming a source matching nothing. */
export function resolveCopySources(_step: CopyStep, _files: SourceFile[], _workdir: string): CopyPlan {
  throw new Error('not yet');
}
