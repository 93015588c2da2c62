import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/firewall/ufw/block.js';

/** Applies a unified diff made by unifiedDiff, checking every context and removed line. */
function applyPatch(oldText: string, patch: string): string {
  const src = oldText.split(/(?<=\n)/).filter((l) => l !== '');
  const lines = patch.split('\n');
  const out: string[] = [];
  let pos = 0;
  let i = 2;
  let last: 'old' | 'new' | 'both' = 'both';
  const take = (kind: string, text: string): void => {
    if (kind === '+') {
      out.push(`${text}\n`);
      last = 'new';
      return;
    }
    expect(src[pos]?.replace(/\n$/, ''), `line ${pos + 1}`).toBe(text);
    if (kind === ' ') out.push(src[pos]!);
    last = kind === ' ' ? 'both' : 'old';
    pos++;
  };
  while (i < lines.length && lines[i] !== '') {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    expect(m, lines[i]).not.toBeNull();
    const start = Number(m![1]) - (m![2] === '0' ? 0 : 1);
    while (pos < start) out.push(src[pos++]!);
    i++;
    while (i < lines.length && /^[ +\-\\]/.test(lines[i]!)) {
      const l = lines[i]!;
      if (l.startsWith('\\')) {
        if (last !== 'old') out[out.length - 1] = out[out.length - 1]!.replace(/\n$/, '');
      } else take(l[0]!, l.slice(1));
      i++;
    }
  }
  while (pos < src.length) out.push(src[pos++]!);
  return out.join('');
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function mutate(lines: string[], rnd: () => number): string[] {
  const out = [...lines];
  const edits = Math.floor(rnd() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const r = rnd();
    if (r < 0.4 && out.length > 0) out.splice(at, 1);
    else if (r < 0.7) out.splice(at, 0, `new ${Math.floor(rnd() * 5)}`);
    else if (out.length > 0) out[Math.min(at, out.length - 1)] = `changed ${Math.floor(rnd() * 3)}`;
  }
  return out;
}

describe('unifiedDiff', () => {
  it('prints what diff -u prints for a known case (two hunks, no newline at the end)', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    const b = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn';
    expect(unifiedDiff(a, b, 'f')).toBe(
      '--- f\n+++ f\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n\\ No newline at end of file\n',
    );
  });

  it('merges changes less than seven lines apart into one hunk', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const b = 'A\nb\nc\nd\ne\nf\ng\nH\ni\nj\n';
    expect(unifiedDiff(a, b, 'f')).toBe(
      '--- f\n+++ f\n@@ -1,10 +1,10 @@\n-a\n+A\n b\n c\n d\n e\n f\n g\n-h\n+H\n i\n j\n',
    );
  });

  it('is empty for equal texts and handles empty files', () => {
    expect(unifiedDiff('x\n', 'x\n', 'f')).toBe('');
    expect(unifiedDiff('', 'a\nb\n', 'f')).toBe('--- f\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '', 'f')).toBe('--- f\n+++ f\n@@ -1 +0,0 @@\n-a\n');
  });

  it('shows a line that only gains its line break', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'f')).toBe(
      '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
  });

  it('an appended block is one hunk of additions after three lines of context', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join('');
    const d = unifiedDiff(a, `${a}\n# BEGIN netctl\nx\n# END netctl\n`, '/etc/ufw/after.rules');
    expect(d).toBe(
      '--- /etc/ufw/after.rules\n+++ /etc/ufw/after.rules\n@@ -18,3 +18,7 @@\n line 18\n line 19\n line 20\n+\n+# BEGIN netctl\n+x\n+# END netctl\n',
    );
  });

  it('is a correct patch for hundreds of random edits', () => {
    const rnd = random(7);
    for (let n = 0; n < 400; n++) {
      const base = Array.from({ length: Math.floor(rnd() * 30) }, () => `l${Math.floor(rnd() * 8)}`);
      const next = mutate(base, rnd);
      const eol = (l: string[], end: boolean): string => (l.length === 0 ? '' : l.join('\n') + (end ? '\n' : ''));
      const a = eol(base, rnd() < 0.8);
      const b = eol(next, rnd() < 0.8);
      const patch = unifiedDiff(a, b, 'f');
      if (a === b) expect(patch).toBe('');
      else expect(applyPatch(a, patch), `case ${n}\n${patch}`).toBe(b);
    }
  });

  it('stays a correct patch past the edit limit', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}\n`).join('');
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}\n`).join('');
    expect(applyPatch(a, unifiedDiff(a, b, 'f'))).toBe(b);
  });

  it('diffs only the changed window, with the same output as the whole diff', () => {
    const rnd = random(11);
    for (let n = 0; n < 400; n++) {
      // Few distinct lines: shared ends and repeats that a window could cut wrongly.
      const base = Array.from({ length: Math.floor(rnd() * 40) }, () => ['x', 'y', '', 'x y'][Math.floor(rnd() * 4)]!);
      const next = mutate(base, rnd);
      const eol = (l: string[], end: boolean): string => (l.length === 0 ? '' : l.join('\n') + (end ? '\n' : ''));
      const a = eol(base, rnd() < 0.8);
      const b = eol(next, rnd() < 0.8);
      expect(unifiedDiff(a, b, 'f'), `case ${n}`).toBe(unifiedDiff(a, b, 'f', true));
    }
  });

  it('diffs long texts (shared ends compared a chunk at a time) as the whole diff does', () => {
    const rnd = random(12);
    for (let n = 0; n < 20; n++) {
      const base = Array.from(
        { length: 1500 + Math.floor(rnd() * 1500) },
        () => ['xx', 'y', '', 'x y'][Math.floor(rnd() * 4)]!,
      );
      const next = mutate(base, rnd);
      const a = `${base.join('\n')}\n`;
      const b = `${next.join('\n')}\n`;
      expect(unifiedDiff(a, b, 'f'), `case ${n}`).toBe(unifiedDiff(a, b, 'f', true));
    }
  });

  it('numbers a change deep in a long file as the whole diff does', () => {
    const a = Array.from({ length: 10_000 }, (_, i) => `rule ${i}\n`).join('');
    const b = a.replace('rule 7000\n', '').replace('rule 9998\n', 'rule 9998\nnew\n');
    expect(unifiedDiff(a, b, 'f')).toBe(unifiedDiff(a, b, 'f', true));
    expect(unifiedDiff(a, b, 'f')).toContain('@@ -6998,7 +6998,6 @@');
  });
});
