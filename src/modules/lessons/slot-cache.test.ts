import { describe, expect, it } from 'vitest';
import { lessonsChanged, SlotCache } from './slot-cache.js';

describe('SlotCache', () => {
  it('serves an entry until it expires', () => {
    let now = 0;
    const cache = new SlotCache(1000, 10, () => now);
    cache.set('a', '[1]');
    now = 999;
    expect(cache.get('a')).toBe('[1]');
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops everything when a lesson changes', () => {
    const cache = new SlotCache(60_000, 10, () => 0);
    cache.set('a', '[1]');
    lessonsChanged();
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps at most maxEntries (oldest out first) and caches nothing with ttl 0', () => {
    const cache = new SlotCache(60_000, 2, () => 0);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, '2', '3']);
    const off = new SlotCache(0, 2, () => 0);
    off.set('a', '1');
    expect(off.get('a')).toBeUndefined();
  });
});
