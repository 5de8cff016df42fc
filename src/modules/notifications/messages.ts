/**
 * Direct messages (POST /api/v1/messages): an admin writes to a parent or a teacher; a teacher to
 * a parent of one of their students, or to an admin. Sent by the notification workflow (template
 * `direct_message`), with an audit row.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Caller } from '../auth/scoped.js';
import { AppError, forbidden, notFound, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { SchoolServices } from '../services.js';
import type { messageBody } from './schemas.js';
import { sendNotification } from './send.js';

type MessageBody = z.infer<typeof messageBody>;

interface Person {
  id: number;
  role: 'admin' | 'teacher' | 'parent';
  first_name: string;
  last_name: string;
  is_active: boolean;
}

/** Checks that `caller` may write to the recipient; returns the sender's display name. */
async function authorise(services: SchoolServices, caller: Caller, recipientId: number): Promise<string> {
  const sql = services.db.sql;
  const people = await sql.query<Person>('SELECT id, role, first_name, last_name, is_active FROM users WHERE id = ANY($1::int[])', [[caller.userId, recipientId]]);
  const sender = people.find((p) => p.id === caller.userId);
  const recipient = people.find((p) => p.id === recipientId);
  if (!sender) throw new AppError('unauthenticated', 'The caller no longer exists');
  if (recipientId === caller.userId) throw validationFailed([{ field: 'body.recipientId', message: 'cannot be yourself' }]);
  if (!recipient?.is_active) throw notFound('Recipient');
  if (caller.role === 'admin') {
    if (recipient.role === 'admin') throw validationFailed([{ field: 'body.recipientId', message: 'must be a parent or a teacher' }]);
  } else if (recipient.role === 'parent') {
    const [teaches] = await sql.query(`SELECT 1 FROM students s JOIN teachers t ON t.id = s.teacher_id WHERE s.parent_id = $1 AND t.user_id = $2 LIMIT 1`, [
      recipientId,
      caller.userId,
    ]);
    if (!teaches) throw forbidden('Teachers may message the parents of their own students, or the admins');
  } else if (recipient.role !== 'admin') {
    throw forbidden('Teachers may message the parents of their own students, or the admins');
  }
  return `${sender.first_name} ${sender.last_name}`;
}

/** Starts the message's notification run and audits it; returns the run id. */
export async function sendDirectMessage(services: SchoolServices, caller: Caller, actor: AuditActor, body: MessageBody): Promise<{ runId: string }> {
  const senderName = await authorise(services, caller, body.recipientId);
  const { runId } = await sendNotification(
    services.workflows,
    {
      userId: body.recipientId,
      template: 'direct_message',
      data: { senderName, subject: body.subject, message: body.message },
      ...(body.channels ? { channels: body.channels } : {}),
    },
    `message:${randomUUID()}`,
  );
  await recordAudit(services.db.sql, actor, {
    action: 'create',
    entity: 'message',
    entityId: runId,
    after: { recipientId: body.recipientId, subject: body.subject, channels: body.channels ?? null },
  });
  return { runId };
}
