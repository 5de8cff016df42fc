import { createHash } from 'node:crypto';
import pg from 'pg';

/** Distinct statements prepared per connection at most; past it, statements run unprepared. */
const MAX_PREPARED_PER_CONNECTION = 2_000;

const names = new Map<string, string>();

/** A stable statement name for `text` (same text → same name in every connection). */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `ch_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size < 50_000) names.set(text, name);
  }
  return name;
}

type QueryConfigLike = { text: string; name?: string; values?: unknown[] };

/**
 * A node-postgres client that runs every parameterised statement as a named prepared statement,
 * so PostgreSQL parses and plans each distinct query once per connection instead of on every
 * call (planning was most of the cost of the school's reads: ~1.7 ms of a 3 ms list query).
 * Statements without parameters (scripts, BEGIN/COMMIT, multi-statement strings) are left alone.
 * Needs a session-level connection: works on PostgreSQL and Supabase's session pooler, not behind
 * a transaction-mode pooler (turn it off with DATABASE_PREPARED_STATEMENTS=false there).
 */
export class PreparingClient extends pg.Client {
  /** Statements prepared on this connection so far. */
  preparedCount = 0;
}

type AnyQuery = (this: pg.Client, ...args: unknown[]) => unknown;
const baseQuery = pg.Client.prototype.query as unknown as AnyQuery;

/** Adds a statement name to parameterised queries (see PreparingClient). */
function preparingQuery(this: PreparingClient, ...args: unknown[]): unknown {
  const [first, second] = args;
  if (this.preparedCount < MAX_PREPARED_PER_CONNECTION) {
    if (typeof first === 'string' && Array.isArray(second) && second.length > 0) {
      this.preparedCount += 1;
      const config: QueryConfigLike = { name: statementName(first), text: first, values: second };
      return baseQuery.call(this, config, ...args.slice(2));
    }
    if (first !== null && typeof first === 'object' && 'text' in first) {
      const config = first as QueryConfigLike;
      const values = config.values ?? (Array.isArray(second) ? (second as unknown[]) : undefined);
      if (!config.name && values && values.length > 0) {
        this.preparedCount += 1;
        return baseQuery.call(this, { ...config, name: statementName(config.text) }, ...args.slice(1));
      }
    }
  }
  return baseQuery.apply(this, args);
}
(PreparingClient.prototype as unknown as { query: AnyQuery }).query = preparingQuery as AnyQuery;
