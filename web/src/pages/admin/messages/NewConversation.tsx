import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem } from '../../../ui/components';
import { MessageText } from '../../messages-shared';

type Role = 'parent' | 'teacher';
type Topic = 'general' | 'billing' | 'lesson';
const topicChoices: { value: Topic; label: string }[] = [
  { value: 'general', label: 'General' },
  { value: 'billing', label: 'Billing' },
  { value: 'lesson', label: 'Lessons' },
];

/** Active parents or teachers whose name or e-mail contains `q` (`GET /users`, the first 50 by name). */
function usePeople(role: Role, q: string) {
  const search = q.trim();
  return useQuery({
    queryKey: ['users', 'recipients', role, search],
    queryFn: () => call(api.GET('/api/v1/users', { params: { query: { role, active: 'true', pageSize: 50, ...(search ? { q: search } : {}) } } })),
    placeholderData: (previous) => previous,
  });
}

/** `/messages/new`: the office starts a conversation with a parent or a teacher (`POST /messages`). */
export function NewConversation() {
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const [role, setRole] = useState<Role>('parent');
  const [search, setSearch] = useState('');
  const [recipient, setRecipient] = useState('');
  const [topic, setTopic] = useState<Topic>('general');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [missingRecipient, setMissingRecipient] = useState(false);
  const people = usePeople(role, search);
  const send = useMutation({
    mutationFn: () => call(api.POST('/api/v1/messages', { body: { to: { userId: Number(recipient) }, subject, body, topic } })),
    onSuccess: (created) => {
      void queries.invalidateQueries({ queryKey: ['messages'] });
      navigate(`/${created.conversation.id}`);
    },
  });
  const recipientProblem = missingRecipient ? 'Choose who to write to.' : fieldProblem(send.error, 'to');
  return (
    <>
      <p>
        <Link href="/">All messages</Link>
      </p>
      <h1>New conversation</h1>
      <Card title="Write a message">
        <form
          className="new-conversation"
          onSubmit={(event) => {
            event.preventDefault();
            setMissingRecipient(recipient === '');
            if (recipient !== '') send.mutate();
          }}
        >
          <fieldset className="field recipient">
            <legend>To</legend>
            <div className="recipient-search">
              <div className="field">
                <label htmlFor="recipient-role">Who</label>
                <select
                  id="recipient-role"
                  value={role}
                  onChange={(event) => {
                    setRole(event.target.value as Role);
                    setRecipient('');
                  }}
                >
                  <option value="parent">A parent</option>
                  <option value="teacher">A teacher</option>
                </select>
              </div>
              <Field label="Find by name or e-mail" name="recipient-search" value={search} onChange={setSearch} />
            </div>
            <div className="field">
              <label htmlFor="recipient">Recipient</label>
              <select
                id="recipient"
                value={recipient}
                aria-invalid={recipientProblem ? true : undefined}
                aria-describedby={recipientProblem ? 'recipient-problem' : undefined}
                onChange={(event) => setRecipient(event.target.value)}
              >
                <option value="">{people.isPending ? 'Loading…' : `Choose (${people.data?.total ?? 0} found)`}</option>
                {people.data?.data.map((person) => (
                  <option key={person.id} value={person.id}>
                    {person.firstName} {person.lastName} ({person.email})
                  </option>
                ))}
              </select>
              {recipientProblem && (
                <span className="problem" id="recipient-problem">
                  {recipientProblem}
                </span>
              )}
            </div>
            <ErrorNotice error={people.error} />
          </fieldset>
          <div className="field">
            <label htmlFor="message-topic">Topic</label>
            <select id="message-topic" value={topic} onChange={(event) => setTopic(event.target.value as Topic)}>
              {topicChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
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
    </>
  );
}
