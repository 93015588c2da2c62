/**
 * A small unified diff (`diff -u` format, three lines of context) of two texts, by lines:
 * common prefix and suffix first, Myers' O(ND) shortest edit script on what is left.
 */

/** One step of an edit script, with the positions in both texts before it. */
interface Op {
  kind: ' ' | '-' | '+';
  a: number;
  b: number;
}

const CONTEXT = 3;
// Past this many differences the middle is shown as removed then added: still a correct
// diff, only not the shortest, and Myers' trace would grow with the square of it.
const MAX_EDITS = 4000;

function splitLines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out[out.length - 1] === '' ? out.slice(0, -1) : out;
}

/** The edit script turning a[lo..aHi) into b[lo..bHi) by Myers' greedy algorithm, or undefined if too long. */
function myers(a: string[], b: string[], lo: number, aHi: number, bHi: number): Op[] | undefined {
  const n = aHi - lo;
  const m = bHi - lo;
  const max = Math.min(n + m, MAX_EDITS);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[lo + x] === b[lo + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, off, lo);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], n: number, m: number, off: number, lo: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', a: lo + x, b: lo + y });
    }
    if (d > 0)
      ops.push(x === prevX ? { kind: '+', a: lo + x, b: lo + prevY } : { kind: '-', a: lo + prevX, b: lo + y });
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function replaceAll(lo: number, aHi: number, bHi: number): Op[] {
  const ops: Op[] = [];
  for (let i = lo; i < aHi; i++) ops.push({ kind: '-', a: i, b: lo });
  for (let j = lo; j < bHi; j++) ops.push({ kind: '+', a: aHi, b: j });
  return ops;
}

/** The whole edit script from `a` to `b`. */
function editScript(a: string[], b: string[]): Op[] {
  let lo = 0;
  while (lo < a.length && lo < b.length && a[lo] === b[lo]) lo++;
  let aHi = a.length;
  let bHi = b.length;
  while (aHi > lo && bHi > lo && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
  }
  const head: Op[] = Array.from({ length: lo }, (_, i) => ({ kind: ' ', a: i, b: i }));
  const middle = myers(a, b, lo, aHi, bHi) ?? replaceAll(lo, aHi, bHi);
  const tail: Op[] = Array.from({ length: a.length - aHi }, (_, i) => ({ kind: ' ', a: aHi + i, b: bHi + i }));
  return [...head, ...middle, ...tail];
}

/** Groups of [first, last] op indexes, each a hunk with its context. */
function hunkRanges(ops: Op[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < ops.length; i++) {
    if (ops[i]!.kind === ' ') continue;
    const first = Math.max(0, i - CONTEXT);
    let last = i;
    while (last + 1 < ops.length) {
      let next = last + 1;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - last - 1 <= 2 * CONTEXT) last = next;
      else break;
    }
    const end = Math.min(ops.length - 1, last + CONTEXT);
    out.push([first, end]);
    i = end;
  }
  return out;
}

function range(start: number, length: number): string {
  if (length === 0) return `${start},0`;
  return length === 1 ? `${start + 1}` : `${start + 1},${length}`;
}

function lineOut(prefix: string, line: string): string {
  return line.endsWith('\n') ? `${prefix}${line}` : `${prefix}${line}\n\\ No newline at end of file\n`;
}

function hunk(ops: Op[], a: string[], b: string[]): string {
  const first = ops[0]!;
  const aLen = ops.filter((o) => o.kind !== '+').length;
  const bLen = ops.filter((o) => o.kind !== '-').length;
  const body = ops.map((o) => lineOut(o.kind, o.kind === '+' ? b[o.b]! : a[o.a]!)).join('');
  return `@@ -${range(first.a, aLen)} +${range(first.b, bLen)} @@\n${body}`;
}

/**
 * The unified diff turning `oldText` into `newText`, both files named `path`; the empty
 * string when they are equal. A last line without a line break is marked as `diff` does.
 */
export function unifiedDiff(oldText: string, newText: string, path: string): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = editScript(a, b);
  const hunks = hunkRanges(ops).map(([s, e]) => hunk(ops.slice(s, e + 1), a, b));
  return `--- ${path}\n+++ ${path}\n${hunks.join('')}`;
}
