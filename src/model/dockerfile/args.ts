/** Build-arg scoping as Docker does it: global args, stage ARGs, --build-arg, platform and proxy args. Pure. */
import { DockerfileError } from './errors.js';
import { expandWord, type Lookup } from './shell-lex.js';
import type { ArgStep } from './types.js';

/** Predefined args: usable without an ARG line, passed to RUN, kept out of history and the cache key. */
export const PROXY_ARGS = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

/** TARGETPLATFORM... and BUILDPLATFORM... from `os/arch[/variant]` platforms. */
export function platformArgs(target: string, build: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [prefix, p] of [
    ['TARGET', target],
    ['BUILD', build],
  ] as const) {
    const [os = '', arch = '', variant = ''] = p.split('/');
    Object.assign(out, {
      [`${prefix}PLATFORM`]: p,
      [`${prefix}OS`]: os,
      [`${prefix}ARCH`]: arch,
      [`${prefix}VARIANT`]: variant,
    });
  }
  return out;
}

/** What an ARG line sees and sets. */
export interface ArgScope {
  buildArgs: Record<string, string>;
  /** Global args (pre-FROM ARGs), whose values a stage's `ARG X` without default takes. */
  globals: Record<string, string>;
  platform: Record<string, string>;
  /** Names any ARG declared, for the unused --build-arg warning. */
  declared?: Set<string>;
}

/**
 * Applies STEP to ARGS (the args in scope, mutated): `--build-arg` beats the default, a stage's
 * `ARG X` without a default takes the global X, platform args take the build's platform.
 * Defaults expand with LOOKUP (ENV beats ARG there, as Docker does).
 */
export function declareArgs(
  step: ArgStep,
  args: Map<string, string | undefined>,
  scope: ArgScope,
  lookup: Lookup,
  esc: string,
): void {
  for (const a of step.args) {
    const name = expand(a.name, lookup, esc, step.line);
    scope.declared?.add(name);
    const def = a.default === undefined ? undefined : expand(a.default, lookup, esc, step.line);
    let value: string | undefined;
    if (name in scope.platform) value = scope.buildArgs[name] ?? scope.platform[name];
    else if (name in scope.buildArgs) value = scope.buildArgs[name];
    else if (def !== undefined) value = def;
    else if (name in scope.globals) value = scope.globals[name];
    args.set(name, value);
  }
}

/** expandWord with a Dockerfile error naming the line. */
export function expand(word: string, lookup: Lookup, esc: string, line: number, used?: Set<string>): string {
  try {
    return expandWord(word, lookup, esc, used);
  } catch (e) {
    throw new DockerfileError(line, (e as Error).message);
  }
}
