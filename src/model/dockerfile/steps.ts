/**
 * Parsed instructions to typed steps, with buildkit's checks (instructions/parse.go): flags each
 * instruction takes, argument counts, HEALTHCHECK options, ONBUILD triggers. Words stay as
 * written; resolve.ts expands them. Pure.
 */
import { messageOf } from '../../errors.js';
import { parseDuration } from '../health.js';
import { DockerfileError } from './errors.js';
import type { Instruction } from './parser.js';
import type { CommandStep, CopyStep, HealthcheckStep, Step } from './types.js';

/** Flags each instruction takes (`true`: a boolean flag). Anything else is refused, naming it. */
const FLAGS: Record<string, Record<string, 'string' | 'bool'>> = {
  FROM: { platform: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool' },
  ADD: { chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string' },
  HEALTHCHECK: {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  },
};

/** Flags Docker has that netctl refuses, with why. */
const UNSUPPORTED: Record<string, string> = {
  'RUN --mount': 'RUN --mount (cache, secret, ssh and bind mounts) is not supported by netctl build',
  'RUN --network': 'RUN --network is not supported: give --network to netctl build for every RUN step',
  'RUN --security': 'RUN --security is not supported by netctl build',
  'COPY --parents': 'COPY --parents is not supported by netctl build',
  'COPY --exclude': 'COPY --exclude is not supported by netctl build',
  'ADD --exclude': 'ADD --exclude is not supported by netctl build',
  'ADD --unpack': 'ADD --unpack is not supported by netctl build',
};

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** Parses INS's flags against what its keyword takes; throws naming the first bad one. */
export function flagsOf(ins: Instruction): Record<string, string | boolean> {
  const allowed = FLAGS[ins.keyword] ?? {};
  const out: Record<string, string | boolean> = {};
  for (const raw of ins.flags) {
    const m = /^--([^=]*)(?:=([\s\S]*))?$/.exec(raw);
    if (!m) throw new DockerfileError(ins.line, `invalid flag "${raw}" for ${ins.keyword}`);
    const [, name, value] = m as unknown as [string, string, string | undefined];
    const unsupported = UNSUPPORTED[`${ins.keyword} --${name}`];
    if (unsupported) throw new DockerfileError(ins.line, unsupported);
    const kind = allowed[name];
    if (!kind) throw new DockerfileError(ins.line, `unknown flag "--${name}" for ${ins.keyword}`);
    if (name in out) throw new DockerfileError(ins.line, `duplicate flag "--${name}" for ${ins.keyword}`);
    if (kind === 'bool') {
      if (value !== undefined && !['true', 'false'].includes(value.toLowerCase()))
        throw new DockerfileError(ins.line, `expecting boolean value for flag "--${name}", not "${value}"`);
      out[name] = value === undefined || value.toLowerCase() === 'true';
    } else {
      if (value === undefined) throw new DockerfileError(ins.line, `missing a value on flag "--${name}"`);
      out[name] = value;
    }
  }
  return out;
}

/** Throws unless KEYWORD is one Docker knows. */
export function checkKeyword(ins: Instruction): void {
  if (!KEYWORDS.has(ins.keyword))
    throw new DockerfileError(ins.line, `unknown instruction "${ins.original.split(/\s/)[0]}"`);
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*(.+)$/;

function copyStep(ins: Instruction, base: { line: number; original: string }): CopyStep {
  const f = flagsOf(ins);
  if (ins.args.length < 2)
    throw new DockerfileError(
      ins.line,
      `${ins.keyword} requires at least two arguments, but only ${ins.args.length === 1 ? 'one was' : 'none were'} ` +
        'provided. Destination could not be determined',
    );
  const dest = ins.args.at(-1)!;
  if (HEREDOC_WORD.test(dest) && ins.heredocs.length)
    throw new DockerfileError(ins.line, `${ins.keyword} cannot accept a heredoc as a destination`);
  const names = new Set(ins.heredocs.map((h) => h.name));
  const isHeredoc = (w: string): boolean => {
    const m = HEREDOC_WORD.exec(w);
    return !!m && names.has(m[3]!.replace(/^(['"])(.*)\1$/, '$2'));
  };
  const step: CopyStep = {
    ...base,
    kind: ins.keyword as 'COPY' | 'ADD',
    sources: ins.args.slice(0, -1).filter((w) => !isHeredoc(w)),
    dest,
    from: { kind: 'context' },
    link: f.link === true,
    heredocs: ins.heredocs,
  };
  if (typeof f.from === 'string') step.from = { kind: 'image', ref: f.from };
  if (typeof f.chown === 'string') step.chown = f.chown;
  if (typeof f.chmod === 'string') step.chmod = f.chmod;
  if (typeof f.checksum === 'string') step.checksum = f.checksum;
  if (f['keep-git-dir'] === true) step.keepGitDir = true;
  return step;
}

function duration(ins: Instruction, f: Record<string, string | boolean>, name: string): number {
  const v = f[name];
  if (typeof v !== 'string' || v === '') return 0;
  let ns: number;
  try {
    ns = parseDuration(`--${name}`, v);
  } catch (e) {
    throw new DockerfileError(ins.line, messageOf(e));
  }
  if (ns > 0 && ns < 1e6) throw new DockerfileError(ins.line, `Interval "${name}" cannot be less than 1ms`);
  return ns;
}

function healthStep(ins: Instruction, base: { line: number; original: string }): HealthcheckStep {
  if (ins.args.length === 0) throw new DockerfileError(ins.line, 'HEALTHCHECK requires at least one argument');
  const typ = ins.args[0]!.toUpperCase();
  const none = { ...base, kind: 'HEALTHCHECK' as const, interval: 0, timeout: 0, startPeriod: 0, startInterval: 0 };
  if (typ === 'NONE') {
    if (ins.args.length > 1) throw new DockerfileError(ins.line, 'HEALTHCHECK NONE takes no arguments');
    return { ...none, test: ['NONE'], retries: 0 };
  }
  const f = flagsOf(ins);
  if (typ !== 'CMD') throw new DockerfileError(ins.line, `unknown type "${ins.args[0]}" in HEALTHCHECK (try CMD)`);
  const cmd = ins.args.slice(1);
  if (cmd.length === 0) throw new DockerfileError(ins.line, 'missing command after HEALTHCHECK CMD');
  const retriesText = typeof f.retries === 'string' ? f.retries : '';
  const retries = retriesText === '' ? 0 : Number(retriesText);
  if (!/^-?\d+$/.test(retriesText || '0'))
    throw new DockerfileError(ins.line, `invalid --retries "${retriesText}": expected a number`);
  if (retries < 0) throw new DockerfileError(ins.line, `--retries cannot be negative (${retries})`);
  return {
    ...base,
    kind: 'HEALTHCHECK',
    test: ins.json ? ['CMD', ...cmd] : ['CMD-SHELL', ...cmd],
    interval: duration(ins, f, 'interval'),
    timeout: duration(ins, f, 'timeout'),
    startPeriod: duration(ins, f, 'start-period'),
    startInterval: duration(ins, f, 'start-interval'),
    retries,
  };
}

function needArgs(ins: Instruction, exactlyOne = false): void {
  if (ins.args.length === 0 || (exactlyOne && ins.args.length !== 1))
    throw new DockerfileError(
      ins.line,
      `${ins.keyword} requires ${exactlyOne ? 'exactly one argument' : 'at least one argument'}`,
    );
}

function commandStep(ins: Instruction, base: { line: number; original: string }): CommandStep {
  return {
    ...base,
    kind: ins.keyword as 'CMD' | 'ENTRYPOINT',
    form: ins.json ? 'exec' : 'shell',
    command: ins.args,
    value: ins.args,
  };
}

/** ENV, LABEL, ARG and the one-value and list instructions. */
function valueStep(ins: Instruction, base: { line: number; original: string }): Step {
  switch (ins.keyword) {
    case 'ENV':
    case 'LABEL': {
      needArgs(ins);
      const pairs: [string, string][] = [];
      for (let i = 0; i < ins.args.length; i += 3) {
        if (ins.args[i] === '') throw new DockerfileError(ins.line, `${ins.keyword} names can not be blank`);
        pairs.push([ins.args[i]!, ins.args[i + 1]!]);
      }
      return { ...base, kind: ins.keyword, pairs };
    }
    case 'ARG':
      needArgs(ins);
      return {
        ...base,
        kind: 'ARG',
        args: ins.args.map((a) => {
          const i = a.indexOf('=');
          if (i === 0) throw new DockerfileError(ins.line, 'ARG names can not be blank');
          return i < 0 ? { name: a } : { name: a.slice(0, i), default: a.slice(i + 1) };
        }),
      };
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      needArgs(ins, true);
      return { ...base, kind: ins.keyword, value: ins.args[0]! };
    case 'EXPOSE':
    case 'VOLUME':
      needArgs(ins);
      if (ins.keyword === 'VOLUME' && ins.args.some((v) => v.trim() === ''))
        throw new DockerfileError(ins.line, 'VOLUME specified can not be an empty string');
      return { ...base, kind: ins.keyword, values: ins.args.map((v) => v.trim()) };
    default:
      throw new DockerfileError(ins.line, `unknown instruction "${ins.keyword}"`);
  }
}

/** One instruction after FROM as a step (words unexpanded). */
export function stepOf(ins: Instruction): Step {
  checkKeyword(ins);
  const base = { line: ins.line, original: ins.original };
  if (!['COPY', 'ADD', 'HEALTHCHECK'].includes(ins.keyword)) flagsOf(ins);
  switch (ins.keyword) {
    case 'RUN':
      if (ins.args.length === 0 && ins.heredocs.length === 0) needArgs(ins);
      return {
        ...base,
        kind: 'RUN',
        form: ins.json ? 'exec' : 'shell',
        command: ins.args,
        heredocs: ins.heredocs,
        shell: [],
        env: [],
        args: {},
        proxyEnv: [],
      };
    case 'COPY':
    case 'ADD':
      return copyStep(ins, base);
    case 'ENV':
    case 'LABEL':
    case 'ARG':
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
    case 'EXPOSE':
    case 'VOLUME':
      return valueStep(ins, base);
    case 'CMD':
    case 'ENTRYPOINT':
      return commandStep(ins, base);
    case 'SHELL':
      needArgs(ins);
      if (!ins.json) throw new DockerfileError(ins.line, 'SHELL requires the arguments to be in JSON form');
      return { ...base, kind: 'SHELL', shell: ins.args };
    case 'HEALTHCHECK':
      return healthStep(ins, base);
    case 'ONBUILD':
      return onbuildStep(ins, base);
    default:
      throw new DockerfileError(ins.line, `${ins.keyword} is only allowed at the start of a stage`);
  }
}

function onbuildStep(ins: Instruction, base: { line: number; original: string }): Step {
  if (!ins.sub) throw new DockerfileError(ins.line, 'ONBUILD requires at least one argument');
  const t = ins.sub.keyword;
  if (t === 'ONBUILD') throw new DockerfileError(ins.line, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (t === 'MAINTAINER' || t === 'FROM')
    throw new DockerfileError(ins.line, `${t} isn't allowed as an ONBUILD trigger`);
  // The trigger is checked now, as Docker does, so a bad one fails this build, not the child's.
  stepOf(ins.sub);
  let trigger = ins.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const h of ins.sub.heredocs) trigger += `\n${h.content}${h.name}`;
  return { ...base, kind: 'ONBUILD', trigger };
}
