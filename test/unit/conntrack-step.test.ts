import { describe, expect, it } from 'vitest';
import { conntrackArgv, conntrackStep } from '../../src/engine/conntrack.js';
import type { ExecOptions, ExecResult, Runner } from '../../src/sys/exec.js';

function recorder(): { runner: Runner; runs: string[] } {
  const runs: string[] = [];
  return {
    runs,
    runner: {
      run: async (argv: readonly string[], _opts?: ExecOptions): Promise<ExecResult> => {
        runs.push(argv.join(' '));
        return { code: 1, stdout: '', stderr: '0 flow entries have been deleted.' };
      },
    },
  };
}

describe('conntrack step', () => {
  it('flushes through the addon, one call per address, and runs no tool', async () => {
    const { runner, runs } = recorder();
    const flushed: string[] = [];
    await conntrackStep(['10.1.0.2', 'fd00::2'], runner, async (ip) => {
      flushed.push(ip);
      return 1;
    }).apply();
    expect(flushed).toEqual(['10.1.0.2', 'fd00::2']);
    expect(runs).toEqual([]);
  });

  it('falls back to the conntrack tool where the addon cannot (no ctnetlink), and a failing tool is no error', async () => {
    const { runner, runs } = recorder();
    await conntrackStep(['10.1.0.2', 'fd00::2'], runner, () =>
      Promise.reject(new Error('socket "ctnetlink": Protocol not supported')),
    ).apply();
    expect(runs).toEqual([conntrackArgv('10.1.0.2').join(' '), conntrackArgv('fd00::2').join(' ')]);
    expect(runs[1]).toContain('-f ipv6');
  });
});
