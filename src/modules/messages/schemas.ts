/** Request and response schemas of the conversation routes (routes.ts). */
import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { channels } from '../notifications/types.js';

/** Longest message body, in characters (the database checks it too). */
export const MESSAGE_BODY_MAX = 5000;
/** Longest subject, in characters. */
export const SUBJECT_MAX = 200;

export const topics = ['general', 'billing', 'lesson'] as const;
export type Topic = (typeof topics)[number];

const id = z.number().int().min(1).max(2_147_483_647);

export const conversationParams = z.object({ conversationId: z.coerce.number().int().min(1).max(2_147_483_647) });

/** Who a new conversation is with. */
export const recipient = z.union([
  z.literal('school').describe('The school: every admin sees it and may answer'),
  z.strictObject({ teacherId: id.describe('A teacher (teachers.id)') }),
  z.strictObject({ userId: id.describe('A user: a parent, a teacher, or an admin (= the school)') }),
]);
export type Recipient = z.infer<typeof recipient>;

const messageText = z.string().trim().min(1, 'must not be empty').max(MESSAGE_BODY_MAX, `must be at most ${MESSAGE_BODY_MAX} characters`);
const channelList = z.array(z.enum(channels)).min(1).optional().describe("Default: every channel the recipient accepts (the recipient's preferences still apply)");

export const newConversationBody = z.strictObject({
  to: recipient.describe(
    '"school", {"teacherId"} or {"userId"}. Parents: the school or a teacher of one of their children. Teachers: the school or a parent of one of their students. Admins: a parent or a teacher.',
  ),
  subject: z.string().trim().min(1, 'must not be empty').max(SUBJECT_MAX),
  body: messageText.describe('Plain text (line breaks kept)'),
  studentId: id.optional().describe("The child it is about: one of the family's children (taught by the teacher, if one is a side)"),
  topic: z.enum(topics).default('general').describe("'billing' is where the payment-issue workflow will start"),
  channels: channelList,
});
export type NewConversationBody = z.infer<typeof newConversationBody>;

export const replyBody = z.strictObject({ body: messageText, channels: channelList });
export type ReplyBody = z.infer<typeof replyBody>;

export const conversationListQuery = pageQuery.extend({
  scope: z.enum(['mine', 'all']).default('mine').describe("Admins: 'mine' = conversations with the school (default), 'all' = every conversation, teachers' with families too"),
});

const person = z.object({ userId: z.number().int(), name: z.string() });

export const messageView = z.object({
  id: z.number().int(),
  conversationId: z.number().int(),
  authorId: z.number().int().nullable(),
  authorName: z.string(),
  authorRole: z.enum(['admin', 'teacher', 'parent']),
  body: z.string(),
  createdAt: z.string().describe('ISO 8601 instant'),
});
export type MessageView = z.infer<typeof messageView>;

export const conversationView = z.object({
  id: z.number().int(),
  subject: z.string(),
  topic: z.enum(topics),
  studentId: z.number().int().nullable(),
  studentName: z.string().nullable(),
  parent: person.nullable().describe('The family side, if any'),
  teacher: person.extend({ teacherId: z.number().int() }).nullable().describe('The teacher side, if any'),
  withSchool: z.boolean().describe('The school (every admin) is a side'),
  createdAt: z.string(),
  lastMessageAt: z.string(),
  messageCount: z.number().int(),
  unread: z.number().int().describe("Messages by others the caller has not read (0 when the caller is not a side, e.g. an admin's view of a teacher's conversation)"),
  lastMessage: z.string().describe('The newest message, cut to 200 characters'),
});
export type ConversationView = z.infer<typeof conversationView>;

export const conversationPage = z.object({
  data: z.array(conversationView),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  unread: z.number().int().describe('Unread messages over every conversation of the caller, whatever the page'),
});

export const threadView = conversationView.extend({ messages: z.array(messageView).describe('Oldest first') });

export const conversationCreated = z.object({
  conversation: threadView,
  notificationRunIds: z.array(z.string()).describe('The notification runs telling the other side (one per recipient)'),
});

export const replyCreated = z.object({
  message: messageView,
  notificationRunIds: z.array(z.string()),
});
