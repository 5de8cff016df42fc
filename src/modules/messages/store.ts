/**
 * SQL of conversations. Every function takes the caller's transaction (`asCaller`): row-level
 * security (migration 0022) limits what it sees to the caller's conversations (admins: all), on
 * top of the explicit filters here. Instants come back as ISO 8601 strings in UTC.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Caller } from '../auth/scoped.js';
import type { Sides } from './sides.js';
import type { ConversationView, MessageView, Topic } from './schemas.js';

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Columns of a ConversationView; `$1` is the caller's user id, `$2` their role. Unread: messages after the caller's read mark from the other side (for admins: not by an admin). */
const conversationColumns = `c.id, c.subject, c.topic, c.student_id AS "studentId",
  CASE WHEN s.id IS NULL THEN NULL ELSE s.first_name || ' ' || s.last_name END AS "studentName",
  c.parent_id AS "parentId", app.conversation_member_name(c.id, c.parent_id) AS "parentName",
  c.teacher_user_id AS "teacherUserId", t.id AS "teacherId", app.conversation_member_name(c.id, c.teacher_user_id) AS "teacherName",
  c.with_school AS "withSchool", ${iso('c.created_at')} AS "createdAt", ${iso('c.last_message_at')} AS "lastMessageAt",
  (SELECT count(*)::int FROM conversation_messages m WHERE m.conversation_id = c.id) AS "messageCount",
  CASE WHEN c.parent_id = $1 OR c.teacher_user_id = $1 OR (c.with_school AND $2::text = 'admin')
    THEN (SELECT count(*)::int FROM conversation_messages m
          WHERE m.conversation_id = c.id AND m.id > coalesce(r.last_read_message_id, 0)
            AND CASE WHEN $2::text = 'admin' THEN m.author_role <> 'admin' ELSE m.author_id IS DISTINCT FROM $1 END)
    ELSE 0 END AS unread,
  coalesce((SELECT left(m.body, 200) FROM conversation_messages m WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1), '') AS "lastMessage"`;

const conversationFrom = `FROM conversations c
  LEFT JOIN students s ON s.id = c.student_id
  LEFT JOIN teachers t ON t.user_id = c.teacher_user_id
  LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = $1`;

interface ConversationRow extends Omit<ConversationView, 'parent' | 'teacher'> {
  parentId: number | null;
  parentName: string | null;
  teacherUserId: number | null;
  teacherId: number | null;
  teacherName: string | null;
}

const toView = (row: ConversationRow): ConversationView => {
  const { parentId, parentName, teacherUserId, teacherId, teacherName, ...rest } = row;
  return {
    ...rest,
    parent: parentId === null ? null : { userId: parentId, name: parentName ?? '' },
    teacher: teacherUserId === null || teacherId === null ? null : { userId: teacherUserId, teacherId, name: teacherName ?? '' },
  };
};

/** Which conversations a list shows: the caller's own sides, or (admins, scope 'all') every one. */
const listFilter = `WHERE (c.parent_id = $1 OR c.teacher_user_id = $1 OR (c.with_school AND $2::text = 'admin') OR ($2::text = 'admin' AND $3::boolean))`;

/** The caller's conversations, newest message first, with the unread total over all of them. */
export async function listConversations(
  tx: SqlExecutor,
  caller: Caller,
  options: { all: boolean; limit: number; offset: number },
): Promise<{ rows: ConversationView[]; total: number; unread: number }> {
  const params = [caller.userId, caller.role, options.all];
  const rows = await tx.query<ConversationRow>(`SELECT ${conversationColumns} ${conversationFrom} ${listFilter} ORDER BY c.last_message_at DESC, c.id DESC LIMIT $4 OFFSET $5`, [
    ...params,
    options.limit,
    options.offset,
  ]);
  const [totals] = await tx.query<{ total: number; unread: number }>(
    `SELECT count(*)::int AS total, coalesce(sum(unread), 0)::int AS unread FROM (SELECT ${conversationColumns} ${conversationFrom} ${listFilter}) listed`,
    params,
  );
  return { rows: rows.map(toView), total: totals?.total ?? 0, unread: totals?.unread ?? 0 };
}

/** One conversation as the caller sees it; undefined when it does not exist or is not theirs. */
export async function conversationOf(tx: SqlExecutor, caller: Caller, id: number): Promise<ConversationView | undefined> {
  const [row] = await tx.query<ConversationRow>(`SELECT ${conversationColumns} ${conversationFrom} WHERE c.id = $3`, [caller.userId, caller.role, id]);
  return row ? toView(row) : undefined;
}

