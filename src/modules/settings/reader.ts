import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { defaultSettings } from './defaults.js';
import { isSettingKey, settingSchemas } from './schemas.js';
import type { KnownSettings, SettingKey } from './types.js';

/** A stored value that fails its key's schema: the key's default is used instead. */
export interface SettingProblem {
  key: SettingKey;
  /** What is wrong, with the path inside the value (`lessonCents.30: …`). */
  message: string;
}

/** One read of the settings: stored values over the defaults, and the stored values refused. */
export interface SettingsRead {
  settings: KnownSettings;
  problems: SettingProblem[];
}

/**
 * The settings from stored rows over `defaults`. Each stored value of a known key is validated with
 * that key's schema (the one PUT /settings/{key} uses); an invalid one is reported and its default
 * used, so a bad row never breaks a rule. Rows of other keys (the demo marker) are ignored. The
 * result is frozen: callers share it.
 */
export function settingsFromRows(rows: readonly { key: string; value: unknown }[], defaults: KnownSettings): SettingsRead {
  const settings: KnownSettings = { ...defaults };
  const problems: SettingProblem[] = [];
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    const problem = storeParsed(settings, row.key, row.value);
    if (problem) problems.push({ key: row.key, message: problem });
  }
  return { settings: deepFreeze(settings), problems };
}

/** Sets `settings[key]` to the parsed `value`, or returns why it is invalid (leaving the default). */
function storeParsed<K extends SettingKey>(settings: KnownSettings, key: K, value: unknown): string | undefined {
  const parsed = settingSchemas[key].safeParse(value);
  if (parsed.success) {
    settings[key] = parsed.data;
    return undefined;
  }
  return parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Reads and validates the settings through `sql` (one query, e.g. in a transaction), uncached. */
export async function readSettings(sql: SqlExecutor, defaults: KnownSettings): Promise<SettingsRead> {
  const rows = await sql.query<{ key: string; value: unknown }>('SELECT key, value FROM settings');
  return settingsFromRows(rows, defaults);
}

export interface SchoolSettingsOptions {
  /** How long a read is reused, in ms (SETTINGS_CACHE_MS); 0 reads the database on every call. */
  ttlMs: number;
  /** SCHOOL_TIMEZONE: the default of `timezone` and `school.timezone`. */
  timezone: string;
  /** A monotonic clock in ms that times the reuse; default `performance.now`. */
  clock?: () => number;
}

/**
 * The one reader of the school's settings: validated (`settingsFromRows`) and cached for `ttlMs`.
 * Writes through the settings routes call `invalidate()`, so they show at the next read in this
 * process; a change made by another process (or by plain SQL) shows after at most `ttlMs`.
 *
 * - `get()` for rules, workflows and writes: a copy at most `ttlMs` old.
 * - `fresh()` for answers the read cache may keep (exact only if built from current data).
 * - inside a transaction, `readSettings(tx, defaults)` (on PGlite the transaction holds the only
 *   connection): validated the same way, not cached.
 */
export class SchoolSettings {
  /** The value of every key that is not stored (or whose stored value is invalid). */
  readonly defaults: KnownSettings;
  private cached: { at: number; value: Promise<KnownSettings> } | undefined;
  private lastProblems: readonly SettingProblem[] = [];
  private readonly listeners = new Set<(problems: readonly SettingProblem[]) => void>();
  private readonly clock: () => number;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: SchoolSettingsOptions,
  ) {
    this.defaults = deepFreeze(defaultSettings({ timezone: options.timezone }));
    this.clock = options.clock ?? (() => performance.now());
  }

  /**
   * The settings as read at most `maxAgeMs` ago (default `ttlMs`; 0: read now). Callers arriving
   * while a read is under way share it. A read that is needed goes through `through` when given:
   * inside a transaction that only reads settings, its executor (on PGlite a query on the pool
   * would wait for the transaction to end).
   */
  get(maxAgeMs: number = this.options.ttlMs, through: SqlExecutor = this.sql): Promise<KnownSettings> {
    const now = this.clock();
    const cached = this.cached;
    if (cached && maxAgeMs > 0 && now - cached.at < maxAgeMs) return cached.value;
    const value = readSettings(through, this.defaults).then((read) => this.reported(read));
    if (this.options.ttlMs > 0) {
      const entry = { at: now, value };
      this.cached = entry;
      value.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return value;
  }

  /** The settings read now (and kept for the next `get`). */
  fresh(): Promise<KnownSettings> {
    return this.get(0);
  }

  /** Drops the cached copy: the next `get` reads the database. Called after every settings write. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The stored values refused by the last read (their defaults were used). */
  get problems(): readonly SettingProblem[] {
    return this.lastProblems;
  }

  /** Calls `listener` each time a read finds a different, non-empty set of problems. Returns the unsubscribe. */
  onProblems(listener: (problems: readonly SettingProblem[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reported(read: SettingsRead): KnownSettings {
    const changed = JSON.stringify(read.problems) !== JSON.stringify(this.lastProblems);
    this.lastProblems = read.problems;
    if (changed && read.problems.length > 0) for (const listener of this.listeners) listener(read.problems);
    return read.settings;
  }
}

const readers = new WeakMap<Database, SchoolSettings>();

/**
 * The settings reader of `db` in this process: one per database, so that every module reads the
 * same copy and a write through the settings routes invalidates it for all of them. The first
 * call fixes its options (TTL from SETTINGS_CACHE_MS, default zone from SCHOOL_TIMEZONE).
 */
export function schoolSettings(db: Database, config: Pick<AppConfig, 'settingsCacheMs' | 'schoolTimezone'>): SchoolSettings {
  let reader = readers.get(db);
  if (!reader) {
    reader = new SchoolSettings(db.sql, { ttlMs: config.settingsCacheMs, timezone: config.schoolTimezone });
    readers.set(db, reader);
  }
  return reader;
}
