import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';

describe('the intent journal', () => {
  let root: string;
  let store: Store;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'netctl-journal-'));
    store = Store.open({ root });
  });
  afterEach(() => {
    store.close();
    rmSync(root, { recursive: true, force: true });
  });
  const entry = (id: string) => ({ id, pid: 1, started: 'now', steps: ['create bridge "x"'], removing: ['c1'] });

  it('reports an entry whose transaction never committed, and forgets one that did', async () => {
    const j = store.journal;
    expect(j.any()).toBe(false);
    j.begin(entry('aaaaaaaaaaaaaaaa'));
    // Killed before COMMIT: the marker rolled back with the rest.
    await store
      .locked(async () => {
        j.commit('aaaaaaaaaaaaaaaa');
        throw new Error('killed');
      })
      .catch(() => undefined);
    expect(j.any()).toBe(true);
    expect(store.tx(() => j.interrupted())).toEqual([entry('aaaaaaaaaaaaaaaa')]);
    // Committed, its process died before removing the file: removed by the next reader.
    j.begin(entry('bbbbbbbbbbbbbbbb'));
    store.tx(() => j.commit('bbbbbbbbbbbbbbbb'));
    expect(store.tx(() => j.interrupted()).map((e) => e.id)).toEqual(['aaaaaaaaaaaaaaaa']);
    expect(readdirSync(j.dir)).toEqual(['aaaaaaaaaaaaaaaa.json']);
    j.end('aaaaaaaaaaaaaaaa');
    expect(j.any()).toBe(false);
  });

  it('drops an entry torn by a kill while it was written (no step had run)', () => {
    store.journal.begin(entry('cccccccccccccccc'));
    writeFileSync(join(store.journal.dir, 'cccccccccccccccc.json'), '{"id":"cc');
    expect(store.tx(() => store.journal.interrupted())).toEqual([]);
    expect(store.journal.any()).toBe(false);
  });
});
