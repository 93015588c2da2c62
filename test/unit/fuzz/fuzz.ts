/**
 * The property tests' shared settings. Every property runs from one seed: FUZZ_SEED (a
 * number, or `random`) or the fixed default, so CI runs the same cases every time and a
 * failure prints the seed and path fast-check needs to replay it. FUZZ_SCALE multiplies the
 * runs and the time budget: the unit project keeps ~0.3 s per property, `npm run fuzz`
 * (FUZZ_SCALE=40) explores further. Inputs that once failed live in
 * test/fixtures/fuzz-corpus/TARGET/ and are replayed on every run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 0x6e6574;

function seed(): number {
  const s = process.env.FUZZ_SEED;
  if (s === undefined || s === '') return DEFAULT_SEED;
  if (s === 'random') return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer or "random", not "${s}"`);
  return n;
}

/** How much longer than the unit default to run (`npm run fuzz` sets FUZZ_SCALE). */
export const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1) || 1);

/** The seed of this run, printed with any failure. */
export const SEED = seed();

/**
 * fast-check parameters: `runs` cases (times SCALE), stopped early after `ms` (times SCALE)
 * so a slow CI machine still finishes in time; an interrupted run passes with the cases it
 * checked (the seed fixes which ones come first).
 */
export function params<T>(runs: number, ms = 300): Parameters<T> {
  return {
    seed: SEED,
    numRuns: runs * SCALE,
    interruptAfterTimeLimit: ms * SCALE,
    markInterruptAsFailure: false,
    endOnFailure: true,
  };
}

/** The vitest timeout for one property: its budget plus room for shrinking. */
export function timeout(ms = 300): number {
  return ms * SCALE + 20_000;
}

const CORPUS = new URL('../../fixtures/fuzz-corpus/', import.meta.url);

/** The saved inputs of one target, as [file name, bytes], sorted by name. */
export function corpus(target: string): [string, Buffer][] {
  const dir = new URL(`${target}/`, CORPUS);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => n !== 'README').map((n) => [n, readFileSync(new URL(n, dir))]);
}

/** Text of fixture files under test/fixtures/DIR (and /work-independent repo paths only). */
export function fixtureTexts(dir: string, ext = ''): string[] {
  const base = new URL(`../../fixtures/${dir}/`, import.meta.url);
  return readdirSync(base)
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((n) => readFileSync(new URL(n, base), 'utf8'));
}

/** Runs `fn` and returns the thrown value (undefined when it returned). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** Same for a promise-returning `fn`. */
export async function rejected(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
