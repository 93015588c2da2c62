/**
 * The intent journal: what a command is about to do to the kernel, written before its first
 * step and removed once its transaction has committed, so that the next command finds the
 * changes of one that was killed half-way and repairs them (engine/recover.ts) before its own.
 *
 * A journal entry is a file, `<root>/journal/<id>.json`, because it must outlive a database
 * transaction that rolls back; the database holds only the id of the last transaction that
 * committed (schema-journal.ts), written inside that transaction. So an entry is finished
 * exactly when its id is the committed one, whatever moment the process died at. Files are
 * read only under the write lock: no other command is then between its journal and COMMIT.
 * No fsync: the journal guards against a killed process, whose written pages the kernel
 * keeps; a power loss also takes the kernel state away, and the boot replays the database.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';

/** One transaction's intent. */
export interface JournalEntry {
  /** Random hex, also given to the processes it starts as NETCTL_TX. */
  id: string;
  pid: number;
  started: string;
  /** The steps it was about to run, for messages. */
  steps: string[];
  /** Containers (and CNI attachments) it was removing: a recovery finishes their removal. */
  removing?: string[];
}

const NAME = /^[0-9a-f]{16,64}\.json$/;

/** The journal of one state root. */
export class Journal {
  constructor(
    private readonly db: Db,
    /** The directory of the journal files. */
    readonly dir: string,
  ) {}

  private names(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => NAME.test(n));
    } catch {
      return [];
    }
  }

  /** Whether any entry is present: a cheap look before taking the lock. */
  any(): boolean {
    return this.names().length > 0;
  }

  /** The id of the last transaction that committed. */
  committed(): string | undefined {
    return (this.db.prepare('SELECT id FROM tx_committed').get() as { id: string } | undefined)?.id;
  }

  /**
   * Call under the write lock: the entries of transactions that never committed. The file
   * of one that committed (its process died before removing it) is removed here.
   */
  interrupted(): JournalEntry[] {
    const done = this.committed();
    const out: JournalEntry[] = [];
    for (const name of this.names()) {
      const path = join(this.dir, name);
      let entry: JournalEntry | undefined;
      try {
        entry = JSON.parse(readFileSync(path, 'utf8')) as JournalEntry;
      } catch {
        // Torn by a kill during its write, before any step ran: nothing to repair for it.
        entry = undefined;
      }
      if (!entry || entry.id === done) rmSync(path, { force: true });
      else out.push(entry);
    }
    return out;
  }

  /** Writes an entry (before the first kernel step). */
  begin(entry: JournalEntry): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, `${entry.id}.json`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /** Marks the transaction committed: call inside it, just before COMMIT. */
  commit(id: string): void {
    this.db
      .prepare('INSERT INTO tx_committed (one, id) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET id = ?')
      .run(id, id);
  }

  /** Removes an entry's file (once committed, or repaired). */
  end(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }
}
