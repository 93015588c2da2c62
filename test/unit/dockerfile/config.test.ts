/**
 * applyStep and historyEntry against Docker's classic builder (moby daemon/builder/dockerfile/
 * dispatchers.go): config changes and `created_by` strings as `docker history --no-trunc` shows them.
 */
import { describe, expect, it } from 'vitest';
import { applyStep, beginStage, historyEntry } from '../../../src/model/dockerfile/config.js';
import { goDuration } from '../../../src/model/dockerfile/go-format.js';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';
import type { OciConfig } from '../../../src/model/dockerfile/types.js';

/** Builds TEXT's only stage on BASE, applying every step; returns the config and created_by lines. */
function build(text: string, base: OciConfig = {}, buildArgs: Record<string, string> = {}) {
  const plan = planBuild(text, { buildArgs });
  let config = beginStage(base);
  let state = { cmdSet: false };
  const history: string[] = [];
  for (const step of resolveStage(plan, 0, base).steps) {
    const r = applyStep(config, step, state);
    ({ config, state } = r);
    history.push(`${r.history.created_by}${r.history.empty_layer ? ' (empty)' : ''}`);
  }
  return { config, history };
}

describe('applyStep: the image config', () => {
  it('merges ENV (replacing a key in place) and LABEL', () => {
    const { config } = build('FROM a\nENV PATH=/x:$PATH A=1\nLABEL a=b "c d"="e f"\n', {
      Env: ['PATH=/bin', 'HOME=/root'],
      Labels: { a: 'old', z: '1' },
    });
    expect(config.Env).toEqual(['PATH=/x:/bin', 'HOME=/root', 'A=1']);
    expect(config.Labels).toEqual({ a: 'b', z: '1', 'c d': 'e f' });
  });
  it('exposes ports with their protocol, ranges expanded', () => {
    const { config } = build('FROM a\nEXPOSE 80 53/udp 8000-8001\n', { ExposedPorts: { '22/tcp': {} } });
    expect(Object.keys(config.ExposedPorts ?? {}).sort()).toEqual([
      '22/tcp',
      '53/udp',
      '80/tcp',
      '8000/tcp',
      '8001/tcp',
    ]);
    expect(() => build('FROM a\nEXPOSE 80/icmp\n')).toThrow(/^Dockerfile:2: EXPOSE: invalid proto "icmp"/);
  });
  it('resolves a relative WORKDIR against the previous one', () => {
    const { config, history } = build('FROM a\nWORKDIR /a\nWORKDIR b\nWORKDIR ../c/./d\n');
    expect(config.WorkingDir).toBe('/a/c/d');
    expect(history).toEqual([
      '/bin/sh -c #(nop) WORKDIR /a (empty)',
      '/bin/sh -c #(nop) WORKDIR /a/b (empty)',
      '/bin/sh -c #(nop) WORKDIR /a/c/d (empty)',
    ]);
  });
  it('ENTRYPOINT clears an inherited CMD, but not one set earlier in the stage', () => {
    expect(build('FROM a\nENTRYPOINT ["/app"]\n', { Cmd: ['sh'] }).config).toMatchObject({
      Entrypoint: ['/app'],
      Cmd: null,
    });
    expect(build('FROM a\nCMD ["x"]\nENTRYPOINT /app\n', { Cmd: ['sh'] }).config).toMatchObject({
      Entrypoint: ['/bin/sh', '-c', '/app'],
      Cmd: ['x'],
    });
  });
  it('wraps shell forms in the SHELL in effect', () => {
    const { config } = build('FROM a\nSHELL ["/bin/bash", "-c"]\nCMD echo hi\n');
    expect(config).toMatchObject({ Shell: ['/bin/bash', '-c'], Cmd: ['/bin/bash', '-c', 'echo hi'] });
  });
  it('sets USER, VOLUME, STOPSIGNAL, ONBUILD; consumes the base ONBUILD triggers', () => {
    const { config } = build(
      'FROM a\nUSER app:app\nVOLUME ["/data", "/logs"]\nSTOPSIGNAL SIGQUIT\nONBUILD RUN make\n',
      {
        OnBuild: ['RUN true'],
      },
    );
    expect(config).toMatchObject({
      User: 'app:app',
      Volumes: { '/data': {}, '/logs': {} },
      StopSignal: 'SIGQUIT',
      OnBuild: ['RUN make'],
    });
    expect(() => build('FROM a\nSTOPSIGNAL SIGFOO\n')).toThrow('Dockerfile:2: STOPSIGNAL: invalid signal "SIGFOO"');
  });
  it('sets HEALTHCHECK with durations in ns, and NONE', () => {
    const h = build(
      'FROM a\nHEALTHCHECK --interval=30s --timeout=3s --start-period=1m --start-interval=500ms --retries=3 CMD curl -f http://localhost/\n',
    );
    expect(h.config.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost/'],
      Interval: 30e9,
      Timeout: 3e9,
      StartPeriod: 60e9,
      StartInterval: 5e8,
      Retries: 3,
    });
    expect(h.history[0]).toBe(
      '/bin/sh -c #(nop)  HEALTHCHECK &{Test:[CMD-SHELL curl -f http://localhost/] Interval:30s Timeout:3s StartPeriod:1m0s StartInterval:500ms Retries:3} (empty)',
    );
    expect(build('FROM a\nHEALTHCHECK NONE\n', { Healthcheck: { Test: ['CMD', 'x'] } }).config.Healthcheck).toEqual({
      Test: ['NONE'],
    });
  });
});

