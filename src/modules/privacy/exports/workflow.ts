/**
 * The `privacy-export` workflow (an access request, PIPEDA):
 *
 *   build → notify → expire
 *
 * - build: in one transaction, reads everything the school holds about the subject's family (the
 *   sources of sources.ts), writes the zip into the export row (ready, expires EXPORT_TTL_DAYS
 *   later) and the audit row (`action: read`, entity `user`, the subject; actor: the requester). The
 *   result is recorded with the transaction: a retried or resumed node builds nothing twice.
 * - notify: e-mails (and in-app) the requester a signed download link (`privacy_export_ready`),
 *   once (idempotency key of the run).
 * - expire: waits durably until the export expires (no worker held), then deletes the archive
 *   (status expired). The signal EXPORT_EXPIRE_SIGNAL ends the wait at once.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineNode, defineWorkflow, isPermanent, PermanentError, type TaskContext } from '../../../engine/index.js';
import { recordAudit } from '../../audit/record.js';
import { sendNotification } from '../../notifications/send.js';
import { loadSchoolContext } from '../../notifications/school.js';
import type { SchoolServices } from '../../services.js';
import { collectFamilyData } from './collect.js';
import { type FamilySource, familySources } from './sources.js';
import { EXPORT_TTL_MS, exportLinkOf } from './link.js';
import { expireExport, failExport, readExport, storeArchive } from './store.js';
import { buildExportZip } from './zip.js';

export const PRIVACY_EXPORT_WORKFLOW = 'privacy-export';
/** Signal that ends an export's wait early: its archive is deleted now. */
export const EXPORT_EXPIRE_SIGNAL = 'privacy_export_expire';

export const privacyExportEvent = z.object({ exportId: z.number().int().min(1) });
type ExportEvent = z.infer<typeof privacyExportEvent>;
type Ctx = TaskContext<ExportEvent>;

const BUILD_ATTEMPTS = 3;

const builtOutput = z.object({
  userId: z.number().int(),
  requestedBy: z.number().int().nullable(),
  bytes: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  expiresAt: z.string(),
});
type Built = z.infer<typeof builtOutput>;

export interface PrivacyExportOptions {
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
  /** What belongs to a family; default `familySources` (tests add or break a source). */
  sources?: readonly FamilySource[];
}

export function buildPrivacyExportWorkflow(services: SchoolServices, options: PrivacyExportOptions = {}) {
  const { db, config, workflows, signingSecret } = services;
  const now = options.now ?? Date.now;
  const sources = options.sources ?? familySources;

  const build = defineNode<ExportEvent, Built>({
    id: 'build',
    description: "Collects the family's records into a zip stored in the export row; audited as a read",
    retry: { maxAttempts: BUILD_ATTEMPTS, initialDelayMs: 1_000 },
    timeoutMs: 5 * 60_000,
    output: builtOutput,
    process: async (ctx: Ctx) => {
      const { exportId } = ctx.event;
      try {
        return await ctx.transaction(async ({ sql }): Promise<Built> => {
          const row = await readExport(sql, exportId, { forUpdate: true });
          if (!row) throw new PermanentError(`privacy export ${exportId} does not exist`);
          const [subject] = await sql.query<{ name: string }>(`SELECT first_name || ' ' || last_name AS name FROM users WHERE id = $1`, [row.userId]);
          if (!subject) throw new PermanentError(`user ${row.userId} no longer exists`);
          if (row.status !== 'pending') throw new PermanentError(`privacy export ${exportId} is ${row.status}, not pending`);
          const school = await loadSchoolContext(sql, config.schoolTimezone);
          const readyAt = new Date(now());
          const expiresAt = new Date(readyAt.getTime() + EXPORT_TTL_MS);
          const kinds = await collectFamilyData(sql, row.userId, sources);
          const { zip, counts } = await buildExportZip({ schoolName: school.name, subject: { id: row.userId, name: subject.name }, createdAt: readyAt, expiresAt, kinds });
          await storeArchive(sql, exportId, { zip, sha256: createHash('sha256').update(zip).digest('hex'), counts, readyAt, expiresAt });
          const [requester] = await sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [row.requestedBy]);
          await recordAudit(
            sql,
            { userId: row.requestedBy, role: requester?.role ?? 'system' },
            { action: 'read', entity: 'user', entityId: row.userId, after: { privacyExportId: exportId, files: counts, bytes: zip.length } },
          );
          return { userId: row.userId, requestedBy: row.requestedBy, bytes: zip.length, counts, expiresAt: expiresAt.toISOString() };
        });
      } catch (error) {
        if (isPermanent(error) || ctx.attempt >= BUILD_ATTEMPTS) {
          await failExport(db.sql, exportId, error instanceof Error ? error.message : String(error));
          throw error instanceof PermanentError ? error : new PermanentError(error instanceof Error ? error.message : String(error));
        }
        throw error;
      }
    },
  });

  const notify = defineNode<ExportEvent, { notificationRunId: string | null }>({
    id: 'notify',
    description: 'E-mails the requester the signed download link (privacy_export_ready)',
    retry: { maxAttempts: 5, initialDelayMs: 1_000 },
    process: async (ctx: Ctx) => {
      const built = ctx.output(build);
      if (!built) throw new PermanentError('the build step left no export');
      if (built.requestedBy === null) return { notificationRunId: null };
      // The name is read here rather than kept in the build's output: checkpoints hold no personal data.
      const [subject] = await db.sql.query<{ name: string }>(`SELECT first_name || ' ' || last_name AS name FROM users WHERE id = $1`, [built.userId]);
      if (!subject) throw new PermanentError(`user ${built.userId} no longer exists`);
      const link = exportLinkOf(config.publicAppUrl, signingSecret, ctx.event.exportId, new Date(built.expiresAt));
      const { runId } = await sendNotification(
        workflows,
        { userId: built.requestedBy, template: 'privacy_export_ready', data: { subjectName: subject.name, link, expiresAt: built.expiresAt }, channels: ['email', 'in_app'] },
        ctx.idempotencyKey,
      );
      return { notificationRunId: runId };
    },
  });

  const expire = defineNode<ExportEvent, { expired: boolean }>({
    id: 'expire',
    description: 'Waits until the export expires (or the expire signal), then deletes its archive',
    process: async (ctx: Ctx) => {
      const built = ctx.output(build);
      if (!built) throw new PermanentError('the build step left no export');
      const timeoutMs = Math.max(1, new Date(built.expiresAt).getTime() - now());
      await ctx.waitFor(EXPORT_EXPIRE_SIGNAL, { timeoutMs });
      return { expired: await expireExport(db.sql, ctx.event.exportId) };
    },
  });

  return defineWorkflow({
    name: PRIVACY_EXPORT_WORKFLOW,
    description: 'Access request: zips everything the school holds about a family, mails the requester a signed link, deletes the zip when it expires',
    event: privacyExportEvent,
    start: 'build',
    nodes: [{ node: build, connections: ['notify'] }, { node: notify, connections: ['expire'] }, { node: expire }],
  });
}
