/**
 * What `netctl build` shows on a terminal, as BuildKit does: each finished step one line
 * (`CACHED` or its time), the running step redrawn in place with its elapsed time and the
 * last lines of its RUN output under it. Pure: a state and a clock in, lines out.
 */

/** A RUN output entry as the display needs it: a line, or a piece of one (`p`). */
export interface OutputPiece {
  l: string;
  p?: boolean;
}

/** One step as the display knows it. */
export interface ProgressStep {
  stage: number;
  n: number;
  total: number;
  text: string;
  cached: boolean;
  /** When it started (ms). */
  started: number;
  /** Its output lines so far (the last piece may be unfinished). */
  output: string[];
  /** The last output line is a piece, still open. */
  open?: boolean;
  /** The compose service built (`=> [web 1 2/4] ...`, as compose shows BuildKit's steps). */
  service?: string;
}

/** How many lines of a running step's output show under it. */
export const OUTPUT_TAIL = 6;

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** The heading line of a step: `=> [stage n/total] TEXT  CACHED|1.2s`. */
export function stepLine(s: ProgressStep, now: number, width = 0): string {
  const tail = s.cached ? 'CACHED' : seconds(now - s.started);
  let head = `=> [${s.service ? `${s.service} ` : ''}${s.stage} ${s.n}/${s.total}] ${s.text.replace(/\s*\n\s*/g, ' ')}`;
  const room = width - tail.length - 2;
  if (width > 0 && head.length > room) head = `${head.slice(0, Math.max(8, room - 3))}...`;
  return `${head}  ${tail}`;
}

/** The live lines of the running step: its heading, then its last output lines. */
export function liveLines(s: ProgressStep | undefined, now: number, width = 0): string[] {
  if (!s) return [];
  const out = s.output.slice(-OUTPUT_TAIL).map((l) => {
    const line = `   ${l}`;
    return width > 0 && line.length > width ? line.slice(0, width) : line;
  });
  return [stepLine(s, now, width), ...out];
}

/** Adds an output entry to a step's lines (a piece without its newline continues on the next). */
export function addOutput(s: ProgressStep, e: OutputPiece): void {
  const text = e.l.replace(/\r/g, '');
  if (s.open && s.output.length > 0) s.output[s.output.length - 1] += text;
  else s.output.push(text);
  s.open = e.p === true;
  if (s.output.length > OUTPUT_TAIL * 4) s.output.splice(0, s.output.length - OUTPUT_TAIL);
}
