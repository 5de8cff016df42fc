import { describe, expect, it } from 'vitest';
import { ChangeFeed, DATA_CHANGED_CHANNEL } from './change-feed.js';
import type { SqlClient, Subscription } from './sql-client.js';

/** A listening connection whose pings are answered by hand, to watch the feed's batching. */
function manualListener() {
  const pending: (() => void)[] = [];
  let notify: (channel: string, payload: string) => void = () => undefined;
  let lose: () => void = () => undefined;
  let listens = 0;
  const sql = {
    kind: 'postgres',
    async listen(_channels: readonly string[], onNotify: typeof notify, onLost: () => void): Promise<Subscription> {
      listens += 1;
      notify = onNotify;
      lose = onLost;
      return {
        ping: () => new Promise<void>((resolve) => pending.push(resolve)),
        stop: async () => undefined,
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
});
