/**
 * ufw's user.rules / user6.rules as data: the text before `### RULES ###`, the entries (a
 * tuple line and the iptables lines ufw generated for it), and the text from
 * `### END RULES ###` on. Splicing replaces netctl's entries and keeps everybody else's
 * byte for byte, in place. Pure.
 */
import { InternalError } from '../../errors.js';
import { ROUTE_COMMENT_PREFIX, iptablesLine, tupleComment, tupleLine, type RouteRule } from './route-rules.js';
import { ufwFamily } from './names.js';
import type { Family } from '../../model/addr.js';

/** The line that opens the rules section. */
export const RULES = '### RULES ###';
/** The line that closes it. */
export const END_RULES = '### END RULES ###';

/** One tuple and its rule lines. */
export interface UserEntry {
  lines: string[];
  /** The decoded comment ('' when none). */
  comment: string;
}

/** A parsed user rules file. */
export interface UserRules {
  head: string;
  /** Lines someone wrote between `### RULES ###` and the first tuple: kept, never ours. */
  lead?: string[];
  entries: UserEntry[];
  tail: string;
}

/** Who writes a set of route rules: netctl for its own containers, or for Docker's. */
export type RouteOwner = 'netctl' | 'docker';

/** The comment prefix of the rules netctl writes for Docker's containers. */
export const DOCKER_COMMENT_PREFIX = `${ROUTE_COMMENT_PREFIX}docker:`;

/** Whether an entry is netctl's (for its own containers, or with `owner` docker, for Docker's). */
export function ownedEntry(e: UserEntry, owner: RouteOwner = 'netctl'): boolean {
  const docker = e.comment.startsWith(DOCKER_COMMENT_PREFIX);
  return owner === 'docker' ? docker : e.comment.startsWith(ROUTE_COMMENT_PREFIX) && !docker;
}

/** Whether the file has ufw's full rules section (a file as the package ships it has not). */
export function hasRulesSection(text: string): boolean {
  const start = text.indexOf(`${RULES}\n`);
  return start >= 0 && text.indexOf(`\n${END_RULES}`, start) >= 0;
}

/** Splits the file; throws when the markers are missing (not a ufw user rules file). */
export function parseUserRules(text: string, path = 'user.rules'): UserRules {
  const start = text.indexOf(`${RULES}\n`);
  const end = text.indexOf(`\n${END_RULES}`, start);
  if (start < 0 || end < 0)
    throw new InternalError(`${path} has no "${RULES}" ... "${END_RULES}" section: not written by ufw?`);
  const body = text.slice(start + RULES.length + 1, end).split('\n');
  const entries: UserEntry[] = [];
  const lead: string[] = [];
  for (const line of body) {
    if (line.startsWith('### tuple ###')) entries.push({ lines: [line], comment: tupleComment(line) });
    else if (line.trim() === '') continue;
    else if (entries.length > 0) entries[entries.length - 1]!.lines.push(line);
    else lead.push(line);
  }
  const u: UserRules = { head: text.slice(0, start + RULES.length + 1), entries, tail: text.slice(end + 1) };
  if (lead.length > 0) u.lead = lead;
  return u;
}

/** The file text again (ufw's layout: a blank line before each tuple and before the end marker). */
export function renderUserRules(u: UserRules): string {
  const lead = u.lead ? `\n${u.lead.join('\n')}\n` : '';
  return `${u.head}${lead}${u.entries.map((e) => `\n${e.lines.join('\n')}\n`).join('')}\n${u.tail}`;
}

/** The entry ufw would write for a rule. */
export function routeEntry(r: RouteRule): UserEntry {
  return { lines: [tupleLine(r), iptablesLine(r)], comment: r.comment };
}

/**
 * The file with netctl's entries replaced by `desired` (of this file's family): entries
 * still wanted stay where they are, unwanted ones go, new ones are appended, as ufw
 * appends. Everything else is untouched.
 */
export function spliceRoutes(u: UserRules, desired: readonly RouteRule[], owner: RouteOwner = 'netctl'): UserRules {
  const want = desired.map(routeEntry);
  const key = (e: UserEntry): string => e.lines.join('\n');
  const wanted = new Set(want.map(key));
  const kept = u.entries.filter((e) => !ownedEntry(e, owner) || wanted.has(key(e)));
  const present = new Set(kept.map(key));
  const seen = new Set<string>();
  const added = want.filter((e) => !present.has(key(e)) && !seen.has(key(e)) && seen.add(key(e)));
  return { ...u, entries: [...kept, ...added] };
}

/**
 * `current` with `owner`'s entries made those of `source`: what a plan made from an older
 * reading of the file writes once it has read it again under ufw's lock, so that entries
 * someone else (a `ufw allow`) added meanwhile stay. Positions as in {@link spliceRoutes}.
 */
export function transplantOwned(current: UserRules, source: UserRules, owner: RouteOwner = 'netctl'): UserRules {
  const key = (e: UserEntry): string => e.lines.join('\n');
  const want = source.entries.filter((e) => ownedEntry(e, owner));
  const wanted = new Set(want.map(key));
  const kept = current.entries.filter((e) => !ownedEntry(e, owner) || wanted.has(key(e)));
  const present = new Set(kept.map(key));
  return { ...current, entries: [...kept, ...want.filter((e) => !present.has(key(e)))] };
}

/**
 * The restore document that loads the file's route rules into the live forward chain: the
 * chain declared (so `--noflush` empties it) and refilled, as `ufw reload` would.
 */
export function forwardChainDoc(u: UserRules, family: Family): string {
  const chain = `${ufwFamily(family).prefix}-user-forward`;
  const rules = u.entries.flatMap((e) => e.lines).filter((l) => l.startsWith(`-A ${chain} `));
  return ['*filter', `:${chain} - [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}
