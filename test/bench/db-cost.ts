/**
 * What one database costs PostgreSQL during a benchmark phase: write transactions and WAL, read
 * exactly from the WAL itself (pg_walinspect, PostgreSQL 15+, superuser), and every committed
 * transaction, read-only ones included, from pg_stat_database.
 *
 * The server may be shared (other databases busy at the same time): WAL records are attributed
 * to the measured database by the relations they touch (block references `rel spc/db/rel`) and
 * by transaction id. Commit records of transactions that wrote no data record (a NOTIFY alone,
 * `pg_notify` included) name no database; they are counted as "bare" commits of ANY database
 * and reported apart, with the other databases' commits in the same window, so a reader can
 * tell whether the server was quiet.
 */
import pg from 'pg';

/** The WAL of one phase, attributed to the measured database. */
export interface WalCost {
  /** COMMIT records of transactions that changed the measured database's relations. */
  dataCommits: number;
  /** COMMIT records without any data record of the same transaction (NOTIFY only), any database. */
  bareCommits: number;
  /** COMMIT records of transactions that changed other databases (other users of the server). */
  otherCommits: number;
  /** ABORT records of transactions that changed the measured database. */
  aborts: number;
  /** Records attributed to the measured database: its relations, its transactions, bare commits. */
  records: number;
  /** Their bytes (record_length: header, data and full-page images; without page headers and alignment). */
  bytes: number;
  /** Of `bytes`, the full-page images (first change of a page after a checkpoint). */
  fpiBytes: number;
  /** pg_wal_lsn_diff over the window: everything the server wrote, every database. */
  serverBytes: number;
  /** With `detail`: the measured database's data records by relation (commit records are not in it). */
  relations?: RelationWal[];
}

/** The WAL records of one relation (a table or an index) in a window. */
export interface RelationWal {
  relation: string;
  records: number;
  bytes: number;
  /** Record types, e.g. `HOT_UPDATE, INSERT, LOCK`. */
  types: string;
}

/** A phase's window in the WAL. */
export interface WalWindow {
  start: string;
  end: string;
}

/** pg_stat's flush delay in PostgreSQL 15+: an idle backend reports its counters within 10 s (+1 s minimum interval). */
const STATS_SETTLE_MS_15 = 11_500;
/** Before 15 the statistics collector received counters every 500 ms. */
const STATS_SETTLE_MS_OLD = 700;

/**
 * One connection to the measured database (pg_walinspect, a temporary replication slot keeping
 * the WAL until it is read) and one to `adminUrl`'s database (counters and WAL positions). The
 * counters are read from the other database, and the measured database's connection works only
 * after a window closed, so none of the meter's statements fall in a measured window.
 */
export class DbCostMeter {
  private constructor(
    private readonly inspect: pg.Client,
    private readonly admin: pg.Client,
    private readonly database: { name: string; oid: number },
    /** pg_walinspect installed: write transactions and attributed WAL can be read. */
    readonly walInspect: boolean,
    /** Milliseconds after which every backend has reported its counters to pg_stat_database. */
    readonly statsSettleMs: number,
    private readonly serverVersion: number,
  ) {}

  /** `url`: the measured database; `adminUrl`: another database on the same server. */
  static async open(url: string, adminUrl: string): Promise<DbCostMeter> {
    const inspect = new pg.Client({ connectionString: url });
    const admin = new pg.Client({ connectionString: adminUrl });
    // A connection ended by the server (the scratch database dropped) must not be an uncaught error.
    inspect.on('error', () => undefined);
    admin.on('error', () => undefined);
    await inspect.connect();
    await admin.connect();
    const [info] = (
      await inspect.query<{ name: string; oid: number; version: number }>(
        `SELECT current_database() AS name, oid::int AS oid, current_setting('server_version_num')::int AS version
       FROM pg_database WHERE datname = current_database()`,
      )
    ).rows;
    if (!info) throw new Error('current database not found in pg_database');
    let walInspect = false;
    try {
      await inspect.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
      // Keeps every WAL segment from now on until this connection ends (a checkpoint would recycle them).
      await inspect.query(`SELECT pg_create_physical_replication_slot($1, true, true)`, [`ch_bench_cost_${process.pid}_${Date.now().toString(36)}`]);
      walInspect = true;
    } catch {
      // not a superuser, or the contrib module is not installed: server-wide WAL only
    }
    const settle = Number(process.env.BENCH_STATS_SETTLE_MS ?? (info.version >= 150000 ? STATS_SETTLE_MS_15 : STATS_SETTLE_MS_OLD));
    return new DbCostMeter(inspect, admin, { name: info.name, oid: info.oid }, walInspect, settle, info.version);
  }

  /** The current WAL insert position. */
  async lsn(): Promise<string> {
    const { rows } = await this.admin.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
    return rows[0]!.lsn;
  }

  /** Runs `work` between two WAL positions. */
  async window<T>(work: () => Promise<T>): Promise<{ result: T; window: WalWindow }> {
    const start = await this.lsn();
    const result = await work();
    return { result, window: { start, end: await this.lsn() } };
  }

