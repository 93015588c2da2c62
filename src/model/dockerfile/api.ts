/**
 * The Dockerfile model's entry points, in the order the executor calls them:
 *
 * 1. {@link planBuild}(text, options) once: parse, pick the stages the target needs, in order
 *    (`plan.order`), `plan.unusedArgs` for Docker's "build-args were not consumed" warning.
 * 2. for each stage index in `plan.order`, after pulling or building its base:
 *    `config = beginStage(baseConfig)` (the base's ONBUILD triggers are consumed), then
 *    {@link resolveStage}(plan, index, baseConfig) gives the steps with words expanded
 *    (base ONBUILD triggers first, marked `onbuild`), the RUN context filled.
 * 3. for each step, {@link cacheKey}({parent, step, files}) (files: {@link filesChecksum} of what
 *    {@link resolveCopySources} matched, the context filtered by {@link parseDockerignore});
 *    RUN runs {@link runCommand}(step) in a container, COPY/ADD copy in the executor; every step
 *    goes through {@link applyStep} for the new config and its history entry
 *    ({@link historyEntry} with the `label:checksum` for COPY/ADD).
 *
 * Before step 2, {@link checkStagePlatforms}(plan, host): a foreign `FROM --platform=` is refused.
 *
 * Errors are DockerfileError (`Dockerfile:LINE: ...`, exit 1) or UsageError for .dockerignore.
 */
export type * from './types.js';
export { planBuild } from './plan.js';
export { parseDockerfile, type Instruction, type ParsedDockerfile } from './parser.js';
export { resolveStage, onbuildSteps, DEFAULT_SHELL, type ResolvedStage } from './resolve.js';
export { applyStep, beginStage, historyEntry, workdir, type ApplyState } from './config.js';
export { parseDockerignore, readIgnoreFile, ignoreMatcher, type IgnoreMatcher } from './ignore.js';
export { resolveCopySources, type SourceFile, type CopyItem, type CopyPlan } from './sources.js';
export { cacheKey, filesChecksum, normalizedStep, type CacheKeyInput } from './cache-key.js';
export { expandWord, expandWords, lookupOf } from './shell-lex.js';
export { runCommand, type RunCommand } from './run-command.js';
export { DockerfileError } from './errors.js';
export { PROXY_ARGS } from './args.js';
export { buildPlatformOf, checkStagePlatforms, normalizePlatform } from './platform-check.js';
