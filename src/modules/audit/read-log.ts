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
import { recordAudit } from './record.js';

/** What a logged read names: the audit entity, and the path parameter holding its id (default `id`). */
export interface ReadLogTarget {
  entity: 'user' | 'student' | 'lesson';
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

/**
 * Installs the hook. The row is written in `onResponse`, after the answer went out, through the
 * pool (`sql`, the owner's connection: audit_log is not writable by the request role): the reader
 * waits for nothing, and a read costs one INSERT round trip off the request's path. The write is
 * awaited by the hook (not dropped), and a failure is logged as an error with the request id; the
 * answer cannot be recalled at that point, so a lost database means a lost read entry, said loudly.
 */
export function installReadLog(app: FastifyInstance, sql: SqlExecutor): void {
  const pending = new Set<Promise<void>>();
  app.decorate('readLogSettled', async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  });
  app.addHook('onResponse', async (request, reply) => {
    const entry = readEntryOf(request, reply.statusCode);
    if (!entry) return;
    const caller = request.principal!;
    const write = recordAudit(
      sql,
      { userId: caller.userId, role: caller.role, requestId: request.id },
      { action: 'read', ...entry, after: { route: request.routeOptions.url ?? null } },
    )
      .catch((error: unknown) => request.log.error({ err: error, ...entry }, 'the read of a family record could not be logged'))
      .finally(() => pending.delete(write));
    pending.add(write);
    await write;
  });
  app.addHook('onClose', async () => {
    await app.readLogSettled();
  });
}
