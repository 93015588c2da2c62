/**
 * Reading and following a container log file the way the launcher writes it (a real file in
 * a temporary directory): --tail across read chunks, and -f with lines written in pieces.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLogs, readLogs, type LogEntry } from '../../src/runtime/logs.js';

let dir: string;
let file: string;

const line = (l: string, s = 'stdout'): string => `${JSON.stringify({ t: '2024-05-01T10:00:00.000Z', s, l })}\n`;

beforeEach(() => {
  dir = mkdtempSync(`${tmpdir()}/netctl-logs-`);
  file = `${dir}/container.log`;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readLogs', () => {
  it('reads all entries, or the last N even when they span read chunks', async () => {
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => line(`line ${i} ${'x'.repeat(i % 50)}`)).join(''));
    expect((await readLogs(file)).length).toBe(5000);
    expect((await readLogs(file, { tail: 3 })).map((e) => e.l.split(' ').slice(0, 2).join(' '))).toEqual([
      'line 4997',
      'line 4998',
      'line 4999',
    ]);
    expect((await readLogs(file, { tail: 2000 }))[0]!.l).toMatch(/^line 3000 /);
    expect(await readLogs(file, { tail: 0 })).toEqual([]);
    expect(await readLogs(`${dir}/missing.log`)).toEqual([]);
  });
});

describe('followLogs', () => {
  it('prints the tail, then new entries as they come, and ends when told the container is done', async () => {
    writeFileSync(file, line('old 1') + line('old 2'));
    const seen: LogEntry[] = [];
    const steps = [
      () => appendFileSync(file, line('new 1', 'stderr')),
      () => appendFileSync(file, line('torn in two').slice(0, 20)),
      () => appendFileSync(file, line('torn in two').slice(20)),
      () => appendFileSync(file, line('new 2')),
    ];
    let step = 0;
    await followLogs(
      file,
      {
        tail: 1,
        intervalMs: 5,
        // Each poll writes the next piece; the container is done after the last one.
        done: async () => {
          if (step < steps.length) steps[step++]!();
          return step >= steps.length;
        },
      },
      (e) => seen.push(e),
    );
    expect(seen.map((e) => `${e.s}:${e.l}`)).toEqual([
      'stdout:old 2',
      'stderr:new 1',
      'stdout:torn in two',
      'stdout:new 2',
    ]);
  });

  it('stops when aborted', async () => {
    writeFileSync(file, line('only'));
    const ac = new AbortController();
    const seen: string[] = [];
    const following = followLogs(file, { signal: ac.signal, intervalMs: 5 }, (e) => seen.push(e.l));
    ac.abort();
    await following;
    expect(seen).toEqual(['only']);
  });
});
