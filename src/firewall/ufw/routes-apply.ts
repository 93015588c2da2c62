/**
 * Bringing ufw's user rules files (user.rules, user6.rules) and its live forward chains in
 * line with the route rules netctl wants: plan (read, splice, diff), then write atomically
 * and load the forward chain with one `iptables-restore --noflush` where ufw is running —
 * what `ufw route allow` does, without a ufw process per rule.
 */
import { join } from 'node:path';
import { NotFoundError, SystemError } from '../../errors.js';
import { restoreDocument } from '../iptables/apply.js';
import type { UfwDeps } from './observe.js';
import type { Family } from '../../model/addr.js';
import { writeDelta } from './routes-delta.js';
import { ufwUserLoaded } from './routes-live.js';
import type { EntryDelta } from './user-rules-delta.js';
import { tupleLine, ufwArgv, ufwCommand, type RouteRule } from './route-rules.js';
import { unifiedDiff } from './unified-diff.js';
import {
  forwardChainDoc,
  hasRulesSection,
  ownedEntry,
  parseUserRules,
  renderUserRules,
  spliceRoutes,
  transplantOwned,
  type RouteOwner,
} from './user-rules.js';

/** One user rules file: as it is and as it should be. */
export interface RouteFilePlan {
  family: Family;
  path: string;
  text: string;
  next: string;
  /** netctl entries now, and wanted. */
  owned: number;
  wanted: number;
  /**
   * The file is still as the ufw package ships it (no `### END RULES ###` yet): ufw rewrites
   * it in its full format when it adds its first rule, so that rule is added by running ufw.
   */
  pristine?: RouteRule[];
  /** Whose rules the plan replaces (default netctl's own). */
  owner?: RouteOwner;
  /**
   * Only these entries change (routes-delta.ts): written to the file as it is under ufw's
   * lock, and `doc` (the `-D`/`-A` lines) loaded instead of the whole chain.
   */
  delta?: EntryDelta & { doc: string };
}

/** The plan for both files. */
export interface RoutesPlan {
  files: RouteFilePlan[];
}

/** Whether applying the plan changes anything. */
export function routesChanged(p: RoutesPlan): boolean {
  return p.files.some((f) => f.text !== f.next);
}

function pristineNote(f: RouteFilePlan): string {
  return `# ${f.path} is as ufw ships it: ufw writes it in full first: ${ufwCommand(f.pristine![0]!)}\n`;
}

/** The plan as unified diffs (for --dry-run and `ufw check`). */
export function routesDiff(p: RoutesPlan): string {
  return p.files
    .filter((f) => f.text !== f.next)
    .map((f) => (f.pristine ? pristineNote(f) : unifiedDiff(f.text, f.next, f.path)))
    .join('');
}

/** ufw's user rules file of a family. */
export function userRulesPath(deps: UfwDeps, family: Family): string {
  return join(deps.etc, family === 4 ? 'user.rules' : 'user6.rules');
}

/**
 * Plans the files for `desired`. A missing file is fine while nothing is wanted in it
 * (ufw not installed, netctl allows nothing).
 * @throws NotFoundError when rules are wanted and ufw's file is missing.
 */
export async function planRoutes(
  deps: UfwDeps,
  desired: readonly RouteRule[],
  owner: RouteOwner = 'netctl',
): Promise<RoutesPlan> {
  const files: RouteFilePlan[] = [];
  for (const family of [4, 6] as const) {
    const path = userRulesPath(deps, family);
    const want = desired.filter((r) => r.family === family);
    const text = await deps.files.read(path);
    if (text === undefined) {
      if (want.length > 0)
        throw new NotFoundError('ufw rules file', path, 'install ufw (apt install ufw) to use netctl allow');
      continue;
    }
    if (!hasRulesSection(text)) {
      if (want.length > 0)
        files.push({ family, path, text, next: '', owned: 0, wanted: want.length, pristine: want, owner });
      continue;
    }
    const u = parseUserRules(text, path);
    const owned = u.entries.filter((e) => ownedEntry(e, owner)).length;
    if (owned === 0 && want.length === 0) continue;
    files.push({
      family,
      path,
      text,
      next: renderUserRules(spliceRoutes(u, want, owner)),
      owned,
      wanted: want.length,
      owner,
    });
  }
  return { files };
}

