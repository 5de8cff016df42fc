/**
 * Conversations: start one, reply, read. Each message is stored (and audited) in the caller's
 * transaction under row-level security; once committed, the other side is told by the
 * `notification` workflow (template `message_received`, channels by the recipient's preferences),
 * one run per recipient keyed by the message, so a retry never tells anyone twice.
 */
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { notFound } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { sendNotification } from '../notifications/send.js';
import type { Channel } from '../notifications/types.js';
import type { SchoolServices } from '../services.js';
import { onBillingMessage } from './billing-hook.js';
import type { ConversationView, MessageView, NewConversationBody, ReplyBody, Topic } from './schemas.js';
import { checkStudent, type Party, recipientsOf, type Sides, sideOfCaller, sidesOfNewConversation } from './sides.js';
import { conversationOf, insertConversation, insertMessage, markRead, messagesOf, sidesOf } from './store.js';

export type Thread = ConversationView & { messages: MessageView[] };

interface Delivery {
  sides: Sides;
  author: Party;
  message: MessageView;
  subject: string;
  topic: Topic;
  studentName: string | null;
  studentId: number | null;
  isReply: boolean;
  channels: Channel[] | undefined;
}

/** Tells the other side about `message`; then, for a family's billing message, the billing hook. Returns the notification run ids. */
async function deliver(services: SchoolServices, caller: Caller, d: Delivery): Promise<string[]> {
  const recipients = await recipientsOf(services.db.sql, d.sides, d.author);
  const runIds: string[] = [];
  for (const userId of recipients) {
    const { runId } = await sendNotification(
      services.workflows,
      {
        userId,
        template: 'message_received',
        data: {
          senderName: d.message.authorName,
          subject: d.subject,
          message: d.message.body,
          conversationId: d.message.conversationId,
          studentName: d.studentName,
          isReply: d.isReply,
        },
        ...(d.channels ? { channels: d.channels } : {}),
      },
      `message:${d.message.id}:${userId}`,
    );
    runIds.push(runId);
  }
  if (d.topic === 'billing' && caller.role === 'parent') {
    await onBillingMessage(services, { conversationId: d.message.conversationId, messageId: d.message.id, parentId: caller.userId, studentId: d.studentId });
  }
  return runIds;
}

/** Starts a conversation with its first message (POST /api/v1/messages). */
export async function startConversation(
  services: SchoolServices,
  caller: Caller,
  actor: AuditActor,
  body: NewConversationBody,
): Promise<{ conversation: Thread; notificationRunIds: string[] }> {
  const sql = services.db.sql;
  const sides = await sidesOfNewConversation(sql, caller, body.to);
  const studentName = body.studentId === undefined ? null : await checkStudent(sql, sides, body.studentId);
  const author = sideOfCaller(sides, caller);
  const conversation = await asCaller(services.db, caller, async (orm) => {
    const tx = sqlExecutorOf(orm);
    const id = await insertConversation(tx, { subject: body.subject, topic: body.topic, sides, studentId: body.studentId ?? null, startedBy: caller.userId });
    const message = await insertMessage(tx, caller, id, body.body);
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'conversation',
      entityId: id,
      after: { to: body.to, subject: body.subject, topic: body.topic, studentId: body.studentId ?? null, messageId: message.id },
    });
    const view = await conversationOf(tx, caller, id);
    if (!view) throw new Error(`conversation ${id} not readable by its author`);
    return { ...view, messages: [message] };
  });
  const [message] = conversation.messages;
  if (!message) throw new Error('a new conversation has its first message');
  const notificationRunIds = await deliver(services, caller, {
    sides,
    author,
    message,
    subject: body.subject,
    topic: body.topic,
    studentName,
    studentId: body.studentId ?? null,
    isReply: false,
    channels: body.channels,
  });
  return { conversation, notificationRunIds };
}

/** Adds a reply to a conversation of the caller (POST /api/v1/messages/{id}/replies). 404 when it is not theirs. */
export async function reply(
  services: SchoolServices,
  caller: Caller,
  actor: AuditActor,
  conversationId: number,
  body: ReplyBody,
): Promise<{ message: MessageView; notificationRunIds: string[] }> {
  const written = await asCaller(services.db, caller, async (orm) => {
    const tx = sqlExecutorOf(orm);
    const found = await sidesOf(tx, conversationId);
    if (!found) throw notFound('Conversation');
    const author = sideOfCaller(found.sides, caller);
    const message = await insertMessage(tx, caller, conversationId, body.body);
    await recordAudit(tx, actor, { action: 'create', entity: 'conversation_message', entityId: message.id, after: { conversationId, length: body.body.length } });
    return { ...found, author, message };
  });
  const notificationRunIds = await deliver(services, caller, {
    sides: written.sides,
    author: written.author,
    message: written.message,
    subject: written.subject,
    topic: written.topic,
    studentName: written.studentName,
    studentId: written.studentId,
    isReply: true,
    channels: body.channels,
  });
  return { message: written.message, notificationRunIds };
}

/** The thread of a conversation the caller can see, oldest message first; marks it read for a side. 404 otherwise. */
export async function readThread(services: SchoolServices, caller: Caller, conversationId: number): Promise<Thread> {
  return asCaller(services.db, caller, async (orm) => {
    const tx = sqlExecutorOf(orm);
    const view = await conversationOf(tx, caller, conversationId);
    if (!view) throw notFound('Conversation');
    const messages = await messagesOf(tx, conversationId);
    const last = messages.at(-1);
    const isSide = (view.withSchool && caller.role === 'admin') || view.parent?.userId === caller.userId || view.teacher?.userId === caller.userId;
    if (isSide && last) await markRead(tx, caller.userId, conversationId, last.id);
    return { ...view, unread: 0, messages };
  });
}
