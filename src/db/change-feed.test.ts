import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeFeed, DATA_CHANGED_CHANNEL } from './change-feed.js';
import type { SqlClient, Subscription } from './sql-client.js';

/** A listening connection whose pings are answered by hand, to watch the feed's batching. */
function manualListener() {
  const pending: (() => void)[] = [];
  let notify: (channel: string, payload: string) => void = () => undefined;
  let lose: () => void = () => undefined;
  let listens = 0;
  let refusals = 0;
  let abandoned = 0;
  const sql = {
    kind: 'postgres',
    async listen(_channels: readonly string[], onNotify: typeof notify, onLost: () => void): Promise<Subscription> {
      listens += 1;
      if (refusals > 0) {
        refusals -= 1;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      }
      notify = onNotify;
      lose = onLost;
      return {
        ping: () => new Promise<void>((resolve) => pending.push(resolve)),
        stop: async () => undefined,
        abandon: () => void (abandoned += 1),
      };
    },
  } as unknown as SqlClient;
  return {
    sql,
    pings: () => pending.length,
    answerNext: async () => {
      pending.shift()?.();
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
    },
    notify: (channel: string, payload: string) => notify(channel, payload),
    lose: () => lose(),
    listens: () => listens,
    /** The next `count` tries to listen fail as if the database were down. */
    refuse: (count: number) => void (refusals = count),
    abandoned: () => abandoned,
  };
}

describe('ChangeFeed', () => {
  it('is not live, and syncs false, before it starts', async () => {
    const feed = new ChangeFeed(manualListener().sql);
    expect(feed.live).toBe(false);
    expect(await feed.sync()).toBe(false);
  });

  it('counts data changes, and hands other channels to their handlers', async () => {
    const listener = manualListener();
    const feed = new ChangeFeed(listener.sql);
    const users: string[] = [];
    feed.on('cedar_user_auth', (payload) => users.push(payload));
    await feed.start();
    const before = feed.version;
    listener.notify(DATA_CHANGED_CHANNEL, 'students');
    listener.notify(DATA_CHANGED_CHANNEL, 'lessons');
    listener.notify('cedar_user_auth', '7');
    expect(feed.version).toBe(before + 2);
    expect(users).toEqual(['7']);
  });

  it('lets callers that arrive while a barrier is in flight share the next one', async () => {
    const listener = manualListener();
    const feed = new ChangeFeed(listener.sql);
    await feed.start();
    const first = feed.sync();
    expect(listener.pings()).toBe(1);
    const later = Array.from({ length: 10 }, () => feed.sync());
    expect(listener.pings()).toBe(1); // they wait: the first ping may have left before they came
    let laterDone = false;
    void Promise.all(later).then(() => (laterDone = true));
    await listener.answerNext();
    expect(await first).toBe(true);
    expect(laterDone).toBe(false);
    expect(listener.pings()).toBe(1); // the shared second barrier
    await listener.answerNext();
    expect(await Promise.all(later)).toEqual(Array(10).fill(true));
  });

  it('skips the round trip for a request whose barrier another cache already passed', async () => {
    const listener = manualListener();
    const feed = new ChangeFeed(listener.sql);
    await feed.start();
    const mark = feed.mark();
    const barrier = feed.sync();
    await listener.answerNext();
    await barrier;
    expect(await feed.syncedSince(mark)).toBe(true);
    expect(listener.pings()).toBe(0);
    void feed.syncedSince(feed.mark()); // a newer request needs its own barrier
    expect(listener.pings()).toBe(1);
  });

  it('stops trusting when listening is lost, tells the caches, and listens again', async () => {
    const listener = manualListener();
    const feed = new ChangeFeed(listener.sql, { retryMs: 10 });
    let lost = 0;
    feed.onLost(() => (lost += 1));
    await feed.start();
    const version = feed.version;
    listener.lose();
    expect(feed.live).toBe(false);
    expect(lost).toBe(1);
    expect(feed.version).toBeGreaterThan(version);
    expect(await feed.sync()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.listens()).toBe(2);
    expect(feed.live).toBe(true);
    await feed.stop();
    expect(feed.live).toBe(false);
  });

  describe('through a database outage', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('keeps trying to listen again with growing waits until the database is back, then holds one subscription', async () => {
      vi.useFakeTimers();
      const listener = manualListener();
      // Waits: between half and all of 100, 200, 400, 400 … ms.
      const feed = new ChangeFeed(listener.sql, { retryMs: 100, maxRetryMs: 400 });
      let lost = 0;
      feed.onLost(() => (lost += 1));
      await feed.start();
      listener.refuse(5);
      listener.lose();
      expect(feed.live).toBe(false);
      await vi.advanceTimersByTimeAsync(49);
      expect(listener.listens()).toBe(1); // no try before the first wait
      await vi.advanceTimersByTimeAsync(300 - 49);
      expect(listener.listens()).toBe(3); // two refused tries by 300 ms; the third comes after 350 ms at the earliest
      await vi.advanceTimersByTimeAsync(1_900 - 300);
      expect(listener.listens()).toBe(7); // five refused, the sixth listens
      expect(feed.live).toBe(true);
      expect(lost).toBe(1);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(listener.listens()).toBe(7); // listening: no more tries
      const version = feed.version;
      listener.lose(); // a second outage is survived the same way
      expect(feed.live).toBe(false);
      expect(feed.version).toBeGreaterThan(version);
      await vi.advanceTimersByTimeAsync(100);
      expect(listener.listens()).toBe(8);
      expect(feed.live).toBe(true);
      expect(lost).toBe(2);
      await feed.stop();
    });

    it('counts a barrier left unanswered (a cut network sends no error) as a lost connection', async () => {
      vi.useFakeTimers();
      const listener = manualListener();
      const feed = new ChangeFeed(listener.sql, { retryMs: 100, pingTimeoutMs: 1_000 });
      let lost = 0;
      feed.onLost(() => (lost += 1));
      await feed.start();
      const barrier = feed.sync();
      await vi.advanceTimersByTimeAsync(999);
      expect(feed.live).toBe(true);
      await vi.advanceTimersByTimeAsync(1);
      expect(await barrier).toBe(false); // the caller reads from the database instead of waiting on
      expect(feed.live).toBe(false);
      expect(lost).toBe(1);
      expect(listener.abandoned()).toBe(1);
      await vi.advanceTimersByTimeAsync(100);
      expect(feed.live).toBe(true);
      await feed.stop();
    });

    it('stops trying once stopped', async () => {
      vi.useFakeTimers();
      const listener = manualListener();
      const feed = new ChangeFeed(listener.sql, { retryMs: 100 });
      await feed.start();
      listener.refuse(100);
      listener.lose();
      await vi.advanceTimersByTimeAsync(1_000);
      const tries = listener.listens();
      await feed.stop();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(listener.listens()).toBe(tries);
    });
  });
});
