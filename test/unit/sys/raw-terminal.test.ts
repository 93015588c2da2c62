import { describe, expect, it } from 'vitest';
import { enterRawTerminal } from '../../../src/sys/raw-terminal.js';

/** A terminal's raw flag and OPOST as the fake's calls leave them, with the calls in order. */
function fakeTerminal(opost = true, failOpost = false) {
  const calls: string[] = [];
  const state = { raw: false, opost };
  const stdin = {
    isTTY: true as const,
    setRawMode(on: boolean) {
      calls.push(`raw ${on}`);
      state.raw = on;
      return this as never;
    },
  };
  const setOpost = (fd: number, on: boolean): boolean => {
    calls.push(`opost ${fd} ${on}`);
    if (failOpost) throw Object.assign(new Error('tcgetattr "fd 1": Inappropriate ioctl'), { code: 'ENOTTY' });
    const was = state.opost;
    state.opost = on;
    return was;
  };
  return { calls, state, stdin, setOpost };
}

describe('enterRawTerminal', () => {
  it('clears OPOST of the output terminal and restores it before leaving raw mode, once', () => {
    const t = fakeTerminal();
    const restore = enterRawTerminal({ stdin: t.stdin, stdout: { isTTY: true, fd: 1 } }, t.setOpost);
    expect(t.state).toEqual({ raw: true, opost: false });
    restore();
    restore();
    expect(t.state).toEqual({ raw: false, opost: true });
    expect(t.calls).toEqual(['raw true', 'opost 1 false', 'opost 1 true', 'raw false']);
  });

  it('leaves OPOST off when it was off, and an output that is no terminal alone', () => {
    const off = fakeTerminal(false);
    enterRawTerminal({ stdin: off.stdin, stdout: { isTTY: true, fd: 1 } }, off.setOpost)();
    expect(off.state).toEqual({ raw: false, opost: false });
    const piped = fakeTerminal();
    enterRawTerminal({ stdin: piped.stdin, stdout: { isTTY: false, fd: 1 } }, piped.setOpost)();
    expect(piped.calls).toEqual(['raw true', 'raw false']);
  });

  it('leaves raw mode again when OPOST cannot be changed', () => {
    const t = fakeTerminal(true, true);
    expect(() => enterRawTerminal({ stdin: t.stdin, stdout: { isTTY: true, fd: 1 } }, t.setOpost)).toThrow(/fd 1/);
    expect(t.state.raw).toBe(false);
  });
});
