/**
 * Consent records: the latest row per user and kind is the consent in force; every change is a new
 * row (the history is never rewritten). The one writer is `recordConsents`, which also keeps
 * `users.ai_processing_declined` (read by src/ai before any provider call) equal to the negation of
 * the latest aiProcessing consent, in the same transaction.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { CURRENT_CONSENT_VERSION, consentNames, nameOfStoredKind, storedKindOf, type ConsentName, type ConsentSource } from './kinds.js';

/** One consent in force: granted or refused, the policy version, when and by whom. */
export interface ConsentState {
  granted: boolean;
  version: string;
  /** ISO instant. */
  recordedAt: string;
  /** Who recorded it: the user, an admin, or the system (`userId: null`) at enrollment. */
  actor: { userId: number | null; role: string };
}

/** Each of the four consents; null when nothing was ever recorded for the user. */
export type ConsentsView = Record<ConsentName, ConsentState | null>;

interface LatestRow {
  kind: string;
  granted: boolean;
  version: string;
  recorded_at: Date | string;
  actor_id: number | null;
  actor_role: string | null;
}

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

/** The consents in force for `userId` (an older revoked row counts as refused). */
export async function consentsOf(sql: SqlExecutor, userId: number): Promise<ConsentsView> {
  const rows = await sql.query<LatestRow>(
    `SELECT DISTINCT ON (CASE kind WHEN 'marketing' THEN 'marketing_email' ELSE kind END)
        kind, (granted AND revoked_at IS NULL) AS granted, version, recorded_at, actor_id, actor_role
       FROM consents
      WHERE user_id = $1 AND student_id IS NULL AND kind = ANY($2::text[])
      ORDER BY CASE kind WHEN 'marketing' THEN 'marketing_email' ELSE kind END, recorded_at DESC, id DESC`,
    [userId, Object.keys(nameOfStoredKind)],
  );
  const view: ConsentsView = { dataProcessing: null, aiProcessing: null, marketingEmail: null, sms: null };
  for (const row of rows) {
    const name = nameOfStoredKind[row.kind];
    if (!name) continue;
    view[name] = {
      granted: row.granted,
      version: row.version,
      recordedAt: iso(row.recorded_at),
      actor: { userId: row.actor_id === null ? null : Number(row.actor_id), role: row.actor_role ?? 'system' },
    };
  }
  return view;
}

/** Whether `userId`'s latest consent of `name` is granted (false when never recorded). */
export async function hasConsent(sql: SqlExecutor, userId: number, name: ConsentName): Promise<boolean> {
  const [row] = await sql.query<{ granted: boolean }>(
    `SELECT (granted AND revoked_at IS NULL) AS granted FROM consents
      WHERE user_id = $1 AND student_id IS NULL AND kind = ANY($2::text[])
      ORDER BY recorded_at DESC, id DESC LIMIT 1`,
    [userId, name === 'marketingEmail' ? ['marketing_email', 'marketing'] : [storedKindOf[name]]],
  );
  return row?.granted === true;
}

/**
 * The check any marketing e-mail must pass before it is queued: the recipient's latest
 * marketingEmail consent is granted. The school sends no marketing mail yet; this is where it goes.
 */
export const mayReceiveMarketing = (sql: SqlExecutor, userId: number): Promise<boolean> => hasConsent(sql, userId, 'marketingEmail');

/** SMS needs a granted `sms` consent (opt-in: never recorded means no SMS). */
export const maySendSms = (sql: SqlExecutor, userId: number): Promise<boolean> => hasConsent(sql, userId, 'sms');

export interface RecordOptions {
  actor: AuditActor;
  source: ConsentSource;
  /** Policy version; CURRENT_CONSENT_VERSION when absent. */
  version?: string | undefined;
}

/**
 * Records `answers` for `userId`: a new row for each kind whose answer or version differs from the
 * one in force (or was never recorded), the ai_processing_declined mirror, and one audit row
 * (`update` of entity `consent`, id = the user) with the consents before and after. Call it with the
 * transaction of the change it belongs to; it locks the user's row so concurrent writes queue.
 * Returns the kinds recorded and the consents now in force.
 */
export async function recordConsents(
  sql: SqlExecutor,
  userId: number,
  answers: Partial<Record<ConsentName, boolean>>,
  options: RecordOptions,
): Promise<{ recorded: ConsentName[]; consents: ConsentsView }> {
  await sql.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
  const before = await consentsOf(sql, userId);
  const version = options.version ?? CURRENT_CONSENT_VERSION;
  const recorded = consentNames.filter((name) => {
    const answer = answers[name];
    const current = before[name];
    return answer !== undefined && (!current || current.granted !== answer || current.version !== version);
  });
  if (recorded.length === 0) return { recorded, consents: before };
  await sql.query(
    `INSERT INTO consents (user_id, kind, granted, version, actor_id, actor_role, source)
     SELECT $1, k, g, $4, $5, $6, $7 FROM unnest($2::text[], $3::boolean[]) AS a(k, g)`,
    [userId, recorded.map((name) => storedKindOf[name]), recorded.map((name) => answers[name]), version, options.actor.userId, options.actor.role, options.source],
  );
  if (recorded.includes('aiProcessing')) {
    await sql.query('UPDATE users SET ai_processing_declined = $2 WHERE id = $1', [userId, answers.aiProcessing === false]);
  }
  const after = await consentsOf(sql, userId);
  const pick = (view: ConsentsView) => Object.fromEntries(recorded.map((name) => [name, view[name]]));
  await recordAudit(sql, options.actor, { action: 'update', entity: 'consent', entityId: userId, before: pick(before), after: { ...pick(after), source: options.source } });
  return { recorded, consents: after };
}
