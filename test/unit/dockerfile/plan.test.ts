/** planBuild and resolveStage: stages, target, ARG/ENV scoping, errors naming the line. */
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';
import type { CopyStep, RunStep, Step } from '../../../src/model/dockerfile/types.js';

const MULTI = `# syntax=docker/dockerfile:1
ARG GO=1.22
FROM golang:\${GO} AS build
COPY . /src
RUN make
FROM debian AS tools
RUN apt-get install -y curl
FROM busybox AS final
COPY --from=build /src/app /app
COPY --from=0 /src/README /
FROM final AS test
RUN /app --test
`;

const run = (steps: Step[], i: number): RunStep => steps[i] as RunStep;

describe('planBuild: multi-stage', () => {
  it('expands FROM with global args, names stages, builds only what the target needs, in order', () => {
    const p = planBuild(MULTI, { target: 'final' });
    expect(p.stages.map((s) => [s.index, s.name, s.base])).toEqual([
      [0, 'build', { kind: 'image', ref: 'golang:1.22' }],
      [1, 'tools', { kind: 'image', ref: 'debian' }],
      [2, 'final', { kind: 'image', ref: 'busybox' }],
      [3, 'test', { kind: 'stage', index: 2 }],
    ]);
    expect(p.target).toBe(2);
    expect(p.order).toEqual([0, 2]);
    expect((p.stages[2]!.steps[0] as CopyStep).from).toEqual({ kind: 'stage', index: 0 });
    expect((p.stages[2]!.steps[1] as CopyStep).from).toEqual({ kind: 'stage', index: 0 });
    expect(planBuild(MULTI).order).toEqual([0, 2, 3]);
    expect(planBuild(MULTI, { buildArgs: { GO: '1.21' } }).stages[0]!.base).toEqual({
      kind: 'image',
      ref: 'golang:1.21',
    });
  });
  it('names an unknown target and lists the stages', () => {
    expect(() => planBuild(MULTI, { target: 'nope' })).toThrow('target stage "nope" could not be found');
  });
  it('takes COPY --from=image and scratch', () => {
    const p = planBuild('FROM scratch\nCOPY --from=nginx:1 /etc/nginx /etc/nginx\n');
    expect(p.stages[0]!.base).toEqual({ kind: 'scratch' });
    expect((p.stages[0]!.steps[0] as CopyStep).from).toEqual({ kind: 'image', ref: 'nginx:1' });
  });
  it('refuses COPY --from of the stage itself or a later one', () => {
    expect(() => planBuild('FROM a AS x\nCOPY --from=x / /\n')).toThrow(/^Dockerfile:2: COPY --from=x/);
    expect(() => planBuild('FROM a\nCOPY --from=1 / /\nFROM b\n')).toThrow(/^Dockerfile:2: /);
  });
  it('reports --build-arg values no ARG declares, proxies excepted', () => {
    const p = planBuild('ARG A\nFROM x\nARG B\n', { buildArgs: { A: '1', B: '2', C: '3', HTTP_PROXY: 'h' } });
    expect(p.unusedArgs).toEqual(['C']);
  });
});

