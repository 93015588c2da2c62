/**
 * State files and credentials are 0600 whatever the umask: the database and its -wal/-shm
 * (container environments hold secrets), the intent journal's entries, the rules cache and
 * the registry credentials; files an older netctl left wider are narrowed when next written.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDb } from '../../../src/store/db.js';
import { Store } from '../../../src/store/index.js';
import { setCredentials } from '../../../src/registry/auth-file.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netctl-modes-'));
  // The widest umask: nothing may rely on it.
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

it('the database, its -wal and -shm, and journal entries are 0600', () => {
  const store = new Store(openDb({ root: dir }));
  store.journal.begin({ id: 'abc', pid: process.pid, started: new Date().toISOString(), steps: [] });
  const files = readdirSync(dir).filter((f) => f !== 'journal');
  expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
  for (const f of files) expect(mode(join(dir, f)), f).toBe('600');
  expect(mode(join(dir, 'journal', 'abc.json'))).toBe('600');
  store.close();
});

it("an older database's 0644 files are narrowed when next opened", () => {
  openDb({ root: dir }).close();
  const files = readdirSync(dir).map((f) => join(dir, f));
  for (const f of files) chmodSync(f, 0o644);
  const db = openDb({ root: dir });
  for (const f of readdirSync(dir)) expect(mode(join(dir, f)), f).toBe('600');
  db.close();
});

it('registry credentials are 0600, also over a 0644 file', async () => {
  const file = join(dir, 'auth.json');
  writeFileSync(file, '{"auths":{}}\n', { mode: 0o644 });
  await setCredentials(file, 'registry.example:5000', { username: 'u', password: 'secret' });
  expect(mode(file)).toBe('600');
});
