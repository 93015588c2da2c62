import { describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';
import { NETCTL } from '../harness/sandbox.js';

describe('netctl demo', () => {
  it('walks through the whole story with real requests and every step behaves', async () => {
    const r = await run([process.execPath, NETCTL, 'demo'], { timeoutMs: 110_000 });
    expect(r.stdout).toMatch(/The Docker problem[\s\S]*HTTP 200/);
    expect(r.stdout).toMatch(/closed to the internet now[\s\S]*HTTP 000/);
    expect(r.stdout).toMatch(/Summary: (\d+) of \1 steps behaved as expected/);
    expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(0);
  });
});