  /** Committed transactions of the measured database so far (pg_stat_database.xact_commit; see `settle`). */
  async commits(): Promise<number> {
    const { rows } = await this.admin.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1', [this.database.name]);
    return Number(rows[0]?.n ?? NaN);
  }

  /** Waits until every backend has reported the transactions it ended before the call. */
  settle(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.statsSettleMs));
  }

  /**
   * Attributes the WAL of `window` (see WalCost); `detail` adds the records by relation. Without
   * pg_walinspect only `serverBytes` is known (the rest NaN).
   */
  async walCost(window: WalWindow, detail = false): Promise<WalCost> {
    const { rows: diff } = await this.admin.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::text AS bytes', [window.start, window.end]);
    const serverBytes = Number(diff[0]?.bytes ?? NaN);
    if (!this.walInspect) {
      return { dataCommits: NaN, bareCommits: NaN, otherCommits: NaN, aborts: NaN, records: NaN, bytes: NaN, fpiBytes: NaN, serverBytes };
    }
    await this.flushedPast(window.end);
    const { rows } = await this.inspect.query<Record<'data_commits' | 'bare_commits' | 'other_commits' | 'aborts' | 'records' | 'bytes' | 'fpi_bytes', string>>(
      `WITH r AS (
         SELECT xid::text::bigint AS xid, resource_manager = 'Transaction' AND record_type IN ('COMMIT', 'COMMIT_PREPARED') AS is_commit,
                resource_manager = 'Transaction' AND record_type IN ('ABORT', 'ABORT_PREPARED') AS is_abort,
                record_length AS len, fpi_length AS fpi, substring(block_ref FROM 'rel \\d+/(\\d+)/')::bigint AS db
         FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
       ), x AS (
         SELECT xid, bool_or(db = $3) AS mine, bool_or(db NOT IN (0, $3)) AS other
         FROM r WHERE xid <> 0 GROUP BY xid
       ), a AS (
         SELECT r.*, coalesce(x.mine, false) AS mine, coalesce(x.other, false) AS other FROM r LEFT JOIN x USING (xid)
       )
       SELECT count(*) FILTER (WHERE is_commit AND mine) AS data_commits,
              count(*) FILTER (WHERE is_commit AND xid <> 0 AND NOT mine AND NOT other) AS bare_commits,
              count(*) FILTER (WHERE is_commit AND other AND NOT mine) AS other_commits,
              count(*) FILTER (WHERE is_abort AND mine) AS aborts,
              count(*) FILTER (WHERE mine OR db = $3 OR (is_commit AND NOT other)) AS records,
              coalesce(sum(len) FILTER (WHERE mine OR db = $3 OR (is_commit AND NOT other)), 0) AS bytes,
              coalesce(sum(fpi) FILTER (WHERE mine OR db = $3), 0) AS fpi_bytes
       FROM a`,
      [window.start, window.end, this.database.oid],
    );
    const relations = detail ? await this.byRelation(window) : undefined;
    // This connection's transactions end before the next window's counters are read.
    if (this.serverVersion >= 150000) await this.inspect.query('SELECT pg_stat_force_next_flush()');
    const row = rows[0]!;
    return {
      ...(relations ? { relations } : {}),
      dataCommits: Number(row.data_commits),
      bareCommits: Number(row.bare_commits),
      otherCommits: Number(row.other_commits),
      aborts: Number(row.aborts),
      records: Number(row.records),
      bytes: Number(row.bytes),
      fpiBytes: Number(row.fpi_bytes),
      serverBytes,
    };
  }

  private async byRelation(window: WalWindow): Promise<RelationWal[]> {
    const { rows } = await this.inspect.query<{ relation: string; records: string; bytes: string; types: string }>(
      `WITH r AS (
         SELECT record_type AS rt, record_length AS len, substring(block_ref FROM 'rel \\d+/\\d+/(\\d+)')::oid AS node
         FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
         WHERE substring(block_ref FROM 'rel \\d+/(\\d+)/')::bigint = $3
       )
       SELECT coalesce(c.oid::regclass::text, 'filenode ' || r.node) AS relation, count(*)::text AS records, sum(len)::text AS bytes,
              string_agg(DISTINCT rt, ', ' ORDER BY rt) AS types
       FROM r LEFT JOIN pg_class c ON c.relfilenode = r.node
       GROUP BY 1 ORDER BY sum(len) DESC`,
      [window.start, window.end, this.database.oid],
    );
    return rows.map((r) => ({ relation: r.relation, records: Number(r.records), bytes: Number(r.bytes), types: r.types }));
  }

  /**
   * Waits until the WAL is flushed up to `lsn` (pg_walinspect reads flushed WAL only). A
   * transaction that writes no data commits without a flush, so after one the WAL writer's next
   * round (wal_writer_delay, default 200 ms) is awaited; gives up after 10 s.
   */
  private async flushedPast(lsn: string): Promise<void> {
    await this.inspect.query('SELECT pg_current_xact_id()'); // something to flush after `lsn`
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const { rows } = await this.admin.query<{ done: boolean }>('SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS done', [lsn]);
      if (rows[0]?.done) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`WAL not flushed up to ${lsn} after 10 s`);
  }

  async close(): Promise<void> {
    await this.inspect.end().catch(() => undefined);
    await this.admin.end().catch(() => undefined);
  }
}
