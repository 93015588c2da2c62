/**
 * Migration: the build cache (issue 26): a step's cache key (its parent image, its text with
 * the args it uses, its files' checksum) to the image that step made, with when it was made
 * and last used. The images live in the image store; a row whose image is gone is a miss.
 */
export const SCHEMA_BUILD_CACHE = `
CREATE TABLE build_cache (
  cache_key  TEXT PRIMARY KEY,
  image_id   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used  TEXT NOT NULL
);
CREATE INDEX build_cache_image ON build_cache(image_id);
`;
