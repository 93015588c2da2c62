/**
 * Docker's `/events` stream, however it arrives: any bytes, cut into any chunks, give only
 * events of the shape the watch reads (strings where it reads strings), the same events
 * whatever the chunking, and never an exception (one would end the watch).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLines, type parseEvent } from '../../../src/docker/events.js';
import { eventContainer, eventMovesForward } from '../../../src/docker/watch.js';
import { corpus, params, timeout } from './fuzz.js';

const real = [
  '{"status":"start","id":"4f1a","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"4f1a","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000000000000}',
  '{"Type":"network","Action":"connect","Actor":{"ID":"9c2e","Attributes":{"container":"4f1a","name":"bridge","type":"bridge"}},"scope":"local","time":1700000001,"timeNano":1700000001000000000}',
  '{"Type":"network","Action":"create","Actor":{"ID":"77aa","Attributes":{"name":"front","type":"bridge"}}}',
];
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    tie('o'),
    tie('l'),
  ),
  l: fc.array(tie('v'), { maxLength: 2 }),
  o: fc.dictionary(fc.constantFrom('Type', 'Action', 'Actor', 'ID', 'Attributes', 'container', 'time', 'x'), tie('v'), {
    maxKeys: 4,
  }),
})).v;
const line = fc.oneof(
  fc.constantFrom(...real),
  value.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 20 }),
  fc.tuple(fc.constantFrom(...real), fc.nat()).map(([r, n]) => r.slice(0, n % r.length)),
);

function shapeOk(e: ReturnType<typeof parseEvent>): void {
  if (!e) return;
  expect(typeof e.Type).toBe('string');
  expect(typeof e.Action).toBe('string');
  expect(typeof e.Actor.ID).toBe('string');
  for (const v of Object.values(e.Actor.Attributes ?? {})) expect(typeof v).toBe('string');
  const c = eventContainer(e);
  if (c !== undefined) expect(typeof c).toBe('string');
  expect(typeof eventMovesForward(e)).toBe('boolean');
}

describe('Docker events, property tests', () => {
  it(
    'any stream in any chunks gives the same well-shaped events',
    () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (ls, cuts) => {
          const text = ls.map((l) => `${l}\n`).join('');
          const whole = new EventLines().push(text);
          const parts = new EventLines();
          const got = [];
          let at = 0;
          for (const c of [...cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b), text.length]) {
            got.push(...parts.push(text.slice(at, Math.max(at, c))));
            at = Math.max(at, c);
          }
          expect(got).toStrictEqual(whole);
          for (const e of whole) shapeOk(e);
        }),
        params(400),
      );
    },
    timeout(),
  );

  it('the real events parse', () => {
    expect(new EventLines().push(`${real.join('\n')}\n`).map((e) => eventContainer(e))).toStrictEqual([
      '4f1a',
      '4f1a',
      undefined,
    ]);
  });

  it('replays the corpus of inputs that once failed', () => {
    for (const [, b] of corpus('docker-events')) for (const e of new EventLines().push(b.toString('utf8'))) shapeOk(e);
  });
});
