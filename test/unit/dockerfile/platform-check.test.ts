/** Platforms a build makes: the host's only; proxy args declared with ARG are ordinary args. */
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import {
  buildPlatformOf,
  checkStagePlatforms,
  normalizePlatform,
} from '../../../src/model/dockerfile/platform-check.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';
import { applyStep, beginStage } from '../../../src/model/dockerfile/config.js';
import type { RunStep } from '../../../src/model/dockerfile/types.js';

const HOST = 'linux/amd64';

describe('normalizePlatform', () => {
  it('fills the parts left out and folds aliases as containerd does', () => {
    expect(normalizePlatform('amd64', HOST)).toBe('linux/amd64');
    expect(normalizePlatform('linux', HOST)).toBe('linux/amd64');
    expect(normalizePlatform('Linux/x86_64', HOST)).toBe('linux/amd64');
    expect(normalizePlatform('linux/aarch64/v8', HOST)).toBe('linux/arm64/v8');
    expect(normalizePlatform('linux/amd64/v2/x', HOST)).toBeUndefined();
    expect(normalizePlatform('linux/', HOST)).toBeUndefined();
  });
});

describe('buildPlatformOf', () => {
  it("takes the host's platform in any spelling", () => {
    expect(buildPlatformOf('linux/amd64', HOST)).toBe('linux/amd64');
    expect(buildPlatformOf('x86_64', HOST)).toBe('linux/amd64');
  });
  it('refuses a foreign, multiple or malformed platform in one line naming it', () => {
    expect(() => buildPlatformOf('linux/arm64', HOST)).toThrow(
      `--platform "linux/arm64": netctl builds for this host's platform only (linux/amd64); it runs no emulator`,
    );
    expect(() => buildPlatformOf('windows/amd64', HOST)).toThrow(/"windows\/amd64".*only \(linux\/amd64\)/);
    expect(() => buildPlatformOf('linux/amd64,linux/arm64', HOST)).toThrow(/builds one platform/);
    expect(() => buildPlatformOf('a b', HOST)).toThrow('invalid --platform "a b"');
  });
});

describe('checkStagePlatforms', () => {
  const plan = (text: string, target?: string) =>
    planBuild(text, { targetPlatform: HOST, buildPlatform: HOST, ...(target ? { target } : {}) });
  it('takes $BUILDPLATFORM, $TARGETPLATFORM and the host spelled out', () => {
    const p = plan('FROM --platform=$BUILDPLATFORM a\nFROM --platform=$TARGETPLATFORM b\nFROM --platform=amd64 c\n');
    expect(() => checkStagePlatforms(p, HOST)).not.toThrow();
  });
  it('refuses a foreign stage the target needs, naming its line; an unneeded one is left alone', () => {
    const text = 'FROM a AS ok\nFROM --platform=linux/arm64 b AS arm\nFROM c AS fin\nCOPY --from=arm /x /x\n';
    expect(() => checkStagePlatforms(plan(text), HOST)).toThrow(
      "Dockerfile:2: FROM --platform=linux/arm64: netctl builds for this host's platform only (linux/amd64)",
    );
    expect(() => checkStagePlatforms(plan(text, 'ok'), HOST)).not.toThrow();
  });
});

describe('proxy args', () => {
  const run = (text: string, buildArgs: Record<string, string>) => {
    const p = planBuild(text, { buildArgs });
    const steps = resolveStage(p, 0, {}).steps;
    const r = steps.find((s): s is RunStep => s.kind === 'RUN')!;
    let state = { cmdSet: false };
    let config = beginStage({});
    let created = '';
    for (const s of steps)
      ({
        config,
        state,
        history: { created_by: created },
      } = applyStep(config, s, state));
    return { r, created };
  };
  it('an undeclared one reaches RUN only through proxyEnv, out of args and history', () => {
    const { r, created } = run('FROM a\nRUN env\n', { HTTP_PROXY: 'http://p:3128', no_proxy: 'lan' });
    expect(r.proxyEnv).toEqual(['HTTP_PROXY=http://p:3128', 'no_proxy=lan']);
    expect(r.args).toEqual({});
    expect(created).toBe('/bin/sh -c env');
  });
  it('one declared with ARG is an ordinary arg: in env, args and history, not twice', () => {
    const { r, created } = run('FROM a\nARG HTTP_PROXY\nRUN env\n', { HTTP_PROXY: 'http://p:3128' });
    expect(r.proxyEnv).toEqual([]);
    expect(r.args).toEqual({ HTTP_PROXY: 'http://p:3128' });
    expect(r.env).toContain('HTTP_PROXY=http://p:3128');
    expect(created).toBe('|1 HTTP_PROXY=http://p:3128 /bin/sh -c env');
  });
});
