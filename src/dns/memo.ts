/**
 * The hot path's shortcut: a container's UDP answers from the zone, kept by the query's
 * bytes after its ID (flags, question, EDNS: everything the answer depends on but the ID),
 * so a repeated question is answered without decoding or encoding a packet: a copy of the
 * answer with the new ID. Only answers from the zone go in (never forwarded ones, whose TTLs
 * age), and the server clears every memo when the zone changes, so none outlives its data.
 */

/** Entries per container at most; a full memo starts again empty. */
export const MEMO_ENTRIES = 512;

/** The shortest query worth keeping: a 12-byte header and a question. */
const HEADER = 12;

/** One container's memo. */
export class AnswerMemo {
  private readonly answers = new Map<string, Buffer>();

  private static key(query: Buffer): string | undefined {
    return query.length > HEADER ? query.toString('latin1', 2) : undefined;
  }

  /** The kept answer to `query` with `query`'s ID, or undefined. */
  get(query: Buffer): Buffer | undefined {
    const key = AnswerMemo.key(query);
    const kept = key === undefined ? undefined : this.answers.get(key);
    if (!kept) return undefined;
    const out = Buffer.allocUnsafe(kept.length);
    kept.copy(out);
    out[0] = query[0]!;
    out[1] = query[1]!;
    return out;
  }

  /** Keeps `answer` to `query`. */
  put(query: Buffer, answer: Buffer): void {
    const key = AnswerMemo.key(query);
    if (key === undefined) return;
    if (this.answers.size >= MEMO_ENTRIES) this.answers.clear();
    this.answers.set(key, answer);
  }

  /** Forgets everything (the zone changed). */
  clear(): void {
    this.answers.clear();
  }
}
