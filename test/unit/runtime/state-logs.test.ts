import { describe, expect, it } from 'vitest';
import { parseState } from '../../../src/runtime/state.js';
import { entryText, parseLogLines } from '../../../src/runtime/logs.js';
import { configFromOci } from '../../../src/runtime/image-config.js';

describe('launcher state', () => {
  const doc = {
    version: 1,
    status: 'exited',
    monitorPid: 10,
    pid: 11,
    restartCount: 2,
    startedAt: '2024-05-01T10:00:00.000Z',
    finishedAt: '2024-05-01T10:00:01.000Z',
    exitCode: 137,
    signal: 9,
    error: null,
  };

  it('parses what the launcher writes', () => {
    expect(parseState(JSON.stringify(doc))).toEqual({ ...doc, version: undefined, error: null } as unknown);
  });

  it.each([
    ['an unknown status', { ...doc, status: 'paused' }],
    ['another version', { ...doc, version: 2 }],
    ['no monitor pid', { ...doc, monitorPid: 0 }],
  ])('refuses %s', (_, bad) => {
    expect(() => parseState(JSON.stringify(bad))).toThrow('not a netctl launcher state file');
  });
});

describe('log lines', () => {
  it('parses records, skips a torn last line, and restores the text', () => {
    const text = [
      '{"t":"2024-05-01T10:00:00.000Z","s":"stdout","l":"hello \\"x\\"\\u0001"}',
      '{"t":"2024-05-01T10:00:00.001Z","s":"stderr","l":"no newline","p":true}',
      '{"t":"2024-05-01T10:00:00.002Z","s":"std',
    ].join('\n');
    const entries = parseLogLines(text);
    expect(entries.map((e) => [e.s, entryText(e)])).toEqual([
      ['stdout', 'hello "x"\u0001\n'],
      ['stderr', 'no newline'],
    ]);
  });
});

describe('image config', () => {
  it('takes the run defaults from an OCI config and adds a PATH only when missing', () => {
    const doc = {
      architecture: 'arm64',
      os: 'linux',
      config: {
        Cmd: ['nginx'],
        Entrypoint: null,
        Env: ['A=1'],
        WorkingDir: '',
        User: '101',
        ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8080': {} },
        Labels: { a: 'b', n: 1 },
      },
    };
    expect(configFromOci(doc)).toEqual({
      architecture: 'arm64',
      os: 'linux',
      config: {
        cmd: ['nginx'],
        user: '101',
        labels: { a: 'b' },
        exposedPorts: ['53/udp', '80/tcp', '8080/tcp'],
        env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1'],
      },
    });
    expect(configFromOci({ config: { Env: ['PATH=/x'] } }).config.env).toEqual(['PATH=/x']);
  });
});
