/** A stage's steps with variables expanded against its base image's config and the build args. Pure. */
import type { BuildPlan, OciConfig, Step } from './types.js';

/** A stage ready to run. */
export interface ResolvedStage {
  /** Base image ONBUILD triggers first (with `trigger` set), then the stage's own steps, expanded. */
  steps: Step[];
}

/** Expands the steps of stage INDEX given BASE, the config of the image or stage it starts from. */
export function resolveStage(_plan: BuildPlan, _index: number, _base: OciConfig): ResolvedStage {
  throw new Error('not yet');
}

/** Parses a base image's `OnBuild` triggers into steps (refusing ONBUILD ONBUILD, FROM, MAINTAINER). */
export function onbuildSteps(_triggers: string[], _escape = '\\'): Step[] {
  throw new Error('not yet');
}
