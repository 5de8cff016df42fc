/** Template of conversations (src/modules/messages): a new message or a reply reached you. */
import { z } from 'zod';
import { defineTemplate, field } from './define.js';

export const messageReceived = defineTemplate({
  data: z.object({
    senderName: field.text(),
    /** The conversation's subject (the sender's text: escaped in HTML, never interpreted). */
    subject: field.text(),
    /** The message itself, plain text with line breaks. */
    message: field.text(),
    conversationId: field.count(),
    /** The child the conversation is about, if any. */
    studentName: field.optionalText(),
    /** A reply in an existing conversation (false: the conversation's first message). */
    isReply: field.flag(),
  }),
  subject: '[{{school.name}}] {{#if isReply}}Re: {{/if}}{{subject}}',
  html: `<p>Hello {{recipientName}},</p>
<p>{{senderName}} {{#if isReply}}replied to{{else}}wrote to you about{{/if}} “{{subject}}”{{#if studentName}} ({{studentName}}){{/if}} through {{school.name}}:</p>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{{paragraphs message}}</blockquote>
<p>Sign in to the portal to reply (conversation #{{conversationId}}).</p>`,
  text: `Hello {{recipientName}},

{{senderName}} {{#if isReply}}replied to{{else}}wrote to you about{{/if}} "{{subject}}"{{#if studentName}} ({{studentName}}){{/if}} through {{school.name}}:

{{message}}

Sign in to the portal to reply (conversation #{{conversationId}}).`,
  sms: '{{school.name}}: new message from {{senderName}}: {{subject}}',
  example: {
    senderName: 'Jane Wilson',
    subject: 'Invoice for <March>',
    message: 'Hello,\nwe were charged twice for March & April.',
    conversationId: 12,
    studentName: 'Emma Wilson',
    isReply: false,
  },
});
