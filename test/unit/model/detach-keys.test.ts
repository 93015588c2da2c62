import { describe, expect, it } from 'vitest';
import { DetachScanner, parseDetachKeys } from '../../../src/model/detach-keys.js';

describe('detach keys', () => {
  it('parses Docker spellings', () => {
    expect(parseDetachKeys('ctrl-p,ctrl-q')).toEqual([0x10, 0x11]);
    expect(parseDetachKeys('ctrl-a')).toEqual([1]);
    expect(parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')).toEqual([0x61, 0, 27, 31]);
    expect(parseDetachKeys('CTRL-Z')).toEqual([26]);
  });
  it('refuses bad keys in one line', () => {
    expect(() => parseDetachKeys('ctrl-1')).toThrow(/invalid detach keys "ctrl-1": "ctrl-1"/);
    expect(() => parseDetachKeys('esc')).toThrow(/invalid detach keys/);
    expect(() => parseDetachKeys('')).toThrow(/invalid detach keys/);
  });
  it('finds the sequence across chunks and passes everything else on', () => {
    const s = new DetachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
    expect(s.feed(Buffer.from('ab\x10'))).toEqual({ forward: Buffer.from('ab'), detach: false });
    expect(s.feed(Buffer.from('\x11zz'))).toEqual({ forward: Buffer.from(''), detach: true });
  });
  it('lets a broken sequence through, restarting on its first key', () => {
    const s = new DetachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
    expect(s.feed(Buffer.from('\x10x'))).toEqual({ forward: Buffer.from('\x10x'), detach: false });
    expect(s.feed(Buffer.from('\x10\x10\x11'))).toEqual({ forward: Buffer.from('\x10'), detach: true });
  });
});
