import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { asCaller } from '../auth/scoped.js';
import { auditLog } from '../../db/schema/audit.js';
import { callerOf } from '../auth/caller.js';
import { boundedInstant } from '../../http/date-schemas.js';
import { offsetOf, pageOf, pageQuery } from '../../http/pagination.js';
import { errors, idNumber, security, toIso } from '../records/common.js';

const auditQuery = pageQuery.extend({
  entity: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('student, teacher, teacher_availability, teacher_time_off, setting, academic_year, semester, closure, user, lesson …'),
  entityId: z.string().trim().min(1).max(100).optional(),
  actorId: idNumber.optional(),
  action: z.string().trim().min(1).max(50).optional().describe('create, update, delete …'),
  from: boundedInstant.optional().describe('At or after this instant'),
  to: boundedInstant.optional().describe('Before this instant'),
});

const auditEntry = z.object({
  id: z.number().int(),
  actorId: z.number().int().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});

/** GET /api/v1/audit (admin): who changed what and when, with the record before and after; newest first. */
export const auditRoutes =
  (db: Database): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/audit',
      {
        config: { access: ['admin'] },
        schema: { tags: ['audit'], security, summary: 'Query the audit log', querystring: auditQuery, response: { 200: pageOf(auditEntry), ...errors } },
      },
      async (request) => {
        const q = request.query;
        const conditions: SQL[] = [];
        if (q.entity) conditions.push(eq(auditLog.entity, q.entity));
        if (q.entityId) conditions.push(eq(auditLog.entityId, q.entityId));
        if (q.actorId) conditions.push(eq(auditLog.actorId, q.actorId));
        if (q.action) conditions.push(eq(auditLog.action, q.action));
        if (q.from) conditions.push(gte(auditLog.createdAt, new Date(q.from)));
        if (q.to) conditions.push(lt(auditLog.createdAt, new Date(q.to)));
        const where = and(...conditions);
        return asCaller(db, callerOf(request), async (tx) => {
          const rows = await tx.select().from(auditLog).where(where).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(q.pageSize).offset(offsetOf(q));
          const total = await tx.$count(auditLog, where);
          return { data: rows.map((r) => ({ ...r, before: r.before ?? null, after: r.after ?? null, createdAt: toIso(r.createdAt) })), page: q.page, pageSize: q.pageSize, total };
        });
      },
    );
  };
