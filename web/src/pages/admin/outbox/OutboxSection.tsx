import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { Pager } from '../../../ui/Pager';
import { dateTime } from '../../../ui/format';
import { SelectField } from '../../../ui/fields';
import './outbox.css';

type OutboxQuery = NonNullable<paths['/api/v1/outbox']['get']['parameters']['query']>;
type Message = paths['/api/v1/outbox']['get']['responses'][200]['content']['application/json']['data'][number];

const statuses: readonly NonNullable<OutboxQuery['status']>[] = ['pending', 'sending', 'retrying', 'sent', 'kept', 'failed'];
const PAGE_SIZE = 25;

/** One message: who, what, its state; opening it shows the text sent and, when delivery went wrong, why. */
function OutboxMessage({ message, zone }: { message: Message; zone: string }) {
  return (
    <li>
      <details className="outbox-message">
        <summary>
          <span className="outbox-summary">
            <span className="badge">{message.status}</span> <strong>{message.subject ?? message.template}</strong>
            <span className="muted outbox-to">
              {message.recipient} · {dateTime(message.createdAt, zone)}
            </span>
          </span>
        </summary>
        <dl className="pairs">
          <dt>Channel</dt>
          <dd>{message.channel}</dd>
          <dt>Template</dt>
          <dd>{message.template}</dd>
          <dt>Attempts</dt>
          <dd>{message.attempts}</dd>
          {message.sentAt && (
            <>
              <dt>Sent</dt>
              <dd>
                {dateTime(message.sentAt, zone)}
                {message.provider ? ` by ${message.provider}` : ''}
              </dd>
            </>
          )}
          {message.lastError && (
            <>
              <dt>Error</dt>
              <dd className="outbox-error">{message.lastError}</dd>
            </>
          )}
        </dl>
        {message.bodyText === null ? <p className="muted">The text is no longer kept (retention).</p> : <pre className="outbox-body">{message.bodyText}</pre>}
      </details>
    </li>
  );
}

/** `/outbox`: every e-mail and SMS the school sent or tried to send (`GET /outbox`), by status and channel; failures first. */
export default function OutboxSection() {
  const zone = useSchoolZone();
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const [page, setPage] = useState(1);
  const query: OutboxQuery = {
    page,
    pageSize: PAGE_SIZE,
    ...(status ? { status: status as OutboxQuery['status'] } : {}),
    ...(channel ? { channel: channel as OutboxQuery['channel'] } : {}),
  };
  const messages = useQuery({ queryKey: ['outbox', query], queryFn: () => call(api.GET('/api/v1/outbox', { params: { query } })) });
  const failed = useQuery({ queryKey: ['outbox', 'failed'], queryFn: () => call(api.GET('/api/v1/outbox', { params: { query: { status: 'failed', pageSize: 10 } } })) });
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setPage(1);
  };
  return (
    <>
      <h1>Outbox</h1>
      {failed.data && failed.data.total > 0 && (
        <Card title="Failed deliveries">
          <ul className="list" aria-label="Failed deliveries">
            {failed.data.data.map((message) => (
              <li key={message.id}>
                <strong>{message.subject ?? message.template}</strong> · {message.recipient}
                <div className="outbox-error">{message.lastError ?? 'No reason recorded'}</div>
              </li>
            ))}
          </ul>
          {failed.data.total > failed.data.data.length && <p className="muted">{failed.data.total} failed in all; choose the status "failed" below to see them.</p>}
        </Card>
      )}
      <Card title="Messages">
        <div className="outbox-filters">
          <SelectField label="Status" name="status" value={status} onChange={filter(setStatus)} options={[{ value: '', label: 'Any' }, ...statuses.map((value) => ({ value }))]} />
          <SelectField
            label="Channel"
            name="channel"
            value={channel}
            onChange={filter(setChannel)}
            options={[
              { value: '', label: 'E-mail and SMS' },
              { value: 'email', label: 'E-mail' },
              { value: 'sms', label: 'SMS' },
            ]}
          />
        </div>
        {messages.isPending && <Loading />}
        <ErrorNotice error={messages.error ?? failed.error} />
        {messages.data && messages.data.data.length === 0 && <p className="muted">No messages.</p>}
        <ul className="list" aria-label="Messages">
          {messages.data?.data.map((message) => (
            <OutboxMessage key={message.id} message={message} zone={zone} />
          ))}
        </ul>
        <Pager label="Outbox pages" page={page} pageSize={PAGE_SIZE} total={messages.data?.total ?? 0} onPage={setPage} />
      </Card>
    </>
  );
}
