import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../ui/components';
import { dateTime } from '../../ui/format';
import type { Me } from '../types';

/** The caller's conversations and their unread count (`GET /messages`); kept fresh every 30 s. */
export function useConversations() {
  return useQuery({ queryKey: ['messages'], queryFn: () => call(api.GET('/api/v1/messages', { params: { query: { pageSize: 50 } } })), refetchInterval: 30_000 });
}

/** The nav link to the messages, with the unread count. */
export function MessagesLink() {
  const unread = useConversations().data?.unread ?? 0;
  return <Link href="/messages">{unread > 0 ? `Messages (${unread} unread)` : 'Messages'}</Link>;
}

/** Conversations with the school and the children's teachers: the list and a new message. */
export function Messages({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const conversations = useConversations();
  return (
    <>
      <h1>Messages</h1>
      <div className="grid">
        <Card title="Conversations">
          {conversations.isPending && <Loading />}
          <ErrorNotice error={conversations.error} />
          {conversations.data && conversations.data.data.length === 0 && <p className="muted">No messages yet.</p>}
          <ul className="list" aria-label="Conversations">
            {conversations.data?.data.map((c) => (
              <li key={c.id}>
                <Link href={`/messages/${c.id}`}>
                  <strong>{c.subject}</strong>
                </Link>
                {c.unread > 0 && <span className="badge"> {c.unread} unread</span>}
                <div className="muted">
                  {c.withSchool ? 'The school' : (c.teacher?.name ?? c.parent?.name)} · {dateTime(c.lastMessageAt, zone)}
                </div>
                <div>{c.lastMessage}</div>
              </li>
            ))}
          </ul>
        </Card>
        {me.role === 'parent' && <NewMessage me={me} />}
      </div>
    </>
  );
}

function NewMessage({ me }: { me: Me }) {
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const teachers = [...new Set(me.children.map((child) => child.teacherId).filter((id): id is number => id !== null))];
  const [to, setTo] = useState('school');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: () => call(api.POST('/api/v1/messages', { body: { to: to === 'school' ? 'school' : { teacherId: Number(to) }, subject, body } })),
    onSuccess: (created) => {
      void queries.invalidateQueries({ queryKey: ['messages'] });
      navigate(`/messages/${created.conversation.id}`);
    },
  });
  return (
    <Card title="Write a message">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="message-to">To</label>
          <select id="message-to" value={to} onChange={(event) => setTo(event.target.value)}>
            <option value="school">The school office</option>
            {teachers.map((teacherId) => (
              <option key={teacherId} value={teacherId}>
                The teacher of{' '}
                {me.children
                  .filter((child) => child.teacherId === teacherId)
                  .map((child) => child.firstName)
                  .join(' and ')}
              </option>
            ))}
          </select>
        </div>
        <Field label="Subject" name="subject" value={subject} onChange={setSubject} problem={fieldProblem(send.error, 'subject')} />
        <MessageText value={body} onChange={setBody} problem={fieldProblem(send.error, 'body')} />
        <ErrorNotice error={send.error} />
        <button className="button" type="submit" disabled={send.isPending}>
          Send message
        </button>
      </form>
    </Card>
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
