import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../ui/components';
import { ConversationList, MessageText, useConversations } from '../messages-shared';
import type { Me } from '../types';

/** Conversations with the school and the children's teachers: the list and a new message. */
export function Messages({ me }: { me: Me }) {
  const conversations = useConversations();
  return (
    <>
      <h1>Messages</h1>
      <div className="grid">
        <Card title="Conversations">
          {conversations.isPending && <Loading />}
          <ErrorNotice error={conversations.error} />
          {conversations.data && conversations.data.data.length === 0 && <p className="muted">No messages yet.</p>}
          {conversations.data && <ConversationList conversations={conversations.data.data} viewer="family" />}
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
