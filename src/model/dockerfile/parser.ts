/** Dockerfile text to instructions: directives, comments, continuations, heredocs, flags. Pure. */
import type { Heredoc } from './types.js';

/** One instruction as written. */
export interface Instruction {
  /** Upper-cased keyword (`RUN`). */
  keyword: string;
  /** `--name=value` flags before the arguments, in order (`--link` alone has value `true`). */
  flags: { name: string; value: string | true }[];
  /** The argument text after the flags, continuations joined. */
  rest: string;
  /** The exec form's array when `rest` is a valid JSON array of strings. */
  json?: string[];
  heredocs: Heredoc[];
  /** 1-based first line. */
  line: number;
  /** Keyword, flags and arguments as written, continuations joined. */
  original: string;
}

/** A parsed Dockerfile. */
export interface ParsedDockerfile {
  /** The escape character (`\` by default, or from `# escape=`). */
  escape: string;
  instructions: Instruction[];
}

/** Parses TEXT; throws a UsageError `Dockerfile:LINE: ...` on the first error. */
export function parseDockerfile(_text: string): ParsedDockerfile {
  throw new Error('not yet');
}
