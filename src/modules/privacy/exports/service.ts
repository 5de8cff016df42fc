/**
 * Access requests: ask for an export (admin: anyone's; a parent: their own), read its status, and
 * download it (the requester or an admin, signed in; or anyone holding the e-mailed signed link).
 * Reads run as the caller (row-level security: a parent sees only the exports they asked for);
 * a record the caller may not see answers 404 as if it did not exist.
 */
import { asCaller, type Caller } from '../../auth/scoped.js';
import { sqlExecutorOf } from '../../../db/orm-sql.js';
import { type DurableRunStatus, isFinal } from '../../../engine/index.js';
import { AppError, conflict, notFound } from '../../../http/errors.js';
import { type AuditActor, recordAudit } from '../../audit/record.js';
import type { SchoolServices } from '../../services.js';
import { checkExportToken, exportDownloadUrl, exportStatusUrl } from './link.js';
import type { ExportView } from './schemas.js';
import { type ExportRecord, failExport, insertExport, listExports, readArchive, readExport, setExportRun } from './store.js';
import { PRIVACY_EXPORT_WORKFLOW } from './workflow.js';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export class PrivacyExportService {
  constructor(
    private readonly services: Pick<SchoolServices, 'db' | 'workflows' | 'signingSecret'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the export row and starts its workflow. */
  async request(caller: Caller, actor: AuditActor, userId: number): Promise<{ exportId: number; runId: string; statusUrl: string }> {
    // Another user's data is, to a parent, data that does not exist.
    if (caller.role !== 'admin' && userId !== caller.userId) throw notFound('User');
    const exportId = await asCaller(this.services.db, caller, async (tx) => {
      const sql = sqlExecutorOf(tx);
      const [user] = await sql.query<{ id: number }>('SELECT id FROM users WHERE id = $1', [userId]);
      if (!user) throw notFound('User');
      const id = await insertExport(sql, userId, caller.userId);
      await recordAudit(sql, actor, { action: 'create', entity: 'privacy_export', entityId: id, after: { userId } });
      return id;
    });
    let runId: string;
    try {
      ({ runId } = await this.services.workflows.start(PRIVACY_EXPORT_WORKFLOW, { exportId }, { idempotencyKey: `privacy-export:${exportId}` }));
    } catch (error) {
      // Not left pending for ever: the status says it failed and the family asks again.
      await failExport(this.services.db.sql, exportId, 'the export workflow could not be started').catch(() => undefined);
      throw error;
    }
    await setExportRun(this.services.db.sql, exportId, runId);
    return { exportId, runId, statusUrl: exportStatusUrl(exportId) };
  }

  /** Exports newest first: an admin's of everyone (or of `userId`), anyone else's the ones they asked for. */
  async list(
    caller: Caller,
    query: { userId?: number | undefined; page: number; pageSize: number },
  ): Promise<{ data: ExportView[]; page: number; pageSize: number; total: number }> {
    const { rows, total } = await asCaller(this.services.db, caller, (tx) => listExports(sqlExecutorOf(tx), query));
    return { data: await Promise.all(rows.map((row) => this.viewOf(row))), page: query.page, pageSize: query.pageSize, total };
  }

  async status(caller: Caller, id: number): Promise<ExportView> {
    const row = await asCaller(this.services.db, caller, (tx) => readExport(sqlExecutorOf(tx), id));
    if (!row) throw notFound('Export');
    return this.viewOf(row);
  }

  /**
   * The zip, for a signed-in caller (`caller`) or a signed link (`token`). A forged link is 401; an
   * expired link or export 410; an export still being made (or failed) 409. Each download is audited.
   */
  async download(access: { caller: Caller } | { token: string }, actor: AuditActor, id: number): Promise<{ zip: Buffer; filename: string }> {
    let row: ExportRecord | undefined;
    if ('caller' in access) {
      row = await asCaller(this.services.db, access.caller, (tx) => readExport(sqlExecutorOf(tx), id));
      if (!row) throw notFound('Export');
    } else {
      const check = checkExportToken(this.services.signingSecret, id, access.token, this.now());
      if (check === 'invalid') throw new AppError('unauthenticated', 'The download link is invalid');
      if (check === 'expired') throw new AppError('gone', 'The download link has expired; ask for a new export');
      row = await readExport(this.services.db.sql, id);
      if (!row) throw notFound('Export');
    }
    const status = this.effectiveStatus(row);
    if (status === 'expired') throw new AppError('gone', 'This export has expired and its file was deleted; ask for a new export');
    if (status !== 'ready')
      throw conflict(status === 'pending' ? 'The export is still being made; try again shortly' : 'The export could not be made; ask for a new one', { status });
    const zip = await readArchive(this.services.db.sql, id);
    if (!zip) throw new AppError('gone', 'This export has expired and its file was deleted; ask for a new export');
    await recordAudit(this.services.db.sql, actor, {
      action: 'read',
      entity: 'privacy_export',
      entityId: id,
      after: { userId: row.userId, bytes: zip.length, via: 'caller' in access ? 'account' : 'signed_link' },
    });
    return { zip, filename: `cedar-heights-export-${row.userId}-${id}.zip` };
  }

  /** The stored status, with time and the run taken into account (a lapsed export is expired; a dead run, failed). */
  private effectiveStatus(row: ExportRecord, runStatus?: DurableRunStatus): ExportRecord['status'] {
    if (row.status === 'ready' && row.expiresAt !== null && new Date(row.expiresAt).getTime() <= this.now()) return 'expired';
    if (row.status === 'pending' && runStatus !== undefined && isFinal(runStatus) && runStatus !== 'succeeded') return 'failed';
    return row.status;
  }

  private async viewOf(row: ExportRecord): Promise<ExportView> {
    const run = row.status === 'pending' && row.runId ? await this.services.workflows.status(row.runId) : undefined;
    const status = this.effectiveStatus(row, run?.status);
    return {
      id: row.id,
      userId: row.userId,
      requestedBy: row.requestedBy,
      status,
      runId: row.runId,
      files: row.counts,
      bytes: row.archiveBytes,
      sha256: row.sha256,
      // The cause stays in the row and the run (GET /workflows/runs/{runId}, admins): it may name internals.
      error: status === 'failed' ? 'The export could not be made; ask for a new one' : null,
      downloadUrl: status === 'ready' ? exportDownloadUrl(row.id) : null,
      createdAt: iso(row.createdAt)!,
      readyAt: iso(row.readyAt),
      expiresAt: iso(row.expiresAt),
    };
  }
}
