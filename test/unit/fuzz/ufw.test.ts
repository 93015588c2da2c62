/**
 * ufw's files as netctl edits them: the after.rules block splice keeps every byte around the
 * block (any bytes: CRLF, stray markers of other kinds, no final newline), and user.rules
 * parses and renders back byte for byte in ufw's layout, never drops a line of anybody's
 * in any other, and a splice of netctl's routes keeps every foreign entry in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/errors.js';
import { blockState, findBlock, insertBlock, markedBlock, removeBlock } from '../../../src/firewall/ufw/block.js';
import {
  ownedEntry,
  parseUserRules,
  renderUserRules,
  routeEntry,
  spliceRoutes,
} from '../../../src/firewall/ufw/user-rules.js';
import { spliceEntries } from '../../../src/firewall/ufw/user-rules-delta.js';
import type { RouteRule } from '../../../src/firewall/ufw/route-rules.js';
import { corpus, fixtureTexts, params, thrown, timeout } from './fuzz.js';

const MARKERS = ['# BEGIN netctl', '# END netctl'];
const piece = fc.oneof(
  fc.constantFrom(
    '\n',
    '\r\n',
    ' ',
    '\t',
    '#',
    'COMMIT',
    '*filter',
    '# BEGIN netctl-docker',
    '# END netctl-docker',
    'é',
    '\0',
  ),
  fc.string({ maxLength: 6 }),
);
/** Bytes that hold no netctl marker line (the splice refuses those: tested apart). */
const foreign = fc
  .array(piece, { maxLength: 12 })
  .map((ps) => ps.join(''))
  .filter((t) => !t.split('\n').some((l) => MARKERS.includes(l.replace(/\r$/, '').trimEnd())));
const template = fc
  .array(fc.constantFrom('-A ufw-after-forward -j NETCTL-X', ':NETCTL-X - [0:0]', '# why', '', 'COMMIT'), {
    maxLength: 4,
  })
  .map((ls) => ls.join('\n'));

/** At most the one LF insertBlock put before the block goes with it; never half of a CRLF. */
function expectRemoved(before: string, after: string, removed: string): void {
  if (before.endsWith('\r\n') || !before.endsWith('\n')) expect(removed).toBe(before + after);
  else expect([before + after, before.slice(0, -1) + after]).toContain(removed);
}

describe('after.rules splice, property tests', () => {
  it(
    'insert then remove gives back any file byte for byte, and the file stays a prefix',
    () => {
      fc.assert(
        fc.property(foreign, template, (file, block) => {
          if (file.endsWith('\r')) {
            // Its "\n" would make a CRLF line end, which removal keeps: refused instead.
            expect(thrown(() => insertBlock(file, block))).toBeInstanceOf(ConflictError);
            return;
          }
          const withBlock = insertBlock(file, block, 'after.rules');
          expect(withBlock.startsWith(file)).toBe(true);
          expect(blockState(withBlock, block)).toBe('current');
          expect(removeBlock(withBlock, 'after.rules')).toBe(file);
        }),
        params(300),
      );
    },
    timeout(),
  );

  it(
    'replacing a block in place keeps the bytes before and after it exactly',
    () => {
      const lineStart = foreign.map((t) => (t === '' || t.endsWith('\n') ? t : `${t}\n`));
      fc.assert(
        fc.property(lineStart, foreign, template, template, (before, after, old, next) => {
          const file = before + markedBlock(old) + after;
          expect(insertBlock(file, next)).toBe(before + markedBlock(next) + after);
          expectRemoved(before, after, removeBlock(file));
        }),
        params(300),
      );
    },
    timeout(),
  );

  it(
    'any text: a block is found, absent, or refused with a ConflictError; nothing else',
    () => {
      const text = fc.array(fc.oneof(piece, fc.constantFrom(...MARKERS), fc.constant('\n')), { maxLength: 16 });
      fc.assert(
        fc.property(text, template, (ps, block) => {
          const t = ps.join('');
          const err = thrown(() => findBlock(t));
          if (err !== undefined) {
            expect(err).toBeInstanceOf(ConflictError);
            expect(blockState(t, block)).toBe('malformed');
            expect(thrown(() => insertBlock(t, block))).toBeInstanceOf(ConflictError);
          } else expect(['absent', 'current', 'outdated']).toContain(blockState(t, block));
        }),
        params(300),
      );
    },
    timeout(),
  );

  it('replays the corpus of inputs that once failed', () => {
    for (const [, bytes] of corpus('after-rules')) {
      const t = bytes.toString('utf8');
      const span = findBlock(t);
      if (span) expectRemoved(t.slice(0, span.start), t.slice(span.end), removeBlock(t));
      else if (!t.endsWith('\r')) expect(removeBlock(insertBlock(t, 'x'))).toBe(t);
    }
  });
});

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const ruleLine = fc.constantFrom(
  '-A ufw-user-input -p tcp --dport 22 -j ACCEPT',
  '-A ufw-user-forward -p tcp -d 10.9.0.5 --dport 443 -j ACCEPT',
  '-A ufw-user-input -p udp --dport 53 -j ACCEPT',
  '-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "',
);
const comment = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 8 }).map((s) => `netctl:${s}`),
  fc.string({ maxLength: 8 }).map((s) => `netctl:docker:${s}`),
);
const entry = fc
  .tuple(
    fc.constantFrom('allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in', 'route:allow tcp 80 10.1.0.2 any 0.0.0.0/0 in'),
    comment,
    fc.array(ruleLine, { minLength: 1, maxLength: 3 }),
  )
  .map(([t, c, ls]) => [`### tuple ### ${t}${c === '' ? '' : ` comment=${hex(c)}`}`, ...ls]);
