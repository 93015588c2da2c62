/**
 * Rows redrawn in place on a terminal, one per key (a layer), as `docker pull` and `docker
 * push` draw them: the cursor moves up over the rows drawn last, each row is cleared and
 * written again. Redraws are at most every 100 ms unless forced (a state change), so a
 * stream of byte counts does not flood the terminal.
 */

/** A set of terminal rows redrawn in place on OUT. */
export class LiveRows {
  private readonly rows = new Map<string, string>();
  private drawn = 0;
  private last = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Sets KEY's row to TEXT (a new key adds a row at the bottom) and redraws. */
  set(key: string, text: string, force: boolean): void {
    this.rows.set(key, text);
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const up = this.drawn ? `\x1b[${this.drawn}A` : '';
    this.out.write(`${up}${[...this.rows.values()].map((r) => `\x1b[2K${r}\n`).join('')}`);
    this.drawn = this.rows.size;
  }
}