/**
 * Writes `text` (netctl's entries as the plan wants them) under ufw's own lock: the file is
 * read again there, and when someone changed it since the plan read it, netctl's entries
 * are moved into the file as it is now instead of overwriting it.
 */
async function writeFile(deps: UfwDeps, f: RouteFilePlan, text: string): Promise<void> {
  const write = async (): Promise<void> => {
    const info = await deps.files.info(f.path);
    const now = info ? await deps.files.read(f.path) : undefined;
    if (!info || now === undefined) throw new NotFoundError('ufw rules file', f.path);
    const next =
      now === f.text || !hasRulesSection(now)
        ? text
        : renderUserRules(transplantOwned(parseUserRules(now, f.path), parseUserRules(text, f.path), f.owner));
    await deps.files.replace(f.path, next, info);
    if (await ufwUserLoaded(deps.runner, f.family)) {
      // Nothing reads the table back: iptables-restore's exit code is the check.
      await restoreDocument(deps.runner, f.family, forwardChainDoc(parseUserRules(next, f.path), f.family));
    }
  };
  await (deps.lock ? deps.lock(write) : write());
}

async function normalize(deps: UfwDeps, f: RouteFilePlan): Promise<string> {
  const argv = ufwArgv(f.pristine![0]!);
  const r = await deps.runner.run(argv, { timeoutMs: 60_000 });
  if (r.code !== 0)
    throw new SystemError(
      `run "${argv.join(' ')}": ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit code ${r.code}`}`,
    );
  const text = await deps.files.read(f.path);
  if (text === undefined || !hasRulesSection(text))
    throw new SystemError(`ufw did not rewrite ${f.path} in its own format`);
  return renderUserRules(spliceRoutes(parseUserRules(text, f.path), f.pristine!, f.owner));
}

/** Writes the changed files and loads them where ufw runs; returns the undo. */
export async function applyRoutes(deps: UfwDeps, p: RoutesPlan): Promise<() => Promise<void>> {
  const undos: (() => Promise<void>)[] = [];
  const undo = async (): Promise<void> => {
    for (const u of undos.reverse()) await u();
  };
  try {
    for (const f of p.files) {
      if (f.text === f.next) continue;
      if (f.delta) {
        undos.push(await writeDelta(deps, f));
        continue;
      }
      undos.push(() => writeFile(deps, f, f.text));
      await writeFile(deps, f, f.pristine ? await normalize(deps, f) : f.next);
    }
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
  return undo;
}

/** netctl's route rules missing from ufw's files, and netctl-commented ones nobody wants. */
export async function routeDrift(
  deps: UfwDeps,
  desired: readonly RouteRule[],
  owner: RouteOwner = 'netctl',
): Promise<{ missing: string[]; stale: string[] }> {
  const missing: string[] = [];
  const stale: string[] = [];
  for (const family of [4, 6] as const) {
    const text = await deps.files.read(userRulesPath(deps, family));
    const want = desired.filter((r) => r.family === family);
    const entries = text !== undefined && hasRulesSection(text) ? parseUserRules(text).entries : [];
    const have = new Set(entries.map((e) => e.lines[0]));
    const wanted = new Set(want.map(tupleLine));
    missing.push(...want.filter((r) => !have.has(tupleLine(r))).map(ufwCommand));
    stale.push(
      ...entries
        .filter((e) => ownedEntry(e, owner) && !wanted.has(e.lines[0]!))
        .map((e) => `${e.comment} (${e.lines[1] ?? e.lines[0]})`),
    );
  }
  return { missing, stale };
}

/**
 * Loads each family's live forward chain from its user rules file, where ufw runs, under
 * ufw's lock: after a command was killed between writing the file and loading it, or while
 * its iptables-restore child was still running, the kernel is as the file says again.
 */
export async function reloadForwardChains(deps: UfwDeps): Promise<void> {
  const load = async (): Promise<void> => {
    for (const family of [4, 6] as const) {
      const path = userRulesPath(deps, family);
      const text = await deps.files.read(path);
      if (text === undefined || !hasRulesSection(text) || !(await ufwUserLoaded(deps.runner, family))) continue;
      await restoreDocument(deps.runner, family, forwardChainDoc(parseUserRules(text, path), family));
    }
  };
  await (deps.lock ? deps.lock(load) : load());
}