describe('planBuild: errors name the line and the token', () => {
  const cases: [string, RegExp][] = [
    ['FROM a\nFOO bar\n', /^Dockerfile:2: unknown instruction "FOO"$/],
    ['RUN x\n', /^Dockerfile:1: RUN before the first FROM/],
    ['ARG X\n', /^Dockerfile:1: no FROM instruction/],
    ['FROM a\nRUN --mount=type=cache,target=/x make\n', /^Dockerfile:2: RUN --mount .* not supported/],
    ['FROM a\nRUN --network=none make\n', /^Dockerfile:2: RUN --network is not supported/],
    ['FROM a\nCOPY --frm=b x y\n', /^Dockerfile:2: unknown flag "--frm" for COPY$/],
    ['FROM a\nCOPY x\n', /^Dockerfile:2: COPY requires at least two arguments/],
    ['FROM a b\n', /^Dockerfile:1: FROM requires either one or three arguments/],
    ['FROM a AS 1x\n', /^Dockerfile:1: invalid name for build stage: "1x"/],
    ['FROM a\nRUN \\\n', /^Dockerfile:2: RUN requires at least one argument/],
    ['FROM a\nHEALTHCHECK --interval=xs CMD true\n', /^Dockerfile:2: invalid --interval "xs"/],
    ['FROM a\nHEALTHCHECK FOO x\n', /^Dockerfile:2: unknown type "FOO" in HEALTHCHECK/],
    ['FROM a\nONBUILD ONBUILD RUN x\n', /^Dockerfile:2: chaining ONBUILD/],
    ['FROM a\nONBUILD FROM b\n', /^Dockerfile:2: FROM isn't allowed as an ONBUILD trigger/],
    ['FROM a\nONBUILD MAINTAINER b\n', /^Dockerfile:2: MAINTAINER isn't allowed/],
    ['FROM a\nSHELL /bin/bash -c\n', /^Dockerfile:2: SHELL requires the arguments to be in JSON form/],
    ['FROM a\nCMD ["a", 1]\n', /^Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only/],
    ['FROM a\nRUN <<EOF\necho\n', /^Dockerfile:2: unterminated heredoc "EOF"/],
    ['# escape=x\nFROM a\n', /^Dockerfile:1: invalid escape token 'x'/],
    ['# just a comment\n', /^Dockerfile:1: file with no instructions/],
    ['FROM a\nENV X\n', /^Dockerfile:2: ENV must have two arguments/],
    [
      'ARG S=a\nFROM x AS a\nFROM y\nCOPY --from=$S / /\n',
      /^Dockerfile:4: variable expansion is not supported for --from/,
    ],
    ['FROM ${X:?needX}\n', /^Dockerfile:1: failed to process "\$\{X:\?needX\}": X: needX/],
  ];
  for (const [text, re] of cases) it(JSON.stringify(text), () => expect(() => planBuild(text)).toThrow(re));
});

describe('resolveStage: expansion and scoping', () => {
  it('ARG before FROM is usable only in FROM unless redeclared', () => {
    const p = planBuild('ARG V=1\nFROM a:$V\nRUN echo\nENV A=$V\nARG V\nENV B=$V\n');
    const s = resolveStage(p, 0, {}).steps;
    expect(s[1]).toMatchObject({ kind: 'ENV', pairs: [['A', '']] });
    expect(s[3]).toMatchObject({ kind: 'ENV', pairs: [['B', '1']] });
  });
  it('--build-arg beats the default, ENV beats ARG, ENV pairs see the values before the line', () => {
    const p = planBuild('FROM a\nARG X=def\nENV Y=$X\nENV X=env\nENV Z=$X W=$Z\n', { buildArgs: { X: 'cli' } });
    const s = resolveStage(p, 0, { Env: ['Z=base'] }).steps;
    expect(s[1]).toMatchObject({ pairs: [['Y', 'cli']] });
    expect(s[3]).toMatchObject({
      pairs: [
        ['Z', 'env'],
        ['W', 'base'],
      ],
    });
  });
  it('uses the base image Env', () => {
    const p = planBuild('FROM golang\nWORKDIR $GOPATH/src\n');
    expect(resolveStage(p, 0, { Env: ['GOPATH=/go'] }).steps[0]).toMatchObject({ value: '/go/src' });
  });
  it('gives RUN its shell, env, args; proxies stay out of args', () => {
    const p = planBuild('FROM a\nARG A=1\nSHELL ["/bin/bash", "-ec"]\nRUN echo $A\n', {
      buildArgs: { HTTP_PROXY: 'http://p:3128' },
    });
    const r = run(resolveStage(p, 0, { Env: ['PATH=/bin'] }).steps, 2);
    expect(r).toMatchObject({
      shell: ['/bin/bash', '-ec'],
      command: ['echo $A'],
      env: ['PATH=/bin', 'A=1'],
      args: { A: '1' },
      proxyEnv: ['HTTP_PROXY=http://p:3128'],
    });
  });
  it('sets TARGETPLATFORM and friends, in FROM and once declared in a stage', () => {
    const p = planBuild(
      'FROM --platform=$BUILDPLATFORM a:$TARGETARCH\nARG TARGETOS TARGETARCH\nENV O=$TARGETOS/$TARGETARCH\n',
      {
        targetPlatform: 'linux/arm64',
        buildPlatform: 'linux/amd64',
      },
    );
    expect(p.stages[0]).toMatchObject({ platform: 'linux/amd64', base: { ref: 'a:arm64' } });
    expect(resolveStage(p, 0, {}).steps[1]).toMatchObject({ pairs: [['O', 'linux/arm64']] });
  });
  it('does not expand RUN, CMD, HEALTHCHECK, ONBUILD; splits EXPOSE words', () => {
    const p = planBuild('FROM a\nENV P="80 443/udp"\nEXPOSE $P\nCMD echo $P\nONBUILD RUN echo $P\n');
    const s = resolveStage(p, 0, {}).steps;
    expect(s[1]).toMatchObject({ values: ['443/udp', '80'] });
    expect(s[2]).toMatchObject({ value: ['/bin/sh', '-c', 'echo $P'] });
    expect(s[3]).toMatchObject({ trigger: 'RUN echo $P' });
  });
  it('runs base ONBUILD triggers first, marked with their text', () => {
    const p = planBuild('FROM app-base\nRUN make\n');
    const s = resolveStage(p, 0, { OnBuild: ['COPY . /app', 'RUN cd /app && make deps'] }).steps;
    expect(s.map((x) => [x.kind, x.onbuild])).toEqual([
      ['COPY', 'COPY . /app'],
      ['RUN', 'RUN cd /app && make deps'],
      ['RUN', undefined],
    ]);
    expect(() => resolveStage(p, 0, { OnBuild: ['ONBUILD RUN x'] })).toThrow(
      /^Dockerfile:1: base image ONBUILD trigger "ONBUILD RUN x": ONBUILD isn't allowed/,
    );
  });
  it('expands an unquoted COPY heredoc body, keeping its quotes; a quoted one not', () => {
    const p = planBuild('FROM a\nARG N=x\nCOPY <<EOF <<"RAW" /d/\nn="$N"\nEOF\n$N\nRAW\n');
    const c = resolveStage(p, 0, {}).steps[1] as CopyStep;
    expect(c.sources).toEqual([]);
    expect(c.heredocs.map((h) => [h.name, h.content])).toEqual([
      ['EOF', 'n="x"\n'],
      ['RAW', '$N\n'],
    ]);
  });
});

describe('ONBUILD triggers with heredocs', () => {
  it('a trigger keeps its heredoc body, as ONBUILD stored it', () => {
    const parent = planBuild('FROM a\nONBUILD RUN <<EOF\necho from-trigger\nEOF\n');
    const onbuild = parent.stages[0]!.steps[0]!;
    expect(onbuild).toMatchObject({ kind: 'ONBUILD', trigger: 'RUN <<EOF\necho from-trigger\nEOF' });
    const child = resolveStage(planBuild('FROM parent\n\n\nRUN x\n'), 0, {
      OnBuild: [(onbuild as { trigger: string }).trigger],
    });
    expect(child.steps[0]).toMatchObject({
      kind: 'RUN',
      line: 1,
      heredocs: [{ name: 'EOF', content: 'echo from-trigger\n' }],
    });
  });
});

describe('RUN environment order', () => {
  it('ENV replaces a base variable in place, as Docker does', () => {
    const p = planBuild('FROM a\nENV PATH=/x:$PATH\nRUN make\n');
    expect((resolveStage(p, 0, { Env: ['PATH=/bin', 'HOME=/root'] }).steps[1] as RunStep).env).toEqual([
      'PATH=/x:/bin',
      'HOME=/root',
    ]);
  });
});
