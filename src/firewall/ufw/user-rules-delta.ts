/**
 * A change to ufw's user.rules / user6.rules as entries added and removed, spliced into the
 * text as it is: the file is searched, never parsed, so `netctl allow` beside 5,000 rules
 * costs what it costs beside one (a rewrite parsed, rendered and diffed the whole file), and
 * every byte around the change stays where it was. The result is what the whole-file splice
 * (user-rules.ts spliceRoutes) renders for a file in ufw's layout. Pure.
 */
import { InternalError } from '../../errors.js';
import type { Family } from '../../model/addr.js';
import { ufwFamily } from './names.js';
import { END_RULES, RULES, type UserEntry } from './user-rules.js';

/** Entries to add (when absent) and to remove (every copy present). */
export interface EntryDelta {
  add: readonly UserEntry[];
  remove: readonly UserEntry[];
}

/** The text after a delta, and what it really added and removed. */
export interface DeltaSplice {
  text: string;
  added: UserEntry[];
  removed: UserEntry[];
}

/** An entry as it stands in the file: the line break before it, its lines, the one after. */
function blockOf(e: UserEntry): string {
  return `\n${e.lines.join('\n')}\n`;
}

/** The rules section: `from` is the line break ending `### RULES ###`, `end` the one before `### END RULES ###`. */
function section(text: string, path: string): { from: number; end: number } {
  const start = text.indexOf(`${RULES}\n`);
  const end = start < 0 ? -1 : text.indexOf(`\n${END_RULES}`, start + RULES.length);
  if (start < 0 || end < 0)
    throw new InternalError(`${path} has no "${RULES}" ... "${END_RULES}" section: not written by ufw?`);
  return { from: start + RULES.length, end };
}

/** Where `block` stands in the section as a whole entry (the next line blank, a tuple or the end marker), or -1. */
function find(text: string, block: string, from: number, end: number): number {
  for (let at = text.indexOf(block, from); at >= 0 && at + block.length <= end + 1; ) {
    const next = at + block.length;
    if (next === end + 1 || text[next] === '\n' || text.startsWith('### tuple ###', next)) return at;
    at = text.indexOf(block, at + 1);
  }
  return -1;
}

/**
 * `text` with `delta` applied: each removed entry cut out with the blank line ufw writes
 * before it, the added ones not yet present appended at the end of the section, as ufw
 * appends. Applying it again changes nothing (so it is also what a write under ufw's lock
 * applies to the file as it is by then).
 * @throws InternalError when the text has no rules section.
 */
export function spliceEntries(text: string, delta: EntryDelta, path = 'user.rules'): DeltaSplice {
  let out = text;
  const removed: UserEntry[] = [];
  for (const e of delta.remove) {
    const block = blockOf(e);
    // Bounded: each round removes one copy of the entry.
    for (let round = 0; round < 10_000; round++) {
      const { from, end } = section(out, path);
      const at = find(out, block, from, end);
      if (at < 0) break;
      // A blank line before the entry goes with it; a line break ending someone's line stays.
      const cut = out[at - 1] === '\n' ? at : at + 1;
      out = out.slice(0, cut) + out.slice(at + block.length);
      removed.push(e);
    }
  }
  const { from, end } = section(out, path);
  const added: UserEntry[] = [];
  const seen = new Set<string>();
  for (const e of delta.add) {
    const block = blockOf(e);
    if (seen.has(block) || find(out, block, from, end) >= 0) continue;
    seen.add(block);
    added.push(e);
  }
  if (added.length > 0) out = out.slice(0, end) + added.map(blockOf).join('') + out.slice(end);
  return { text: out, added, removed };
}

function forwardLines(entries: readonly UserEntry[], family: Family): string[] {
  const head = `-A ${ufwFamily(family).prefix}-user-forward `;
  return entries.flatMap((e) => e.lines).filter((l) => l.startsWith(head));
}

/**
 * The restore document (for `--noflush`) that brings ufw's live forward chain from the old
 * text to the new one: a `-D` per removed rule, an `-A` per added one, as `ufw route allow`
 * and `ufw route delete` do; '' when the chain does not change.
 */
export function forwardDeltaDoc(s: DeltaSplice, family: Family): string {
  const del = forwardLines(s.removed, family).map((l) => `-D${l.slice(2)}`);
  const add = forwardLines(s.added, family);
  if (del.length === 0 && add.length === 0) return '';
  return ['*filter', ...del, ...add, 'COMMIT', ''].join('\n');
}

/**
 * Whether `-D` could remove another rule than the one the file lost: a removed rule's line
 * is still in the file (someone's identical rule, elsewhere in the chain). The chain is
 * then loaded whole from the file instead.
 */
export function deltaAmbiguous(s: DeltaSplice, family: Family): boolean {
  const { from, end } = section(s.text, 'user rules');
  return forwardLines(s.removed, family).some((l) => {
    const at = s.text.indexOf(`\n${l}\n`, from);
    return at >= 0 && at < end;
  });
}