const HEAD = '*filter\n:ufw-user-input - [0:0]\n:ufw-user-forward - [0:0]\n### RULES ###\n';
const TAIL = '### END RULES ###\n\n### LOGGING ###\n-A ufw-after-logging-input -j RETURN\nCOMMIT\n';

/** A file as ufw writes it: a blank line before each tuple and before the end marker. */
const ufwFile = fc
  .array(entry, { maxLength: 6 })
  .map((es) => `${HEAD}${es.map((e) => `\n${e.join('\n')}\n`).join('')}\n${TAIL}`);

const route = (comment: string): RouteRule =>
  ({ family: 4, proto: 'tcp', port: 80, to: '10.1.0.2', from: null, comment }) as unknown as RouteRule;

function nonBlank(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

describe('user.rules, property tests', () => {
  it(
    'a file in ufw layout parses and renders back byte for byte',
    () => {
      fc.assert(
        fc.property(ufwFile, (text) => {
          expect(renderUserRules(parseUserRules(text))).toBe(text);
        }),
        params(300),
      );
    },
    timeout(),
  );

  it(
    'a hand-edited file keeps every non-blank line, in order, and renders to a fixed point',
    () => {
      const junk = fc.array(
        fc.oneof(
          fc.constantFrom('', ' ', '# mine', '-A ufw-user-input -j DROP', '### tuple ### allow 1'),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 4 },
      );
      fc.assert(
        fc.property(ufwFile, fc.nat(), junk, (text, at, extra) => {
          const lines = text.split('\n');
          const start = lines.indexOf('### RULES ###') + 1;
          const end = lines.indexOf('### END RULES ###');
          const i = start + (at % (end - start + 1));
          const clean = extra.map((e) => e.replace(/\n/g, ' ').replace(/^###/, '#'));
          lines.splice(i, 0, ...clean);
          const edited = lines.join('\n');
          const out = renderUserRules(parseUserRules(edited));
          expect(nonBlank(out)).toStrictEqual(nonBlank(edited));
          expect(renderUserRules(parseUserRules(out))).toBe(out);
        }),
        params(300),
      );
    },
    timeout(),
  );

  it(
    "a splice of netctl's routes keeps every other entry, in order",
    () => {
      fc.assert(
        fc.property(ufwFile, fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), (text, wanted) => {
          const u = parseUserRules(text);
          const out = spliceRoutes(
            u,
            wanted.map((w) => route(`netctl:${w}`)),
          );
          const others = (x: typeof u) => x.entries.filter((e) => !ownedEntry(e));
          expect(others(out)).toStrictEqual(others(u));
          expect(out.head).toBe(u.head);
          expect(out.tail).toBe(u.tail);
        }),
        params(200),
      );
    },
    timeout(),
  );

  it('the real files round-trip', () => {
    for (const t of fixtureTexts('ufw', '.docker')) expect(renderUserRules(parseUserRules(t))).toBe(t);
  });

  it('replays the corpus of inputs that once failed', () => {
    for (const [, bytes] of corpus('user-rules')) {
      const t = bytes.toString('utf8');
      const out = renderUserRules(parseUserRules(t));
      expect(nonBlank(out)).toStrictEqual(nonBlank(t));
    }
  });
});

const POOL = ['netctl:a 80/tcp net=n', 'netctl:b 80/tcp net=n', 'netctl:docker:c', 'mine'];
/** Entries as ufw wrote them, some of them exactly those a route of the pool makes. */
const mixed = fc.array(
  fc.oneof(
    entry,
    fc.constantFrom(...POOL).map((c) => routeEntry(route(c)).lines),
  ),
  { maxLength: 8 },
);
const deltaOf = (cs: string[]) => cs.map((c) => routeEntry(route(c)));

describe('user.rules delta splice, property tests', () => {
  it(
    'gives what the whole-file splice renders, and applied again changes nothing more',
    () => {
      const pick = fc.subarray(POOL);
      fc.assert(
        fc.property(mixed, pick, pick, (es, adds, removes) => {
          const text = `${HEAD}${es.map((e) => `\n${e.join('\n')}\n`).join('')}\n${TAIL}`;
          const delta = { add: deltaOf(adds), remove: deltaOf(removes) };
          const key = (e: { lines: string[] }) => e.lines.join('\n');
          const gone = new Set(delta.remove.map(key));
          const u = parseUserRules(text);
          const kept = u.entries.filter((e) => !gone.has(key(e)));
          const present = new Set(kept.map(key));
          const want = renderUserRules({ ...u, entries: [...kept, ...delta.add.filter((e) => !present.has(key(e)))] });
          const s = spliceEntries(text, delta);
          expect(s.text).toBe(want);
          // Again (as a write under ufw's lock may): no change, when nothing is both added and removed.
          if (!adds.some((a) => removes.includes(a))) expect(spliceEntries(s.text, delta).text).toBe(s.text);
          expect(s.removed.length).toBe(u.entries.length - kept.length);
        }),
        params(300),
      );
    },
    timeout(),
  );

  it(
    'keeps every line of a file without blank lines, and parses to the same entries',
    () => {
      fc.assert(
        fc.property(mixed, fc.subarray(POOL), fc.subarray(POOL), (es, adds, removes) => {
          const text = `${HEAD}${es.map((e) => `${e.join('\n')}\n`).join('')}${TAIL}`;
          const delta = { add: deltaOf(adds), remove: deltaOf(removes) };
          const s = spliceEntries(text, delta);
          const canonical = spliceEntries(renderUserRules(parseUserRules(text)), delta);
          expect(parseUserRules(s.text).entries).toStrictEqual(parseUserRules(canonical.text).entries);
          expect(s.text.startsWith(HEAD)).toBe(true);
          expect(s.text.endsWith(TAIL)).toBe(true);
        }),
        params(300),
      );
    },
    timeout(),
  );
});
