/** Dockerfile text to a BuildPlan: stages, target, the stages it needs, unused build args. Pure. */
import { type ArgScope, declareArgs, expand, PROXY_ARGS, platformArgs } from './args.js';
import { DockerfileError } from './errors.js';
import { type Instruction, parseDockerfile } from './parser.js';
import { checkKeyword, flagsOf, stepOf } from './steps.js';
import type { BuildPlan, PlanOptions, Stage, StageBase } from './types.js';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** A lookup over a map of args in scope (unset and undefined alike). */
const lookupIn =
  (m: Map<string, string | undefined>) =>
  (k: string): string | undefined =>
    m.get(k);

function fromStage(ins: Instruction, index: number, stages: Stage[], scope: ArgScope, esc: string): Stage {
  const args = ins.args;
  let name: string | undefined;
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    name = args[2]!.toLowerCase();
    if (!STAGE_NAME.test(name))
      throw new DockerfileError(
        ins.line,
        `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`,
      );
    if (stages.some((s) => s.name === name)) throw new DockerfileError(ins.line, `duplicate stage name "${name}"`);
  } else if (args.length !== 1) throw new DockerfileError(ins.line, 'FROM requires either one or three arguments');
  const flags = flagsOf(ins);
  const globals = new Map(Object.entries({ ...scope.platform, ...scope.globals }));
  const image = expand(args[0]!, lookupIn(globals), esc, ins.line);
  if (image === '') throw new DockerfileError(ins.line, `base name (${args[0]}) should not be blank`);
  const earlier = stages.find((s) => s.name === image.toLowerCase());
  const base: StageBase =
    image.toLowerCase() === 'scratch'
      ? { kind: 'scratch' }
      : earlier
        ? { kind: 'stage', index: earlier.index }
        : { kind: 'image', ref: image };
  const stage: Stage = { index, base, line: ins.line, original: ins.original, steps: [] };
  if (name) stage.name = name;
  if (typeof flags.platform === 'string') stage.platform = expand(flags.platform, lookupIn(globals), esc, ins.line);
  return stage;
}

/**
 * Sets COPY --from: an earlier stage by name or index, else an image. Like buildkit, --from takes
 * no variables (they would make the stage graph depend on the build), and says so.
 */
function resolveFrom(stage: Stage, stages: Stage[]): void {
  for (const step of stage.steps) {
    if ((step.kind !== 'COPY' && step.kind !== 'ADD') || step.from.kind !== 'image') continue;
    const raw = step.from.ref;
    const word = expand(raw, () => undefined, '\\', step.line);
    if (word !== raw)
      throw new DockerfileError(
        step.line,
        `variable expansion is not supported for --from ("${raw}"): define a stage with FROM using a global ARG instead`,
      );
    const byName = stages.find((s) => s.index < stage.index && s.name === word.toLowerCase());
    if (byName) step.from = { kind: 'stage', index: byName.index };
    else if (/^\d+$/.test(word)) {
      const n = Number(word);
      if (n >= stage.index)
        throw new DockerfileError(step.line, `COPY --from=${raw}: stage ${n} is not an earlier stage`);
      step.from = { kind: 'stage', index: n };
    } else if (stages.some((s) => s.name === word.toLowerCase()) || word === '')
      throw new DockerfileError(step.line, `COPY --from=${raw}: names this stage or a later one`);
    else step.from = { kind: 'image', ref: word };
  }
}

function pickTarget(stages: Stage[], target: string | undefined): number {
  if (target === undefined) return stages.length - 1;
  const t = stages.find((s) => s.name === target.toLowerCase());
  if (!t) {
    const names = stages.flatMap((s) => s.name ?? []);
    throw new DockerfileError(
      stages[0]!.line,
      `target stage "${target}" could not be found`,
      names.length ? `stages: ${names.join(', ')}` : 'no stage is named: name one with FROM IMAGE AS NAME',
    );
  }
  return t.index;
}

/** The stages TARGET needs, dependencies first. */
function needed(stages: Stage[], target: number): number[] {
  const seen = new Set<number>();
  const visit = (i: number): void => {
    if (seen.has(i)) return;
    seen.add(i);
    const s = stages[i]!;
    if (s.base.kind === 'stage') visit(s.base.index);
    for (const step of s.steps)
      if ((step.kind === 'COPY' || step.kind === 'ADD') && step.from.kind === 'stage') visit(step.from.index);
  };
  visit(target);
  return [...seen].sort((a, b) => a - b);
}

/** Parses and plans TEXT; throws a DockerfileError `Dockerfile:LINE: ...` or naming an unknown target. */
export function planBuild(text: string, opts: PlanOptions = {}): BuildPlan {
  const parsed = parseDockerfile(text);
  const esc = parsed.escape;
  const host = opts.buildPlatform ?? 'linux/amd64';
  const scope: ArgScope = {
    buildArgs: opts.buildArgs ?? {},
    globals: {},
    platform: platformArgs(opts.targetPlatform ?? host, host),
  };
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string | undefined>();
  const declared = new Set<string>();
  for (const ins of parsed.instructions) {
    checkKeyword(ins);
    if (ins.keyword === 'FROM') {
      stages.push(fromStage(ins, stages.length, stages, scope, esc));
      continue;
    }
    const step = stepOf(ins);
    const stage = stages.at(-1);
    if (!stage) {
      if (step.kind !== 'ARG')
        throw new DockerfileError(ins.line, `${ins.keyword} before the first FROM: only ARG may come before FROM`);
      declareArgs(step, globalArgs, { ...scope, globals: {}, declared }, lookupIn(globalArgs), esc);
      scope.globals = Object.fromEntries([...globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
      continue;
    }
    stage.steps.push(step);
  }
  if (stages.length === 0)
    throw new DockerfileError(
      parsed.instructions.at(-1)!.line,
      'no FROM instruction: a Dockerfile must start a stage with FROM',
    );
  for (const s of stages) resolveFrom(s, stages);
  const target = pickTarget(stages, opts.target);
  const order = needed(stages, target);
  const stageArgs = order.flatMap((i) =>
    stages[i]!.steps.flatMap((st) => (st.kind === 'ARG' ? st.args.map((a) => a.name) : [])),
  );
  const used = new Set([...declared, ...stageArgs]);
  return {
    stages,
    target,
    order,
    unusedArgs: Object.keys(scope.buildArgs)
      .filter((k) => !used.has(k) && !PROXY_ARGS.has(k))
      .sort(),
    globalArgs: scope.globals,
    buildArgs: scope.buildArgs,
    platformArgs: scope.platform,
    escape: esc,
    warnings: parsed.warnings,
  };
}