/** What a reply needs of its conversation. */
export interface ConversationSides {
  sides: Sides;
  subject: string;
  topic: Topic;
  studentId: number | null;
  studentName: string | null;
}

/** The sides and subject of a conversation the caller can see (row locked for the reply); undefined otherwise. */
export async function sidesOf(tx: SqlExecutor, id: number): Promise<ConversationSides | undefined> {
  const [row] = await tx.query<Omit<ConversationSides, 'sides'> & { parentId: number | null; teacherUserId: number | null; teacherId: number | null; withSchool: boolean }>(
    `SELECT c.parent_id AS "parentId", c.teacher_user_id AS "teacherUserId", t.id AS "teacherId", c.with_school AS "withSchool", c.subject, c.topic,
       c.student_id AS "studentId",
       CASE WHEN s.id IS NULL THEN NULL ELSE s.first_name || ' ' || s.last_name END AS "studentName"
     FROM conversations c LEFT JOIN teachers t ON t.user_id = c.teacher_user_id LEFT JOIN students s ON s.id = c.student_id
     WHERE c.id = $1 FOR UPDATE OF c`,
    [id],
  );
  if (!row) return undefined;
  const teacher = row.teacherUserId !== null && row.teacherId !== null ? { userId: row.teacherUserId, teacherId: row.teacherId } : null;
  return { sides: { parentId: row.parentId, teacher, withSchool: row.withSchool }, subject: row.subject, topic: row.topic, studentId: row.studentId, studentName: row.studentName };
}

const messageColumns = `m.id, m.conversation_id AS "conversationId", m.author_id AS "authorId",
  coalesce(app.conversation_member_name(m.conversation_id, m.author_id), 'Former user') AS "authorName",
  m.author_role AS "authorRole", m.body, ${iso('m.created_at')} AS "createdAt"`;

/** Every message of a conversation, oldest first. */
export async function messagesOf(tx: SqlExecutor, conversationId: number): Promise<MessageView[]> {
  return tx.query<MessageView>(`SELECT ${messageColumns} FROM conversation_messages m WHERE m.conversation_id = $1 ORDER BY m.id`, [conversationId]);
}

/** Inserts a conversation; returns its id. */
export async function insertConversation(tx: SqlExecutor, fields: { subject: string; topic: Topic; sides: Sides; studentId: number | null; startedBy: number }): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO conversations (subject, topic, parent_id, teacher_user_id, with_school, student_id, started_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [fields.subject, fields.topic, fields.sides.parentId, fields.sides.teacher?.userId ?? null, fields.sides.withSchool, fields.studentId, fields.startedBy],
  );
  if (!row) throw new Error('conversation insert returned no row');
  return row.id;
}

/** Appends a message by `caller` (the conversation's last_message_at follows) and marks the conversation read up to it for them. */
export async function insertMessage(tx: SqlExecutor, caller: Caller, conversationId: number, body: string): Promise<MessageView> {
  const [inserted] = await tx.query<{ id: number }>('INSERT INTO conversation_messages (conversation_id, author_id, author_role, body) VALUES ($1, $2, $3, $4) RETURNING id', [
    conversationId,
    caller.userId,
    caller.role,
    body,
  ]);
  if (!inserted) throw new Error('message insert returned no row');
  await tx.query('UPDATE conversations SET last_message_at = now() WHERE id = $1', [conversationId]);
  await markRead(tx, caller.userId, conversationId, inserted.id);
  const [message] = await tx.query<MessageView>(`SELECT ${messageColumns} FROM conversation_messages m WHERE m.id = $1`, [inserted.id]);
  if (!message) throw new Error('inserted message not readable');
  return message;
}

/** Marks the conversation read for `userId` up to message `lastMessageId` (never backwards). */
export async function markRead(tx: SqlExecutor, userId: number, conversationId: number, lastMessageId: number): Promise<void> {
  await tx.query(
    `INSERT INTO conversation_reads (conversation_id, user_id, last_read_message_id) VALUES ($1, $2, $3)
     ON CONFLICT (conversation_id, user_id) DO UPDATE
       SET last_read_message_id = GREATEST(conversation_reads.last_read_message_id, EXCLUDED.last_read_message_id), read_at = now()`,
    [conversationId, userId, lastMessageId],
  );
}
