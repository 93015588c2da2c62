// Several processes on one state database at once, and one killed inside a transaction.
// The workers (test/unit/store/worker.mjs) run the compiled store from dist/, built here
// when it is missing or older than the sources.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POOLS } from '../../src/model/pools.js';
import { Store } from '../../src/store/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const worker = join(repo, 'test/unit/store/worker.mjs');
const built = join(repo, 'dist/store/index.js');

function newestSource(): number {
  const dirs = ['src/store', 'src/model'].map((d) => join(repo, d));
  const files = [join(repo, 'src/errors.ts'), ...dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)))];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

function distIsFresh(): boolean {
  return existsSync(built) && statSync(built).mtimeMs >= newestSource();
}

interface Run {
  child: ChildProcess;
  lines: string[];
  /** Resolves when the worker has printed `line`. */
  printed(line: string): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const running: ChildProcess[] = [];

function start(...args: string[]): Run {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  running.push(child);
  const lines: string[] = [];
  let stderr = '';
  let waiters: { line: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter((l) => l !== ''));
    waiters = waiters.filter((w) => (lines.includes(w.line) ? (w.resolve(), false) : true));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const printed = (line: string) =>
    Promise.race([
      new Promise<void>((resolve) => (lines.includes(line) ? resolve() : waiters.push({ line, resolve }))),
      done.then((d) => {
        throw new Error(`worker ${args.join(' ')} exited (${d.code ?? d.signal}) before "${line}": ${d.stderr}`);
      }),
    ]);
  return { child, lines, printed, done };
}

let root: string;

beforeAll(() => {
  // test/build.ts (global setup) builds dist/ before any test runs.
  if (!distIsFresh()) throw new Error('dist/ is missing or older than src/: run the tests with npm test');
}, 200_000);

afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('concurrent commands', () => {
  it('8 processes allocating 25 addresses each from one /24 get 200 distinct ones, none lost', async () => {
    root = mkdtempSync(join(tmpdir(), 'netctl-conc-'));
    const setup = Store.open({ root });
    const net = setup.networks.create({ name: 'busy', subnet: '10.77.0.0/24' });
    setup.close();

    const runs = Array.from({ length: 8 }, (_, i) => start('alloc', root, net.id, '25', `w${i}`));
    await Promise.all(runs.map((r) => r.printed('ready')));
    for (const r of runs) r.child.stdin!.end('go\n');
    const results = await Promise.all(runs.map((r) => r.done));
    for (const res of results) expect(res).toEqual({ code: 0, signal: null, stderr: '' });

    const byWorker = runs.map((r) => JSON.parse(r.lines[1]!) as string[]);
    const all = byWorker.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    // Lowest free first and nothing lost: together they are exactly .2 to .201.
    const expected = Array.from({ length: 200 }, (_, i) => `10.77.0.${i + 2}`);
    expect([...all].sort()).toEqual([...expected].sort());

    const check = Store.open({ root });
    const owners = new Map(check.ipam.list(net.id).map((a) => [a.address, a.owner]));
    check.close();
    byWorker.forEach((addrs, i) => addrs.forEach((a) => expect(owners.get(a)).toBe(`w${i}`)));
    expect(owners.size).toBe(201);
  }, 60_000);

  it('8 processes creating networks on a fresh root migrate it once and get distinct pools', async () => {
    root = mkdtempSync(join(tmpdir(), 'netctl-conc-'));
    const state = join(root, 'state');
    const runs = Array.from({ length: 8 }, (_, i) => start('create', state, `net${i}`));
    await Promise.all(runs.map((r) => r.printed('ready')));
    for (const r of runs) r.child.stdin!.end('go\n');
    const results = await Promise.all(runs.map((r) => r.done));
    for (const res of results) expect(res).toEqual({ code: 0, signal: null, stderr: '' });
    const subnets = runs.map((r) => r.lines[1]);
    expect([...subnets].sort()).toEqual(DEFAULT_POOLS.slice(0, 8).sort());
  }, 60_000);
});

describe('a command killed inside a transaction', () => {
  it('leaves the previous state, and the next open works', async () => {
    root = mkdtempSync(join(tmpdir(), 'netctl-kill-'));
    const before = Store.open({ root });
    const net = before.networks.create({ name: 'n', subnet: '10.66.0.0/24' });
    before.ipam.allocate(net.id, { owner: 'survivor' });

    const run = start('hang', root, net.id);
    await run.printed('in-tx');
    // Uncommitted work is invisible to a reader while the writer is alive...
    expect(before.containers.get('doomed')).toBeUndefined();
    before.close();
    run.child.kill('SIGKILL');
    expect(await run.done).toMatchObject({ code: null, signal: 'SIGKILL' });

    // ...and gone after it dies; a short busy timeout proves no lock was left behind.
    const after = Store.open({ root, busyTimeoutMs: 1000 });
    try {
      expect(after.containers.get('doomed')).toBeUndefined();
      expect(after.ipam.list(net.id).map((a) => [a.address, a.owner])).toEqual([
        ['10.66.0.1', 'gateway'],
        ['10.66.0.2', 'survivor'],
      ]);
      expect(after.ipam.allocate(net.id, { owner: 'next' })).toBe('10.66.0.3');
    } finally {
      after.close();
    }
    const raw = new Database(join(root, 'netctl.db'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  }, 60_000);
});
