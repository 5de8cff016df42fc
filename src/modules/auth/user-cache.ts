import type { SqlClient } from '../../db/sql-client.js';

/** The channel the users trigger of migration 0010 notifies, with the user's id as payload. */
export const USER_AUTH_CHANNEL = 'cedar_user_auth';

/**
 * A per-process cache of the user rows authentication reads, so a signed-in request costs no
 * extra query. Correctness: every change of role, e-mail, active flag or session version fires a
 * NOTIFY (migration 0010) that drops the entry in every process; writes made by this process drop
 * it synchronously too (`invalidate`), so the next request sees them. A row fetched while an
 * invalidation arrived is not stored (generation check). Without a live LISTEN connection the
 * cache is bypassed. Entries also expire after `ttlMs` (default 60 000 ms) as a safety net.
 */
export class UserAuthCache<Row> {
  private readonly rows = new Map<number, { row: Row; storedAt: number }>();
  private generation = 0;
  private listening = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: { ttlMs?: number; maxEntries?: number } = {},
  ) {}

  /** Starts listening for invalidations; until it has, `read` always queries. */
  async start(): Promise<void> {
    if (this.listening || this.unlisten) return;
    this.unlisten = await this.sql.listen(
      USER_AUTH_CHANNEL,
      (payload) => this.invalidate(Number(payload)),
      () => {
        this.listening = false;
        this.unlisten = undefined;
        this.clear();
      },
    );
    this.listening = true;
  }

  async stop(): Promise<void> {
    this.listening = false;
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    this.clear();
    await unlisten?.();
  }

  /** The cached row of `userId`, else `load()`'s (stored when nothing changed meanwhile). */
  async read(userId: number, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    const cached = this.rows.get(userId);
    if (cached && this.listening && Date.now() - cached.storedAt < (this.options.ttlMs ?? 60_000)) return cached.row;
    const generation = this.generation;
    const row = await load();
    if (row !== undefined && this.listening && generation === this.generation) {
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
