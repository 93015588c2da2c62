/**
 * Route rules added and removed one change at a time, as `ufw route allow` / `ufw route
 * delete` do: the entries spliced into ufw's user rules as they are (user-rules-delta.ts),
 * and only those rules given to the live forward chain (`-A`, `-D` with `iptables-restore
 * --noflush`). The whole-file path (routes-apply.ts) made `netctl allow` beside 5,000 rules
 * cost 3x what it cost beside one: it parsed, rendered, diffed and reloaded every rule.
 */
import { NotFoundError } from '../../errors.js';
import type { Family } from '../../model/addr.js';
import { RestoreError, restoreDocument } from '../iptables/apply.js';
import type { UfwDeps } from './observe.js';
import type { RouteRule } from './route-rules.js';
import type { RouteFilePlan, RoutesPlan } from './routes-apply.js';
import { ufwUserLoaded } from './routes-live.js';
import { deltaAmbiguous, type DeltaSplice, forwardDeltaDoc, spliceEntries } from './user-rules-delta.js';
import { forwardChainDoc, hasRulesSection, parseUserRules, routeEntry, type RouteOwner } from './user-rules.js';
import { join } from 'node:path';

/** Route rules to add and to remove. */
export interface RouteDelta {
  add: readonly RouteRule[];
  remove: readonly RouteRule[];
}

/**
 * Plans a delta for both files, or undefined when only the whole-file path will do: rules
 * to add to a file that is missing or still as the ufw package ships it.
 */
export async function planRouteDelta(
  deps: UfwDeps,
  delta: RouteDelta,
  owner: RouteOwner = 'netctl',
): Promise<RoutesPlan | undefined> {
  const files: RouteFilePlan[] = [];
  for (const family of [4, 6] as const) {
    const add = delta.add.filter((r) => r.family === family).map(routeEntry);
    const remove = delta.remove.filter((r) => r.family === family).map(routeEntry);
    if (add.length === 0 && remove.length === 0) continue;
    const path = join(deps.etc, family === 4 ? 'user.rules' : 'user6.rules');
    const text = await deps.files.read(path);
    if (text === undefined || !hasRulesSection(text)) {
      if (add.length > 0) return undefined;
      continue;
    }
    const s = spliceEntries(text, { add, remove }, path);
    const doc = forwardDeltaDoc(s, family);
    files.push({ family, path, text, next: s.text, owned: -1, wanted: -1, owner, delta: { add, remove, doc } });
  }
  return { files };
}

/**
 * Loads the change into the live forward chain where ufw runs: the delta, or the chain
 * whole from the file when a `-D` could hit someone's identical rule, or when the delta
 * fails (the live chain was not as the file said: a rule ufw wrote back to the file
 * without loading it).
 */
async function load(deps: UfwDeps, f: RouteFilePlan, s: DeltaSplice): Promise<void> {
  if (!(await ufwUserLoaded(deps.runner, f.family))) return;
  if (!deltaAmbiguous(s, f.family)) {
    try {
      await restoreDocument(deps.runner, f.family, forwardDeltaDoc(s, f.family));
      return;
    } catch (err) {
      if (!(err instanceof RestoreError)) throw err;
    }
  }
  await reloadChain(deps, f.family, s.text, f.path);
}

async function reloadChain(deps: UfwDeps, family: Family, text: string, path: string): Promise<void> {
  if (!(await ufwUserLoaded(deps.runner, family))) return;
  await restoreDocument(deps.runner, family, forwardChainDoc(parseUserRules(text, path), family));
}

async function locked<T>(deps: UfwDeps, fn: () => Promise<T>): Promise<T> {
  return deps.lock ? deps.lock(fn) : fn();
}

/**
 * Writes a delta file plan under ufw's lock: the file read again there and the delta
 * applied to it as it is now, so a `ufw allow` written meanwhile stays. Returns the undo:
 * the file as it was before when nobody wrote it since, else the inverse delta; the chain
 * then loaded whole from the file.
 */
export async function writeDelta(deps: UfwDeps, f: RouteFilePlan): Promise<() => Promise<void>> {
  const delta = f.delta!;
  let before: string | undefined;
  let written: string | undefined;
  await locked(deps, async () => {
    const info = await deps.files.info(f.path);
    const now = info ? await deps.files.read(f.path) : undefined;
    if (!info || now === undefined) throw new NotFoundError('ufw rules file', f.path);
    const s = spliceEntries(now, delta, f.path);
    if (s.text === now) return;
    await deps.files.replace(f.path, s.text, info);
    try {
      await load(deps, f, s);
    } catch (err) {
      await deps.files.replace(f.path, now, info);
      throw err;
    }
    before = now;
    written = s.text;
  });
  return async () => {
    if (written === undefined) return;
    await locked(deps, async () => {
      const info = await deps.files.info(f.path);
      const now = info ? await deps.files.read(f.path) : undefined;
      if (!info || now === undefined) return;
      const back =
        now === written ? before! : spliceEntries(now, { add: delta.remove, remove: delta.add }, f.path).text;
      await deps.files.replace(f.path, back, info);
      await reloadChain(deps, f.family, back, f.path);
    });
  };
}
