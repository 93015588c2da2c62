/** Dockerfile text to a BuildPlan: stages, target, the stages it needs, unused build args. Pure. */
import type { BuildPlan, PlanOptions } from './types.js';

/** Parses and plans TEXT; throws a UsageError `Dockerfile:LINE: ...` or naming an unknown target. */
export function planBuild(_text: string, _opts: PlanOptions = {}): BuildPlan {
  throw new Error('not yet');
}
