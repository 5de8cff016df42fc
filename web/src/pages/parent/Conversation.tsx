import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, fieldProblem, Loading } from '../../ui/components';
import { dateTime } from '../../ui/format';
import { MessageText } from './Messages';

/** One conversation, oldest message first (reading it marks it read), and a reply box. */
export function Conversation({ conversationId }: { conversationId: number }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const thread = useQuery({
    queryKey: ['messages', conversationId],
    queryFn: async () => {
      const read = await call(api.GET('/api/v1/messages/{conversationId}', { params: { path: { conversationId } } }));
      void queries.invalidateQueries({ queryKey: ['messages'], exact: true });
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
        <Link href="/messages">All messages</Link>
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