describe('historyEntry: created_by as the classic builder writes it', () => {
  it('metadata steps are #(nop) empty layers', () => {
    const { history } = build(
      'FROM a\nENV X=y\nLABEL a=b\nEXPOSE 80\nUSER u\nVOLUME /v\nCMD ["a", "b c"]\nENTRYPOINT top -b\nSHELL ["/bin/bash", "-c"]\nARG Q=1\nMAINTAINER me\nONBUILD RUN x\n',
    );
    expect(history).toEqual([
      '/bin/sh -c #(nop)  ENV X=y (empty)',
      '/bin/sh -c #(nop)  LABEL a=b (empty)',
      '/bin/sh -c #(nop)  EXPOSE 80 (empty)',
      '/bin/sh -c #(nop)  USER u (empty)',
      '/bin/sh -c #(nop)  VOLUME [/v] (empty)',
      '/bin/sh -c #(nop)  CMD ["a" "b c"] (empty)',
      '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c" "top -b"] (empty)',
      '/bin/sh -c #(nop)  SHELL [/bin/bash -c] (empty)',
      '/bin/bash -c #(nop)  ARG Q=1 (empty)',
      '/bin/bash -c #(nop)  MAINTAINER me (empty)',
      '/bin/bash -c #(nop)  ONBUILD RUN x (empty)',
    ]);
  });
  it('RUN shows the build args in scope as |N K=V, sorted, proxies and ENV-shadowed ones left out', () => {
    const { history } = build(
      'FROM a\nARG B=2 A=1 C=3\nENV C=env\nRUN make\nRUN ["make", "x"]\n',
      {},
      { HTTP_PROXY: 'p' },
    );
    expect(history.slice(2)).toEqual(['|2 A=1 B=2 /bin/sh -c make', '|2 A=1 B=2 make x']);
    expect(build('FROM a\nRUN make\n').history).toEqual(['/bin/sh -c make']);
  });
  it('COPY/ADD name the source hash and destination', () => {
    const step = resolveStage(planBuild('FROM a\nCOPY --chown=1:1 a b /dst/\n'), 0, {}).steps[0]!;
    expect(historyEntry({}, step, 'multi:abc').created_by).toBe(
      '/bin/sh -c #(nop) COPY --chown=1:1 multi:abc in /dst/ ',
    );
  });
  it('formats durations as Go does', () => {
    expect([0, 1, 1500, 2e6, 1.5e9, 60e9, 90e9, 3600e9, 3723e9].map(goDuration)).toEqual([
      '0s',
      '1ns',
      '1.5µs',
      '2ms',
      '1.5s',
      '1m0s',
      '1m30s',
      '1h0m0s',
      '1h2m3s',
    ]);
  });
});
