/**
 * A real terminal for TUI tests: a tmux server of the test file's own inside its sandbox
 * (`tmux -L`: /tmp, where tmux keeps its socket, is shared with the other files' sandboxes,
 * so a shared default server would let one file's session or kill-server hit another's).
 */
import type { Sandbox } from '../../harness/sandbox.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Tmux {
  private readonly argv: string[];

  constructor(
    private readonly sb: Sandbox,
    name: string,
  ) {
    this.argv = ['tmux', '-L', `${name}-${process.pid}`];
  }

  /** Runs a tmux command on this server; throws on failure. */
  run(...args: string[]): Promise<string> {
    return this.sb.sh([...this.argv, ...args]);
  }

  /** Runs a tmux command on this server; its exit code and output, never throws. */
  exec(...args: string[]): ReturnType<Sandbox['exec']> {
    return this.sb.exec([...this.argv, ...args]);
  }

  /** Starts `command` in a detached session of the given size. */
  start(session: string, cols: number, rows: number, command: string): Promise<string> {
    return this.run('new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), command);
  }

  /** The session's screen as text (`-e`: with its SGR attributes). */
  async screen(session = 'tui', withAttributes = false): Promise<string> {
    return (await this.exec('capture-pane', ...(withAttributes ? ['-e'] : []), '-p', '-t', session)).stdout;
  }

  /** Waits (`ms` at most) until the screen matches; throws with the last screen otherwise. */
  async waitFor(re: RegExp, ms = 15_000, session = 'tui'): Promise<string> {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = await this.screen(session);
      if (re.test(s)) return s;
      await sleep(200);
    }
    throw new Error(`screen never matched ${re}:\n${s}`);
  }

  /**
   * Presses keys one at a time: an Escape that reaches Ink in the same read as a `/` is
   * dropped by Ink's key parser (it reports a bare `/`), as a human's typing never does.
   */
  async keys(session: string, ...k: string[]): Promise<void> {
    for (const key of k) {
      await this.run('send-keys', '-t', session, key);
      await sleep(150);
    }
  }

  /** Waits (10 s at most) until the session has ended; false if it is still there. */
  async gone(session: string): Promise<boolean> {
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      if ((await this.exec('has-session', '-t', session)).code !== 0) return true;
      await sleep(200);
    }
    return false;
  }

  /** Stops this server and every session on it. */
  async close(): Promise<void> {
    await this.exec('kill-server');
  }
}
