/**
 * The conversation pieces every role uses (parent and teacher pages, the admin console's Messages
 * section): the conversation list query, the unread link, the list, the message box and the thread
 * with its reply box.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api/client';
import { useSchoolZone } from '../auth/hooks';
import { Card, ErrorNotice, fieldProblem, Loading } from '../ui/components';
import { dateTime } from '../ui/format';
import type { paths } from '../api/schema';
import type { Conversation } from './types';
import './messages-shared.css';

/** A conversation with its messages, oldest first (`GET /messages/{id}`). */
export type Thread = paths['/api/v1/messages/{conversationId}']['get']['responses'][200]['content']['application/json'];

/**
 * The caller's conversations and their unread count (`GET /messages`); kept fresh every 30 s.
 * `scope` 'all' (admins only) lists teachers' conversations with families too.
 */
export function useConversations(scope: 'mine' | 'all' = 'mine') {
  return useQuery({
    queryKey: scope === 'mine' ? ['messages'] : ['messages', 'all'],
    queryFn: () => call(api.GET('/api/v1/messages', { params: { query: { pageSize: 50, scope } } })),
    refetchInterval: 30_000,
  });
}

/** The nav link to the messages, with the unread count. */
export function MessagesLink() {
  const unread = useConversations().data?.unread ?? 0;
  return <Link href="/messages">{unread > 0 ? `Messages (${unread} unread)` : 'Messages'}</Link>;
}

/** Who the conversation is with, as its reader sees it. */
function otherSide(c: Conversation, viewer: 'family' | 'office'): string {
  if (viewer === 'office') return [c.parent?.name, c.teacher?.name].filter(Boolean).join(' and ') || 'The school';
  return c.withSchool ? 'The school' : (c.teacher?.name ?? c.parent?.name ?? '');
}

/**
 * A list of conversations (links to `<base>/<id>`; `base` defaults to `/messages`, the admin section
 * nested at `/messages` passes ''), with their unread counts and last message.
 */
export function ConversationList({ conversations, viewer, base = '/messages' }: { conversations: Conversation[]; viewer: 'family' | 'office'; base?: string }) {
  const zone = useSchoolZone();
  return (
    <ul className="list" aria-label="Conversations">
      {conversations.map((c) => (
        <li key={c.id}>
          <Link href={`${base}/${c.id}`}>
            <strong>{c.subject}</strong>
          </Link>
          {c.unread > 0 && <span className="badge conversation-badge">{c.unread} unread</span>}
          {c.topic === 'billing' && <span className="badge conversation-badge">billing</span>}
          <div className="muted">
            {otherSide(c, viewer)} · {dateTime(c.lastMessageAt, zone)}
          </div>
          <div>{c.lastMessage}</div>
        </li>
      ))}
    </ul>
  );
}

/** The message box, with the server's complaint about it. */
export function MessageText({ value, onChange, problem, label = 'Message' }: { value: string; onChange: (value: string) => void; problem?: string | undefined; label?: string }) {
  return (
    <div className="field">
      <label htmlFor="message-body">{label}</label>
      <textarea
        id="message-body"
        rows={5}
        maxLength={5000}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'message-body-problem' : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {problem && (
        <span className="problem" id="message-body-problem">
          {problem}
        </span>
      )}
    </div>
  );
}

/**
 * One conversation, oldest message first (reading it marks it read), and a reply box.
 * `actions` renders extra cards under the thread (the office's payment-issue button); `listHref` is
 * the link back to the list (default `/messages`).
 */
export function ConversationPage({ conversationId, actions, listHref = '/messages' }: { conversationId: number; actions?: (thread: Thread) => ReactNode; listHref?: string }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const thread = useQuery({
    queryKey: ['messages', 'thread', conversationId],
    queryFn: async () => {
      const read = await call(api.GET('/api/v1/messages/{conversationId}', { params: { path: { conversationId } } }));
      void queries.invalidateQueries({ queryKey: ['messages'], exact: true });
      void queries.invalidateQueries({ queryKey: ['messages', 'all'], exact: true });
      return read;
    },
  });
  const [body, setBody] = useState('');
  const reply = useMutation({
    mutationFn: () => call(api.POST('/api/v1/messages/{conversationId}/replies', { params: { path: { conversationId } }, body: { body } })),
    onSuccess: () => {
      setBody('');
      void queries.invalidateQueries({ queryKey: ['messages'] });
    },
  });
  return (
    <>
      <p>
        <Link href={listHref}>All messages</Link>
      </p>
      {thread.isPending && <Loading />}
      <ErrorNotice error={thread.error} />
      {thread.data && (
        <>
          <h1>{thread.data.subject}</h1>
          <Card title="Messages">
            <ol className="list" aria-label="Messages in this conversation">
              {thread.data.messages.map((message) => (
                <li key={message.id}>
                  <div>
                    <strong>{message.authorName}</strong> <span className="muted">· {dateTime(message.createdAt, zone)}</span>
                  </div>
                  <p className="message-body">{message.body}</p>
                </li>
              ))}
            </ol>
          </Card>
          {actions?.(thread.data)}
          <Card title="Reply">
            <form
              onSubmit={(event) => {
                event.preventDefault();
                reply.mutate();
              }}
            >
              <MessageText label="Your reply" value={body} onChange={setBody} problem={fieldProblem(reply.error, 'body')} />
              <ErrorNotice error={reply.error} />
              <button className="button" type="submit" disabled={reply.isPending}>
                Send reply
              </button>
            </form>
          </Card>
        </>
      )}
    </>
  );
}
