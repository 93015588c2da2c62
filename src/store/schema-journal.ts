/**
 * Migration 4 (crash safety): the id of the last transaction that committed. A command
 * writes a journal file naming its transaction before it touches the kernel, and this row,
 * inside the same database transaction, just before COMMIT. A journal file whose id is not
 * here belongs to a command that never committed: killed, or failed with its rollback
 * incomplete. See store/journal.ts.
 */
export const SCHEMA_JOURNAL = `
CREATE TABLE tx_committed (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id  TEXT NOT NULL
);
`;
