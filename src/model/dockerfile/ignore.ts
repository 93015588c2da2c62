/** `.dockerignore` with moby/patternmatcher semantics. Pure. */

/** A compiled .dockerignore. */
export interface IgnoreMatcher {
  /** True if PATH (relative to the context, `/`-separated) is excluded from the context. */
  matches(path: string): boolean;
  /** The cleaned patterns, `!` kept. */
  patterns: string[];
}

/** Parses a .dockerignore's TEXT. */
export function parseDockerignore(_text: string): IgnoreMatcher {
  throw new Error('not yet');
}
