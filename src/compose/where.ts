/**
 * Finding where a value came from across merged files, for messages: the last file that
 * sets the path (or its nearest ancestor) wins, as it does in the merge.
 */
import { describe, fileError, type Lines } from './yaml-tree.js';
import type { KeyPath } from './types.js';
import { NetctlError, type UsageError } from '../errors.js';

/** Locates paths in the files of one project. */
export class Where {
  constructor(private readonly files: readonly Lines[]) {}

  /** `file:line` of `path`. */
  of(path: KeyPath): { file: string; line: number | undefined } {
    for (let n = path.length; n >= 0; n--) {
      const p = path.slice(0, n);
      for (let i = this.files.length - 1; i >= 0; i--) {
        if (this.files[i]!.has(p)) return { file: this.files[i]!.file, line: this.files[i]!.get(p) };
      }
    }
    // Nothing of the path in any file (an empty document, a missing section): the error is
    // the first file's as a whole, and a document starts on its line 1.
    const first = this.files[0];
    return { file: first?.file ?? 'compose file', line: first ? 1 : undefined };
  }

  /** An error at `path`: `compose.yaml:12: services.web.ports[0]: message`. */
  error(path: KeyPath, message: string): UsageError {
    const at = this.of(path);
    return fileError(at.file, at.line, path.length === 0 ? message : `${describe(path)}: ${message}`);
  }

  /**
   * FN's result; a NetctlError it throws (a value refused by a shared model check) becomes
   * the same error at `path`'s file and line, its message passed through `reword` first.
   */
  at<T>(path: KeyPath, fn: () => T, reword: (message: string) => string = (m) => m): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof NetctlError) throw this.error(path, reword(err.message));
      throw err;
    }
  }

  /** A warning line at `path`. */
  warning(path: KeyPath, message: string): string {
    const at = this.of(path);
    return `${at.file}${at.line === undefined ? '' : `:${at.line}`}: ${describe(path)}: ${message}`;
  }
}
