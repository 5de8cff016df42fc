import type { ChangeFeed } from '../../db/change-feed.js';
import type { SqlClient } from '../../db/sql-client.js';

/** The channel the users trigger of migration 0010 notifies, with the user's id as payload. */
export const USER_AUTH_CHANNEL = 'cedar_user_auth';

/**
 * A per-process cache of the user rows authentication reads, so a signed-in request costs no
 * extra query. Correctness: every change of role, e-mail, active flag or session version fires a
 * NOTIFY (migration 0010) that drops the entry in every process (through the process's
 * ChangeFeed), and a cached row is used only after the feed's barrier (`sync`), so a change
 * committed anywhere before the request is always seen; writes made by this process also drop it
 * synchronously (`invalidate`). A row fetched while an invalidation arrived is not stored
 * (generation check). While the feed is not live the cache is bypassed. Entries also expire after
 * `ttlMs` (default 60 000 ms) as a safety net.
 */
export class UserAuthCache<Row> {
  private readonly rows = new Map<number, { row: Row; storedAt: number }>();
  private generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly options: { ttlMs?: number; maxEntries?: number } = {},
  ) {
    feed.on(USER_AUTH_CHANNEL, (payload) => this.invalidate(Number(payload)));
    feed.onLost(() => this.clear());
  }

  /** The cached row of `userId`, else `load()`'s (stored when nothing changed meanwhile). */
  async read(userId: number, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    const cached = this.rows.get(userId);
    // The barrier makes the cached row exact: a change committed anywhere before now has arrived.
    if (cached && Date.now() - cached.storedAt < (this.options.ttlMs ?? 60_000) && (await this.feed.sync()) && this.rows.get(userId) === cached) {
      return cached.row;
    }
    const generation = this.generation;
    const row = await load();
    if (row !== undefined && this.feed.live && generation === this.generation) {
      if (this.rows.size >= (this.options.maxEntries ?? 10_000)) this.rows.clear();
      this.rows.set(userId, { row, storedAt: Date.now() });
    }
    return row;
  }

  invalidate(userId: number): void {
    this.generation += 1;
    this.rows.delete(userId);
  }

  clear(): void {
    this.generation += 1;
    this.rows.clear();
  }
}

const caches = new WeakMap<SqlClient, Set<UserAuthCache<unknown>>>();

/** Registers a cache for `invalidateUserAuth` on the same database handle. */
export function registerUserAuthCache(sql: SqlClient, cache: UserAuthCache<unknown>): () => void {
  const set = caches.get(sql) ?? new Set();
  caches.set(sql, set);
  set.add(cache);
  return () => set.delete(cache);
}

/** Call after committing a change to a user's role, e-mail, active flag or password (session version). */
export function invalidateUserAuth(sql: SqlClient, userId: number): void {
  for (const cache of caches.get(sql) ?? []) cache.invalidate(userId);
}
