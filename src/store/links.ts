/**
 * Legacy `--link` records: container, the linked container's name, the alias. The target
 * is kept by name and resolved when used, as Docker does; removing the linking container
 * removes its links (foreign key).
 */
import type { Db } from './db.js';

/** One link of a container. */
export interface LinkRecord {
  /** The linking container's id. */
  containerId: string;
  /** The linked container's name. */
  target: string;
  alias: string;
}

interface LinkRow {
  container_id: string;
  target: string;
  alias: string;
}

const toLink = (r: LinkRow): LinkRecord => ({ containerId: r.container_id, target: r.target, alias: r.alias });

/** Link records. */
export class LinkRepo {
  constructor(private readonly db: Db) {}

  /** Records a link; an alias already used by the container replaces the old target. */
  add(l: LinkRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO links (container_id, target, alias) VALUES (?, ?, ?)')
      .run(l.containerId, l.target, l.alias);
  }

  /** Every link, or one container's, in the order they were made. */
  list(containerId?: string): LinkRecord[] {
    const rows =
      containerId === undefined
        ? this.db.prepare('SELECT * FROM links ORDER BY rowid').all()
        : this.db.prepare('SELECT * FROM links WHERE container_id = ? ORDER BY rowid').all(containerId);
    return (rows as LinkRow[]).map(toLink);
  }
}
