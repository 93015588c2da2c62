/** The build cache's rows: step cache key to the image it made (see schema-build-cache.ts). */
import type { Db } from './db.js';
import { now } from './lookup.js';

/** One cache entry. */
export interface BuildCacheEntry {
  key: string;
  imageId: string;
  createdAt: string;
  lastUsed: string;
}

interface Row {
  cache_key: string;
  image_id: string;
  created_at: string;
  last_used: string;
}

const entry = (r: Row): BuildCacheEntry => ({
  key: r.cache_key,
  imageId: r.image_id,
  createdAt: r.created_at,
  lastUsed: r.last_used,
});

/** Build cache entries. */
export class BuildCacheRepo {
  constructor(private readonly db: Db) {}

  /** The entry of KEY, or undefined. */
  get(key: string): BuildCacheEntry | undefined {
    const r = this.db.prepare('SELECT * FROM build_cache WHERE cache_key = ?').get(key) as Row | undefined;
    return r ? entry(r) : undefined;
  }

  /** Records that KEY made IMAGE_ID (insert or replace), used now. */
  put(key: string, imageId: string): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO build_cache (cache_key, image_id, created_at, last_used) VALUES (?, ?, ?, ?)
         ON CONFLICT(cache_key) DO UPDATE SET image_id = excluded.image_id, last_used = excluded.last_used`,
      )
      .run(key, imageId, t, t);
  }

  /** Marks KEY used now. */
  touch(key: string): void {
    this.db.prepare('UPDATE build_cache SET last_used = ? WHERE cache_key = ?').run(now(), key);
  }

  /** Every entry, oldest use first. */
  list(): BuildCacheEntry[] {
    return (this.db.prepare('SELECT * FROM build_cache ORDER BY last_used').all() as Row[]).map(entry);
  }

  /** Deletes the entries of KEYS. */
  delete(keys: string[]): void {
    const del = this.db.prepare('DELETE FROM build_cache WHERE cache_key = ?');
    for (const k of keys) del.run(k);
  }

  /** Deletes the entries pointing at IMAGE_ID (the image is gone). */
  forgetImage(imageId: string): void {
    this.db.prepare('DELETE FROM build_cache WHERE image_id = ?').run(imageId);
  }
}
