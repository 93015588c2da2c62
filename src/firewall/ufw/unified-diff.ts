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

function hunk(ops: Op[], a: string[], b: string[], skip: number): string {
  const first = ops[0]!;
  const aLen = ops.filter((o) => o.kind !== '+').length;
  const bLen = ops.filter((o) => o.kind !== '-').length;
  const body = ops.map((o) => lineOut(o.kind, o.kind === '+' ? b[o.b]! : a[o.a]!)).join('');
  return `@@ -${range(skip + first.a, aLen)} +${range(skip + first.b, bLen)} @@\n${body}`;
}

/** Whether `i` starts a line of `t`. */
function lineStart(t: string, i: number): boolean {
  return i === 0 || t.charCodeAt(i - 1) === 10;
}

/** The start of the line `n` lines before the one starting at `i`. */
function linesBack(t: string, i: number, n: number): number {
  let at = i;
  for (let k = 0; k < n && at > 0; k++) at = at < 2 ? 0 : t.lastIndexOf('\n', at - 2) + 1;
  return at;
}

/** The start of the line `n` lines after the one starting at `i` (the text's end at most). */
function linesOn(t: string, i: number, n: number): number {
  let at = i;
  for (let k = 0; k < n && at < t.length; k++) {
    const nl = t.indexOf('\n', at);
    at = nl < 0 ? t.length : nl + 1;
  }
  return at;
}

/**
 * Characters compared a chunk at a time (a string comparison) before one at a time: the diff
 * runs once per command, so a loop over a file of 1 MB one character a time ran unoptimized
 * (~50 ms of `netctl allow`'s CPU beside 5,000 rules).
 */
const CHUNK = 4096;

/** How many characters `a` and `b` share at their start (at most `max`). */
function sharedPrefix(a: string, b: string, max: number): number {
  let p = 0;
  while (p + CHUNK <= max && a.slice(p, p + CHUNK) === b.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** How many characters `a` and `b` share at their end (at most `max`). */
function sharedSuffix(a: string, b: string, max: number): number {
  let s = 0;
  const tail = (t: string, n: number): string => t.slice(t.length - n - CHUNK, t.length - n);
  while (s + CHUNK <= max && tail(a, s) === tail(b, s)) s += CHUNK;
  while (s < max && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return s;
}

/**
 * The part of both texts a diff has to look at: whole lines both share at the start and at
 * the end are left out, but for the context lines a hunk shows. A change to a file of
 * 10,000 lines (ufw's user rules beside 5,000 allow rules) is then diffed in a few lines.
 */
function window(a: string, b: string): { skip: number; a: string; b: string } {
  const min = Math.min(a.length, b.length);
  const p = sharedPrefix(a, b, min);
  const start = p === 0 ? 0 : linesBack(a, a.lastIndexOf('\n', p - 1) + 1, CONTEXT);
  const s = sharedSuffix(a, b, min - p);
  let aEnd = a.length - s;
  // The shared end starts at a line start in both texts, or at the next one.
  if (!lineStart(a, aEnd) || !lineStart(b, b.length - s)) aEnd = linesOn(a, aEnd, 1);
  aEnd = linesOn(a, aEnd, CONTEXT);
  const bEnd = b.length - (a.length - aEnd);
  let skip = 0;
  for (let i = a.indexOf('\n'); i >= 0 && i < start; i = a.indexOf('\n', i + 1)) skip++;
  return { skip, a: a.slice(start, aEnd), b: b.slice(start, bEnd) };
}

/**
 * The unified diff turning `oldText` into `newText`, both files named `path`; the empty
 * string when they are equal. A last line without a line break is marked as `diff` does.
 * `whole` diffs every line (what the window must not change: the tests compare both).
 */
export function unifiedDiff(oldText: string, newText: string, path: string, whole = false): string {
  if (oldText === newText) return '';
  const w = whole ? { skip: 0, a: oldText, b: newText } : window(oldText, newText);
  const a = splitLines(w.a);
  const b = splitLines(w.b);
  const ops = editScript(a, b);
  const hunks = hunkRanges(ops).map(([s, e]) => hunk(ops.slice(s, e + 1), a, b, w.skip));
  return `--- ${path}\n+++ ${path}\n${hunks.join('')}`;
}
