/**
 * The effect side of the build display: BuildEvents that keep a ProgressStep state and
 * redraw the running step in place on a terminal (every 100 ms while it runs, so its time moves).
 */
import type { BuildEvents } from '../../ops/build.js';
import { liveLines, type ProgressStep, addOutput, stepLine } from './build-progress.js';

/**
 * A terminal display on OUT; `done()` prints the last step's line and stops the clock,
 * `done(true)` (a failed build) leaves the failed step's output on the screen. SERVICE names
 * a compose service in each step's line.
 */
export function buildTty(
  out: NodeJS.WritableStream & { columns?: number },
  warn: (l: string) => void,
  service?: string,
): BuildEvents & { done(failed?: boolean): void } {
  let cur: ProgressStep | undefined;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const width = () => out.columns ?? 0;
  const erase = () => (drawn ? `\x1b[${drawn}A\x1b[J` : '');
  const draw = () => {
    last = Date.now();
    const lines = liveLines(cur, last, width());
    out.write(`${erase()}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines.length;
  };
  // A finished step keeps its heading line; its output goes, as BuildKit's does.
  const finish = () => {
    if (!cur) return;
    out.write(`${erase()}${stepLine(cur, Date.now(), width())}\n`);
    drawn = 0;
    cur = undefined;
  };
  return {
    step(e) {
      finish();
      cur = { ...e, started: Date.now(), output: [], ...(service ? { service } : {}) };
      if (e.cached) return finish();
      draw();
      timer ??= setInterval(() => cur && draw(), 100);
      timer.unref();
    },
    output(e) {
      if (!cur) return;
      addOutput(cur, e);
      // a chatty RUN redraws at most every 50 ms; the timer shows the rest
      if (Date.now() - last >= 50) draw();
    },
    warn(l) {
      out.write(erase());
      drawn = 0;
      warn(l);
      if (cur) draw();
    },
    done(failed = false) {
      if (timer) clearInterval(timer);
      if (!failed) return finish();
      draw();
      drawn = 0;
    },
  };
}
