/**
 * The iptables side effects: applying an iptables-restore document with `--noflush`, testing
 * one with `--test`, and reading the live ruleset back with iptables-save and the parser.
 * Every program runs through an injected Runner (argv arrays, the document on stdin).
 */
import type { Family } from '../../model/addr.js';
import { SystemError } from '../../errors.js';
import type { ExecResult, Runner } from '../../sys/exec.js';
import type { Ruleset } from './ast.js';
import { parse } from './parse.js';

/** Which iptables binaries: the system's alternative, or the nft / legacy flavour explicitly. */
export type Flavour = 'default' | 'nft' | 'legacy';

/** Options shared by the functions here. */
export interface IptablesOptions {
  flavour?: Flavour;
  /** Seconds iptables-restore waits for the xtables lock (default 10). */
  waitSeconds?: number;
  /** Milliseconds before a program is killed (default 30 s). */
  timeoutMs?: number;
}

/** Options for {@link applyDocument}. */
export interface ApplyOptions extends IptablesOptions {
  /** Read back only this table (`iptables-save -t TABLE`); default: every table. */
  table?: string;
}

/** iptables-restore refused a document. `line` is the document line it named, if it did. */
export class RestoreError extends SystemError {
  readonly line?: number;
  readonly stderr: string;

  constructor(message: string, stderr: string, line?: number) {
    super(message, { hint: 'run with --dry-run to see the iptables-restore document' });
    this.stderr = stderr;
    if (line !== undefined) this.line = line;
  }
}

/** The binary name, e.g. `ip6tables-legacy-restore`. */
export function iptablesTool(family: Family, what: 'save' | 'restore', flavour: Flavour = 'default'): string {
  const base = family === 6 ? 'ip6tables' : 'iptables';
  return flavour === 'default' ? `${base}-${what}` : `${base}-${flavour}-${what}`;
}

// iptables-restore says `Error occurred at line: 3` (most errors), `line 3 failed` (a
// failed COMMIT in legacy and nft) or `COMMIT expected at line 4`.
const LINE = /\bline:? (\d+)/;

function reasonOf(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Try `') && !l.startsWith('Error occurred at line'))
    .join('; ');
}

function restoreError(argv: readonly string[], text: string, r: ExecResult): RestoreError {
  const stderr = r.stderr.trim();
  const m = LINE.exec(stderr);
  const line = m ? Number(m[1]) : undefined;
  const source = line === undefined ? undefined : text.split('\n')[line - 1];
  const where = line === undefined ? '' : ` at line ${line}${source === undefined ? '' : ` "${source}"`}`;
  const why = reasonOf(stderr) || `exit code ${r.code}`;
  return new RestoreError(`${argv.join(' ')} failed${where}: ${why}`, stderr, line);
}

async function restore(
  runner: Runner,
  family: Family,
  text: string,
  extra: string[],
  opts: IptablesOptions,
): Promise<void> {
  const argv = [
    iptablesTool(family, 'restore', opts.flavour),
    '-w',
    String(opts.waitSeconds ?? 10),
    ...extra,
    '--noflush',
  ];
  const r = await runner.run(argv, { input: text, timeoutMs: opts.timeoutMs });
  if (r.code !== 0) throw restoreError(argv, text, r);
}

/**
 * Reads the live ruleset (one table, or all) with iptables-save and parses it.
 * @throws SystemError when iptables-save fails, ParseError when its output does not parse.
 */
export async function readRuleset(
  runner: Runner,
  family: Family,
  table?: string,
  opts: IptablesOptions = {},
): Promise<Ruleset> {
  const argv = [iptablesTool(family, 'save', opts.flavour), ...(table === undefined ? [] : ['-t', table])];
  const r = await runner.run(argv, { timeoutMs: opts.timeoutMs });
  if (r.code !== 0) {
    throw new SystemError(`read "${argv.join(' ')}": ${reasonOf(r.stderr) || `exit code ${r.code}`}`);
  }
  return parse(r.stdout, { family });
}

/**
 * Whether the live `table` declares `chain`: one iptables-save of the table, its chain lines
 * looked at without parsing the rules (a table holding thousands of them costs no parse).
 * @throws SystemError when iptables-save fails.
 */
export async function liveHasChain(runner: Runner, family: Family, table: string, chain: string): Promise<boolean> {
  const argv = [iptablesTool(family, 'save'), '-t', table];
  const r = await runner.run(argv, {});
  if (r.code !== 0) {
    throw new SystemError(`read "${argv.join(' ')}": ${reasonOf(r.stderr) || `exit code ${r.code}`}`);
  }
  const head = `:${chain} `;
  return r.stdout.split('\n').some((line) => line.trim().startsWith(head));
}

/**
 * Applies an iptables-restore document with `--noflush` (tables are committed one by one,
 * each atomically). An empty document runs nothing.
 * @throws RestoreError naming the failing document line when iptables-restore says it.
 */
export async function restoreDocument(
  runner: Runner,
  family: Family,
  text: string,
  opts: IptablesOptions = {},
): Promise<void> {
  if (text.trim() !== '') await restore(runner, family, text, [], opts);
}

/**
 * Applies an iptables-restore document with `--noflush` (tables are committed one by one,
 * each atomically), then reads the result back so the caller can verify it.
 * An empty document runs nothing but the read.
 * @throws RestoreError naming the failing document line when iptables-restore says it.
 */
export async function applyDocument(
  runner: Runner,
  family: Family,
  text: string,
  opts: ApplyOptions = {},
): Promise<Ruleset> {
  await restoreDocument(runner, family, text, opts);
  return readRuleset(runner, family, opts.table, opts);
}

/**
 * Checks a document with `iptables-restore --test --noflush`: parsed by iptables (options,
 * matches and targets loaded), nothing committed. The nft flavour does not resolve jumps
 * to chains here; a missing chain only fails the real apply, at its COMMIT line.
 * @throws RestoreError as {@link applyDocument} does.
 */
export async function testDocument(
  runner: Runner,
  family: Family,
  text: string,
  opts: IptablesOptions = {},
): Promise<void> {
  await restore(runner, family, text, ['--test'], opts);
}
