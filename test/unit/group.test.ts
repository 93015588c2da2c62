import { describe, expect, it } from 'vitest';
import { groupBy } from '../../src/model/group.js';

describe('groupBy', () => {
  it('keeps each group in the items order, keys in first-seen order', () => {
    const g = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
    expect([...g.keys()]).toEqual(['b', 'a', 'c']);
    expect(g.get('a')).toEqual(['a1', 'a2']);
    expect(g.get('b')).toEqual(['b1', 'b2']);
    expect(g.get('c')).toEqual(['c1']);
  });

  it('gives an empty map for no items', () => {
    expect(groupBy([], (x: number) => x).size).toBe(0);
  });
});
