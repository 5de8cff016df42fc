import { useState } from 'react';
import { Link } from 'wouter';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { ConversationList, useConversations } from '../../messages-shared';

/**
 * The school's inbox (`GET /messages`): conversations with unread messages first, then the newest.
 * "Every conversation" adds teachers' conversations with families (`scope=all`, read-only counts).
 */
export function Inbox() {
  const [everyone, setEveryone] = useState(false);
  const conversations = useConversations(everyone ? 'all' : 'mine');
  const rows = [...(conversations.data?.data ?? [])].sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0));
  const unread = conversations.data?.unread ?? 0;
  return (
    <>
      <h1>Messages</h1>
      <p className="messages-actions">
        <Link className="button" href="/new">
          New conversation
        </Link>
        <label className="choice">
          <input type="checkbox" checked={everyone} onChange={(event) => setEveryone(event.target.checked)} />
          Include teachers’ conversations with families
        </label>
      </p>
      <Card title="Inbox">
        {conversations.isPending && <Loading />}
        <ErrorNotice error={conversations.error} />
        {conversations.data && (
          <p className="muted" role="status">
            {unread === 0 ? 'Nothing unread.' : `${unread} unread`}
          </p>
        )}
        {conversations.data && rows.length === 0 && <p className="muted">No messages yet.</p>}
        <ConversationList conversations={rows} viewer="office" base="" />
      </Card>
    </>
  );
}
