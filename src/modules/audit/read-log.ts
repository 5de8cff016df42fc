/**
 * Read logging: a 200 answer of a route marked `config.readLog` (a family's full record: a user's
 * account, a student, a lesson with its notes) read by staff (admin, teacher) is written to the
 * audit log as `action: 'read'` with the entity and id read, so `GET /api/v1/audit?action=read&
 * entity=student&entityId=…` answers who saw a child's data. Answers served from the read cache are
 * logged the same way (the hook sees every answer). Not logged: a parent or student reading (they
 * only reach their own family's records), a user reading their own account, refusals and errors.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SqlExecutor } from '../../db/sql-client.js';

/** What a logged read names: the audit entity, and the path parameter holding its id (default `id`). */
export interface ReadLogTarget {
  /** The audit entity: `user`, `student`, `lesson` today (an export download may name `export`). */
  entity: string;
  param?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reads of this route by staff are written to the audit log (src/modules/audit/read-log.ts). */
    readLog?: ReadLogTarget;
  }
  interface FastifyInstance {
    /** Resolves once every read-log row of the answers sent so far is written (tests; shutdown). */
    readLogSettled(): Promise<void>;
  }
}

const STAFF = new Set(['admin', 'teacher']);

/** The row to write for `request`'s answer, or undefined when the read is not logged. */
function readEntryOf(request: FastifyRequest, statusCode: number): { entity: string; entityId: string } | undefined {
  const target = request.routeOptions.config.readLog;
  const caller = request.principal;
  if (!target || statusCode !== 200 || !caller || !STAFF.has(caller.role)) return undefined;
  const entityId = (request.params as Record<string, unknown> | undefined)?.[target.param ?? 'id'];
  if (entityId === undefined || entityId === null) return undefined;
  if (target.entity === 'user' && Number(entityId) === caller.userId) return undefined;
  return { entity: target.entity, entityId: String(entityId) };
}

interface ReadRow {
  actorId: number;
  actorRole: string;
  entity: string;
  entityId: string;
  route: string | null;
  requestId: string;
}

/** Most rows one INSERT carries. */
const MAX_BATCH = 500;

/**
 * Writes read rows with group commit: one INSERT at a time; rows arriving while it runs wait and
 * go together in the next one. Under load a read costs a share of one INSERT and one commit
 * instead of its own; idle, a row is written at once (no timer).
 */
class ReadLogWriter {
  private queue: ReadRow[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly onError: (error: unknown, rows: readonly ReadRow[]) => void,
  ) {}

  add(row: ReadRow): void {
    this.queue.push(row);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves once every row added so far is written (or its failure logged). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const rows = this.queue.splice(0, MAX_BATCH);
      try {
        await this.sql.query(
          `INSERT INTO audit_log (actor_id, actor_role, action, entity, entity_id, after, request_id)
           SELECT actor_id, actor_role, 'read', entity, entity_id, jsonb_build_object('route', route), request_id
             FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r(actor_id, actor_role, entity, entity_id, route, request_id)`,
          [
            rows.map((r) => r.actorId),
            rows.map((r) => r.actorRole),
            rows.map((r) => r.entity),
            rows.map((r) => r.entityId),
            rows.map((r) => r.route),
            rows.map((r) => r.requestId),
          ],
        );
      } catch (error) {
        this.onError(error, rows);
      }
    }
  }
}

/**
 * Installs the hook. Rows are written in `onResponse`, after the answer went out, through the pool
 * (`sql`, the owner's connection: audit_log is not writable by the request role), batched by
 * ReadLogWriter: the reader waits for nothing, and under load many reads share one INSERT. A row
 * is queued only in this process's memory until its INSERT commits (normally well under a
 * millisecond idle); a failed INSERT is logged as an error naming the reads it held (the answers
 * cannot be recalled at that point), and `close()` waits for the queue.
 */
export function installReadLog(app: FastifyInstance, sql: SqlExecutor): void {
  const writer = new ReadLogWriter(sql, (error, rows) =>
    app.log.error(
      { err: error, reads: rows.map((r) => ({ entity: r.entity, entityId: r.entityId, actorId: r.actorId, requestId: r.requestId })) },
      'reads of family records could not be logged',
    ),
  );
  app.decorate('readLogSettled', () => writer.settled());
  app.addHook('onResponse', (request, reply, done) => {
    const entry = readEntryOf(request, reply.statusCode);
    if (entry) {
      const caller = request.principal!;
      writer.add({ actorId: caller.userId, actorRole: caller.role, ...entry, route: request.routeOptions.url ?? null, requestId: request.id });
    }
    done();
  });
  app.addHook('onClose', async () => {
    await writer.settled();
  });
}
