/**
 * The retention purge's erasure of inactive families: a parent with no lesson (of any of their
 * children, any status) scheduled since `cutoff`, no payment made since, no sign-in since, created
 * before it, owing nothing, with no live subscription and never erased or asked to be, has their
 * family closed and anonymised exactly as the `privacy-erasure` workflow does (close.ts,
 * anonymise.ts), one transaction per family, recorded as a completed erasure request. Saved
 * cards are forgotten locally only (this runs without the gateway: nothing can charge them
 * without the school). `dryRun` counts without changing anything.
 */
import type { SqlClient } from '../../../db/sql-client.js';
import { recordAudit } from '../../audit/record.js';
import { familyBalance } from '../../payments/balance.js';
import { anonymiseFamily } from './anonymise.js';
import { closeFamilyAccounts } from './close.js';

const CANDIDATES = `SELECT u.id FROM users u
  WHERE u.role = 'parent' AND u.created_at < $1 AND (u.last_login_at IS NULL OR u.last_login_at < $1)
    AND NOT EXISTS (SELECT 1 FROM erasure_requests e WHERE e.user_id = u.id AND e.status IN ('requested', 'approved', 'completed'))
    AND NOT EXISTS (SELECT 1 FROM lessons l JOIN students s ON s.id = l.student_id WHERE s.parent_id = u.id AND l.scheduled_at >= $1)
    AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.parent_id = u.id AND p.created_at >= $1)
    AND NOT EXISTS (SELECT 1 FROM lesson_subscriptions ls WHERE ls.parent_id = u.id AND ls.status <> 'canceled')
  ORDER BY u.id`;

export async function anonymiseInactiveFamilies(sql: Pick<SqlClient, 'query' | 'transaction'>, cutoff: Date, dryRun: boolean): Promise<{ count: number }> {
  const candidates = await sql.query<{ id: number }>(CANDIDATES, [cutoff]);
  let count = 0;
  for (const { id } of candidates) {
    const erased = await sql.transaction(async (tx) => {
      if ((await familyBalance(tx, id)).outstanding > 0) return false;
      if (dryRun) return true;
      const [request] = await tx.query<{ id: number }>(
        `INSERT INTO erasure_requests (user_id, reason, status, decided_at, completed_at) VALUES ($1, $2, 'completed', now(), now()) RETURNING id`,
        [id, `Retention: no activity since ${cutoff.toISOString().slice(0, 10)}`],
      );
      await closeFamilyAccounts(tx, id);
      await tx.query('DELETE FROM saved_payment_methods WHERE parent_id = $1', [id]);
      await anonymiseFamily(tx, { parentId: id, requestId: request!.id });
      await recordAudit(
        tx,
        { userId: null, role: 'system' },
        { action: 'erasure.completed', entity: 'erasure_request', entityId: request!.id, after: { status: 'completed', retention: true } },
      );
      return true;
    });
    if (erased) count += 1;
  }
  return { count };
}
