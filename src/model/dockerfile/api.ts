/**
 * The Dockerfile model's entry points, in the order the executor calls them:
 *
 * 1. {@link planBuild}(text, options) once: parse, pick the stages the target needs, in order.
 * 2. for each stage index in `plan.order`, after pulling or building its base:
 *    {@link resolveStage}(plan, index, baseConfig) gives the steps with words expanded
 *    (base image ONBUILD triggers first), the RUN context filled.
 * 3. for each step: metadata steps go through {@link applyStep}; RUN/COPY/ADD run in the
 *    executor, whose COPY/ADD sources come from {@link resolveCopySources} after the context
 *    was filtered by {@link parseDockerignore}; the cache key is {@link cacheKey}.
 * 4. {@link historyEntry} gives the `created_by` of every step (layer or not).
 */
export type * from './types.js';
export { planBuild } from './plan.js';
export { parseDockerfile, type Instruction, type ParsedDockerfile } from './parser.js';
export { resolveStage, onbuildSteps, type ResolvedStage } from './resolve.js';
export { applyStep, historyEntry } from './config.js';
export { parseDockerignore, type IgnoreMatcher } from './ignore.js';
export { resolveCopySources, type SourceFile, type CopyPlan } from './sources.js';
export { cacheKey, filesChecksum, type CacheKeyInput } from './cache-key.js';
export { expandWord, expandWords } from './shell-lex.js';
