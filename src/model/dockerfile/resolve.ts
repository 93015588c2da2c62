/**
 * A stage's steps with variables expanded as Docker does, against its base image's config and
 * the build args: only ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR and ARG
 * expand (FROM was expanded by the planner; RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and ONBUILD
 * do not: the shell or the child build does). ENV beats ARG, as the Dockerfile reference says.
 * Pure.
 */
import { type ArgScope, declareArgs, expand, PROXY_ARGS } from './args.js';
import { DockerfileError } from './errors.js';
import { parseDockerfile } from './parser.js';
import { expandWord, expandWords, type Lookup } from './shell-lex.js';
import { stepOf } from './steps.js';
import type { BuildPlan, OciConfig, Step } from './types.js';

/** A stage ready to run. */
export interface ResolvedStage {
  /** Base image ONBUILD triggers first (with `onbuild` set), then the stage's own steps, expanded. */
  steps: Step[];
}

/** Docker's default SHELL on Linux. */
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** The running state of a stage while its steps are expanded. */
class StageEnv {
  env: string[];
  args = new Map<string, string | undefined>();
  shell: string[];
  constructor(base: OciConfig) {
    this.env = [...(base.Env ?? [])];
    this.shell = base.Shell?.length ? [...base.Shell] : DEFAULT_SHELL;
  }
  envValue(name: string): string | undefined {
    for (let i = this.env.length - 1; i >= 0; i--) {
      const e = this.env[i]!;
      const eq = e.indexOf('=');
      if ((eq < 0 ? e : e.slice(0, eq)) === name) return eq < 0 ? '' : e.slice(eq + 1);
    }
    return undefined;
  }
  readonly lookup: Lookup = (name) => this.envValue(name) ?? this.args.get(name);
  /** Replaces KEY in place, or appends it, as Docker's dispatchEnv does. */
  setEnv(key: string, value: string): void {
    const i = this.env.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (i >= 0) this.env[i] = `${key}=${value}`;
    else this.env.push(`${key}=${value}`);
  }
  /**
   * Declared build args with a value: what RUN sees besides the image Env. A proxy arg declared
   * with ARG is one of them (history and cache key show it, as the Dockerfile reference says).
   */
  definedArgs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.args) if (v !== undefined) out[k] = v;
    return out;
  }
}

/**
 * Parses a base image's `OnBuild` triggers into steps, each as its own one-instruction Dockerfile
 * (escape `\\`, heredoc bodies included), as moby's dispatchTriggeredOnBuild does; ONBUILD,
 * FROM and MAINTAINER are refused. Errors name LINE (the FROM's) and the trigger.
 */
export function onbuildSteps(triggers: string[], line = 1): Step[] {
  return triggers.map((trigger) => {
    const first = trigger.split('\n')[0]!;
    const fail = (why: string): never => {
      throw new DockerfileError(line, `base image ONBUILD trigger "${first}": ${why.replace(/^Dockerfile:\d+: /, '')}`);
    };
    try {
      const parsed = parseDockerfile(trigger).instructions;
      if (parsed.length !== 1) fail('an ONBUILD trigger must be a single instruction');
      const ins = parsed[0]!;
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(ins.keyword))
        fail(`${ins.keyword} isn't allowed as an ONBUILD trigger`);
      return { ...stepOf(ins), line, onbuild: trigger };
    } catch (e) {
      if (e instanceof DockerfileError && e.message.includes('base image ONBUILD trigger')) throw e;
      return fail((e as Error).message);
    }
  });
}

function expandStep(step: Step, st: StageEnv, plan: BuildPlan, scope: ArgScope): Step {
  const esc = plan.escape;
  const w = (word: string): string => expand(word, st.lookup, esc, step.line);
  switch (step.kind) {
    case 'RUN': {
      const args = st.definedArgs();
      const env = [...st.env];
      for (const [k, v] of Object.entries(args)) if (st.envValue(k) === undefined) env.push(`${k}=${v}`);
      const proxyEnv = Object.entries(plan.buildArgs)
        .filter(([k]) => PROXY_ARGS.has(k) && !st.args.has(k))
        .map(([k, v]) => `${k}=${v}`);
      return { ...step, shell: [...st.shell], env, args, proxyEnv };
    }
    case 'COPY':
    case 'ADD': {
      const out = { ...step, sources: step.sources.map(w), dest: w(step.dest) };
      if (step.chown !== undefined) out.chown = w(step.chown);
      if (step.chmod !== undefined) out.chmod = w(step.chmod);
      if (step.checksum !== undefined) out.checksum = w(step.checksum);
      out.heredocs = step.heredocs.map((h) =>
        h.expand ? { ...h, content: expandWord(h.content, st.lookup, '\\', undefined, { skipQuotes: true }) } : h,
      );
      return out;
    }
    case 'ENV':
    case 'LABEL':
      return { ...step, pairs: step.pairs.map(([k, v]) => [w(k), w(v)]) };
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
      return { ...step, value: w(step.value) };
    case 'EXPOSE':
      return { ...step, values: step.values.flatMap((v) => expandWordsAt(v, st.lookup, esc, step.line)).sort() };
    case 'VOLUME':
      return { ...step, values: step.values.map(w) };
    case 'CMD':
    case 'ENTRYPOINT':
      return { ...step, value: step.form === 'exec' ? step.command : [...st.shell, ...step.command] };
    case 'ARG':
      declareArgs(step, st.args, scope, st.lookup, esc);
      return step;
    default:
      return step;
  }
}

function expandWordsAt(text: string, lookup: Lookup, esc: string, line: number): string[] {
  try {
    return expandWords(text, lookup, esc);
  } catch (e) {
    throw new DockerfileError(line, (e as Error).message);
  }
}

/**
 * Expands the steps of stage INDEX given BASE, the config of the image or stage it starts from
 * (`{}` for scratch). Throws a DockerfileError naming the line of a bad `${VAR?}` or trigger.
 */
export function resolveStage(plan: BuildPlan, index: number, base: OciConfig): ResolvedStage {
  const stage = plan.stages[index];
  if (!stage) throw new DockerfileError(1, `no stage ${index}`);
  const st = new StageEnv(base);
  const scope: ArgScope = { buildArgs: plan.buildArgs, globals: plan.globalArgs, platform: plan.platformArgs };
  const all = [...onbuildSteps(base.OnBuild ?? [], stage.line), ...stage.steps];
  const steps = all.map((step) => {
    const out = expandStep(step, st, plan, scope);
    if (out.kind === 'ENV') for (const [k, v] of out.pairs) st.setEnv(k, v);
    if (out.kind === 'SHELL') st.shell = [...out.shell];
    return out;
  });
  return { steps };
}
