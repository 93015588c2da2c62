/**
 * The TUI's live data, read through ops (the same read model as `netctl rules`, `ps` and
 * `ufw status`): this file decides only when to read again. The rulesets are saved again
 * only when the last save is old enough, and a snapshot is rebuilt only when what it is
 * made of changed.
 */
import {
  type LinkReader,
  type LinkWatch,
  liveInputs,
  liveKey,
  liveSnapshot,
  openLinks,
  saveText,
  watchLinks,
} from '../ops/read.js';
import { stat } from 'node:fs/promises';
import type { Host } from '../ops/host.js';
import { listImages } from '../ops/image.js';
import type { TuiImage, TuiSnapshot } from './snapshot.js';

// What changes when an image is stored, tagged or removed: the images directory, its tag
// index and the layers directory (mtimes); the rows are read again only then.
async function imagesStamp(root: string): Promise<string> {
  const at = (p: string) =>
    stat(p).then(
      (s) => String(s.mtimeMs),
      () => '-',
    );
  return (await Promise.all([`${root}/images`, `${root}/images/index.json`, `${root}/layers`].map(at))).join(',');
}

/** Builds snapshots and tells when a new one is worth taking. */
export class LiveSource {
  private readonly links: LinkReader;
  private watch?: LinkWatch;
  private timer?: NodeJS.Timeout;
  private linkEpoch = 0;
  private saves?: { at: number; texts: Promise<[string, string]> };
  private last?: { key: string; snap: TuiSnapshot };
  private images?: { stamp: string; rows: Promise<TuiImage[]> };

  constructor(private readonly host: Host) {
    this.links = openLinks();
  }

  /** The two rulesets' text, saved again only when the last save is older than `maxAgeMs`. */
  private ruleset(maxAgeMs: number): Promise<[string, string]> {
    const now = Date.now();
    if (!this.saves || now - this.saves.at >= maxAgeMs)
      this.saves = { at: now, texts: Promise.all([saveText(this.host, 4), saveText(this.host, 6)]) };
    return this.saves.texts;
  }

  /**
   * One snapshot of everything; the same object as last time when nothing it is made of
   * changed (an idle screen then renders nothing and parses nothing). The ruleset is saved
   * again only when the last save is older than `rulesMaxAgeMs`: a burst of link events
   * costs no process.
   */
  async snapshot(rulesMaxAgeMs = 0): Promise<TuiSnapshot> {
    const inputs = await liveInputs(this.host, this.ruleset(rulesMaxAgeMs));
    const stamp = await imagesStamp(this.host.paths.root);
    const key = `${liveKey(inputs)}\u0000${this.linkEpoch}\u0000${stamp}`;
    if (this.last?.key === key) return this.last.snap;
    if (this.images?.stamp !== stamp) this.images = { stamp, rows: listImages(this.host).catch(() => []) };
    const live = await liveSnapshot(this.host, inputs, await this.links.listLinks());
    const snap = { ...live, images: await this.images.rows };
    this.last = { key, snap };
    return snap;
  }

  /**
   * Calls `onChange('link')` at once when a link or address changes (netlink push), and
   * `onChange('tick')` every `intervalMs` for the counters (which also picks up database
   * changes).
   */
  start(onChange: (why: 'link' | 'tick') => void, intervalMs = 1000): void {
    this.watch = watchLinks(() => {
      this.linkEpoch++;
      onChange('link');
    });
    this.timer = setInterval(() => onChange('tick'), intervalMs);
  }

  /** Stops the timers and closes the sockets (the database is the host's, closed with it). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.watch?.close();
    this.links.close();
  }
}
